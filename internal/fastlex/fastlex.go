// Package fastlex makes chroma's regular-expression lexers faster without
// changing a token they produce.
//
// A chroma lexer tries, at each position of the text, the rules of its
// current state in order until one matches; most attempts fail, and each
// costs a full regexp2 match set-up (about half a microsecond). Highlighting
// the code of a 10,000-post blog makes millions of them. fastlex wraps each
// regular-expression lexer of chroma's registry with one that first checks
// the character at the position against the set of characters a rule's
// match can start with (regexp2's own analysis of the pattern, which it
// uses for the same purpose when searching) and, for an alternation of
// keywords, against the keywords, and skips the rules that cannot match
// there. A rule led by \A (a shebang line, say) is tried only
// at the start of the text, one led by ^ only at the start of a line. Rules
// of which neither can be known are always tried. The loop around the
// rules is chroma's, step for step, so the token stream is the same;
// fastlex_test.go checks it against chroma on chroma's own test files for
// every lexer. One difference: where chroma's rules would go round forever
// without consuming text (see maxEmptyMatches), the wrapper stops.
package fastlex

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/dlclark/regexp2/v2"
	"github.com/dlclark/regexp2/v2/syntax"
)

var installOnce sync.Once

// Install wraps every regular-expression lexer of chroma's global registry
// (the one lexers.Get and goldmark-highlighting use). It runs once; call
// it before anything highlights, since the registry is not safe to change
// while it is read.
func Install() {
	installOnce.Do(func() {
		reg := lexers.GlobalLexerRegistry
		for _, l := range append(chroma.Lexers(nil), reg.Lexers...) {
			if rl, ok := l.(*chroma.RegexLexer); ok && !fetchedAsRegexLexer[rl.Config().Name] {
				reg.Register(Wrap(rl))
			}
		}
	})
}

// fetchedAsRegexLexer names the lexers another of chroma's lexers takes
// from the registry as a *chroma.RegexLexer: wrapped, they would make it
// panic. PHTML (PHP in HTML) builds its rules from PHP's that way.
var fetchedAsRegexLexer = map[string]bool{"PHP": true}

// Lexer is a chroma.RegexLexer with rules filtered by where they can start.
type Lexer struct {
	rl *chroma.RegexLexer

	once  sync.Once
	err   error
	rules chroma.CompiledRules
	// first holds, for each compiled rule, where its match can start
	// (nil: anywhere, always try it).
	mu    sync.RWMutex
	first map[*chroma.CompiledRule]*start
	// named holds the rules whose matches fill chroma's
	// LexerState.NamedGroups (see needsNames).
	named map[*chroma.CompiledRule]bool
	// infos holds, by state, what matchRules needs of its rules (filter).
	infos map[string]stateInfo
}

// start is what a rule's match needs where it starts: one of a set of
// characters there (when regexp2 can tell), and, for a pattern led by \A
// or by ^, the start of the text or of a line.
type start struct {
	anchor          syntax.AnchorLoc // syntax.AnchorBeginning, syntax.AnchorBol or 0
	hasChars        bool             // set holds the possible first characters
	set             syntax.CharSet
	caseInsensitive bool
	ascii           [2]uint64 // the ASCII part of the set, precomputed
	// prefixes, when not nil, are literal strings one of which every
	// match begins with (an alternation of keywords, say), by their first
	// character when it is ASCII (nonASCII: the others).
	prefixes *[128][][]rune
	nonASCII [][]rune
}

// may reports whether a match can start at text[pos].
func (s *start) may(text []rune, pos int) bool {
	switch s.anchor {
	case syntax.AnchorBeginning:
		if pos != 0 {
			return false
		}
	case syntax.AnchorBol:
		if pos > 0 && text[pos-1] != '\n' {
			return false
		}
	}
	if s.hasChars {
		c := text[pos]
		if s.caseInsensitive {
			c = unicode.ToLower(c)
		}
		if c < 128 && s.ascii[c>>6]&(1<<(uint(c)&63)) == 0 || c >= 128 && !s.set.CharIn(c) {
			return false
		}
	}
	if s.prefixes == nil {
		return true
	}
	rest := text[pos:]
	candidates := s.nonASCII
	if c := rest[0]; c < 128 {
		candidates = s.prefixes[c]
	}
	for _, p := range candidates {
		if len(rest) >= len(p) && slices.Equal(rest[:len(p)], p) {
			return true
		}
	}
	return false
}

// Wrap returns a faster lexer with rl's rules.
func Wrap(rl *chroma.RegexLexer) *Lexer {
	return &Lexer{rl: rl, first: map[*chroma.CompiledRule]*start{}, named: map[*chroma.CompiledRule]bool{}, infos: map[string]stateInfo{}}
}

// Config describes the lexer.
func (l *Lexer) Config() *chroma.Config { return l.rl.Config() }

// SetRegistry sets the registry of the wrapped lexer.
func (l *Lexer) SetRegistry(r *chroma.LexerRegistry) chroma.Lexer {
	l.rl.SetRegistry(r)
	return l
}

// SetAnalyser sets the analyser of the wrapped lexer.
func (l *Lexer) SetAnalyser(a func(string) float32) chroma.Lexer {
	l.rl.SetAnalyser(a)
	return l
}

// AnalyseText scores how likely text is in this lexer's language.
func (l *Lexer) AnalyseText(text string) float32 { return l.rl.AnalyseText(text) }

// String names the lexer.
func (l *Lexer) String() string { return l.rl.String() }

// compile builds the compiled rules as chroma's RegexLexer does: each
// pattern anchored with \G and given the lexer's flags, then the
// LexerMutators (include…) applied.
func (l *Lexer) compile() error {
	l.once.Do(func() {
		raw, err := l.rl.Rules()
		if err != nil {
			l.err = err
			return
		}
		cfg := l.rl.Config()
		flags := ""
		if !cfg.NotMultiline {
			flags += "m"
		}
		if cfg.CaseInsensitive {
			flags += "i"
		}
		if cfg.DotAll {
			flags += "s"
		}
		rules := chroma.CompiledRules{}
		for state, rs := range raw {
			rules[state] = nil
			for i, rule := range rs {
				pattern := "(?:" + rule.Pattern + ")"
				if flags != "" {
					pattern = "(?" + flags + ")" + pattern
				}
				re, err := regexp2.Compile(`\G` + pattern)
				if err != nil {
					l.err = fmt.Errorf("failed to compile rule %s.%d: %s", state, i, err)
					return
				}
				re.MatchTimeout = 250 * time.Millisecond
				cr := &chroma.CompiledRule{Rule: rule, Regexp: re}
				l.first[cr] = analyse(pattern)
				l.named[cr] = needsNames(cr)
				rules[state] = append(rules[state], cr)
			}
		}
	restart:
		seen := map[chroma.LexerMutator]bool{}
		for state := range rules {
			for i := range len(rules[state]) {
				rule := rules[state][i]
				if m, ok := rule.Mutator.(chroma.LexerMutator); ok {
					if seen[m] {
						l.err = fmt.Errorf("saw mutator %T twice; this should not happen", m)
						return
					}
					seen[m] = true
					if err := m.MutateLexer(rules, state, i); err != nil {
						l.err = err
						return
					}
					goto restart
				}
			}
		}
		l.rules = rules
	})
	return l.err
}

// analyse returns where a pattern's matches can start, from regexp2's own
// analysis: the anchor leading the pattern (\A: only at the start of the
// text; ^ in multi-line mode: only at the start of a line), the possible
// first characters, and the words one of which a match begins with (for
// an alternation of keywords). It returns nil when it can tell neither (the
// pattern may match empty, runs right to left…). The first characters are
// left out for patterns led by other anchors, as regexp2 does.
func analyse(pattern string) *start {
	tree, err := syntax.Parse(pattern, syntax.ParseOptions{})
	if err != nil {
		return nil
	}
	code, err := syntax.Write(tree)
	if err != nil || code.RightToLeft {
		return nil
	}
	s := &start{}
	switch {
	case code.Anchors&syntax.AnchorBeginning != 0:
		s.anchor = syntax.AnchorBeginning
	case code.Anchors&syntax.AnchorBol != 0:
		s.anchor = syntax.AnchorBol
	}
	if code.FcPrefix != nil && code.Anchors&(syntax.AnchorBeginning|syntax.AnchorStart|syntax.AnchorEnd|syntax.AnchorEndZ) == 0 {
		s.hasChars = true
		s.set, s.caseInsensitive = code.FcPrefix.PrefixSet, code.FcPrefix.CaseInsensitive
		for c := rune(0); c < 128; c++ {
			if s.set.CharIn(c) {
				s.ascii[c>>6] |= 1 << (uint(c) & 63)
			}
		}
	}
	// regexp2's search looks for these strings where a match may start,
	// so every match begins with one of them.
	if f := code.FindOptimizations; f != nil && f.FindMode == syntax.LeadingStrings_LeftToRight && len(f.LeadingPrefixesRunes) > 0 {
		s.prefixes = new([128][][]rune)
		for _, p := range f.LeadingPrefixesRunes {
			switch {
			case len(p) == 0: // matches anywhere: no filter
				s.prefixes, s.nonASCII = nil, nil
				return s.orNil()
			case p[0] < 128:
				s.prefixes[p[0]] = append(s.prefixes[p[0]], p)
			default:
				s.nonASCII = append(s.nonASCII, p)
			}
		}
	}
	return s.orNil()
}

// orNil is s, or nil when it tells nothing of where a match starts.
func (s *start) orNil() *start {
	if s.anchor == 0 && !s.hasChars && s.prefixes == nil {
		return nil
	}
	return s
}

// needsNames reports whether a rule's matches must give chroma's
// LexerState.NamedGroups: its pattern names a group, or what it does with
// a match is code that might read them (an EmitterFunc such as
// ByGroupNames or Using, a mutator such as Raku's). Plain token types and
// ByGroups read the numbered groups only.
func needsNames(r *chroma.CompiledRule) bool {
	if r.Mutator != nil {
		return true
	}
	if _, ok := r.Type.(chroma.EmitterFunc); ok {
		return true
	}
	for _, n := range r.Regexp.GetGroupNames() {
		if _, err := strconv.Atoi(n); err != nil {
			return true
		}
	}
	return false
}

// ruleInfo is what matchRules knows of a rule besides chroma's.
type ruleInfo struct {
	first *start // nil: unknown, always try the rule
	named bool   // its matches fill NamedGroups (needsNames)
	// nums and names are the rule's groups, in the order of chroma's
	// match.Groups().
	nums  []int
	names []string
}

// filter returns what matchRules needs of the rules of a state: made once
// per lexer, and again if the state's rules change.
func (l *Lexer) filter(state string, rules []*chroma.CompiledRule) []ruleInfo {
	l.mu.RLock()
	c, ok := l.infos[state]
	l.mu.RUnlock()
	if ok && c.sameRules(rules) {
		return c.infos
	}
	out := make([]ruleInfo, len(rules))
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, r := range rules {
		// A rule added by a mutator after compile is unknown: tried
		// always, with named groups.
		named, ok := l.named[r]
		nums := r.Regexp.GetGroupNumbers()
		names := make([]string, len(nums))
		for j, n := range nums {
			names[j] = r.Regexp.GroupNameFromNumber(n)
		}
		out[i] = ruleInfo{first: l.first[r], named: named || !ok, nums: nums, names: names}
	}
	l.infos[state] = stateInfo{rules: rules, infos: out}
	return out
}

// stateInfo is what filter made of the rules of a state.
type stateInfo struct {
	rules []*chroma.CompiledRule
	infos []ruleInfo
}

func (c stateInfo) sameRules(rules []*chroma.CompiledRule) bool {
	return len(c.rules) == len(rules) && (len(rules) == 0 || &c.rules[0] == &rules[0])
}

// Tokenise returns an iterator over the tokens of text, as
// chroma.RegexLexer.Tokenise does.
func (l *Lexer) Tokenise(options *chroma.TokeniseOptions, text string) (chroma.Iterator, error) {
	if err := l.compile(); err != nil {
		return nil, err
	}
	if options == nil {
		options = &chroma.TokeniseOptions{State: "root", EnsureLF: true}
	}
	if options.EnsureLF {
		text = strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(text)
	}
	newlineAdded := false
	if !options.Nested && l.rl.Config().EnsureNL && !strings.HasSuffix(text, "\n") {
		text += "\n"
		newlineAdded = true
	}
	src := newSource(text)
	it := &iterator{
		l:            l,
		src:          src,
		options:      options,
		newlineAdded: newlineAdded,
		filters:      map[string][]ruleInfo{},
		state: &chroma.LexerState{
			Lexer:          l.rl,
			Registry:       lexers.GlobalLexerRegistry,
			Text:           src.runes,
			Stack:          []string{options.State},
			Rules:          l.rules,
			MutatorContext: map[any]any{},
		},
	}
	return it.next, nil
}

// iterator is chroma's LexerState.Iterator with filtered rules.
type iterator struct {
	l             *Lexer
	src           source
	state         *chroma.LexerState
	options       *chroma.TokeniseOptions
	newlineAdded  bool
	iteratorStack []chroma.Iterator
	filters       map[string][]ruleInfo
	// empties counts the matches in a row that consumed no text.
	empties int
}

// maxEmptyMatches is how many matches in a row may consume no text before
// the lexer is taken to be going round in circles. chroma's lexers change
// state on such matches, a few times at most; its Jungle lexer, on some
// text, never stops (chroma itself then produces empty tokens until memory
// runs out). The rest of the text then comes as one plain token.
const maxEmptyMatches = 1000

func (it *iterator) next() chroma.Token {
	l := it.state
	end := len(l.Text)
	if it.newlineAdded {
		end--
	}
	for l.Pos < end && len(l.Stack) > 0 {
		// Exhaust the iterator stack, if any.
		for len(it.iteratorStack) > 0 {
			n := len(it.iteratorStack) - 1
			t := it.iteratorStack[n]()
			if t.Type == chroma.Ignore {
				continue
			}
			if t == chroma.EOF {
				it.iteratorStack = it.iteratorStack[:n]
				continue
			}
			return t
		}

		l.State = l.Stack[len(l.Stack)-1]
		selected, ok := l.Rules[l.State]
		if !ok {
			panic("unknown state " + l.State)
		}
		filters, ok := it.filters[l.State]
		if !ok || len(filters) != len(selected) {
			filters = it.l.filter(l.State, selected)
			it.filters[l.State] = filters
		}
		ruleIndex, rule, groups, namedGroups := matchRules(&it.src, l.Pos, selected, filters)
		// No match.
		if groups == nil {
			// As in Pygments: a newline flagged as an error empties the
			// stack and goes on in the root state.
			if l.Text[l.Pos] == '\n' && l.State != it.options.State {
				l.Stack = []string{it.options.State}
				continue
			}
			l.Pos++
			return chroma.Token{Type: chroma.Error, Value: string(l.Text[l.Pos-1 : l.Pos])}
		}
		l.Rule = ruleIndex
		l.Groups = groups
		l.NamedGroups = namedGroups
		l.Pos += utf8.RuneCountInString(groups[0])
		if groups[0] != "" {
			it.empties = 0
		} else if it.empties++; it.empties > maxEmptyMatches {
			// The empty tokens emitted meanwhile carry no text.
			it.iteratorStack = nil
			value := string(l.Text[l.Pos:end])
			l.Pos = end
			return chroma.Token{Type: chroma.Text, Value: value}
		}
		if rule.Mutator != nil {
			if err := rule.Mutator.Mutate(l); err != nil {
				panic(err)
			}
		}
		if rule.Type != nil {
			it.iteratorStack = append(it.iteratorStack, rule.Type.Emit(l.Groups, l))
		}
	}
	for len(it.iteratorStack) > 0 {
		n := len(it.iteratorStack) - 1
		t := it.iteratorStack[n]()
		if t.Type == chroma.Ignore {
			continue
		}
		if t == chroma.EOF {
			it.iteratorStack = it.iteratorStack[:n]
			continue
		}
		return t
	}
	// Text left with an empty stack is an error.
	if l.Pos != len(l.Text) && len(l.Stack) == 0 {
		value := string(l.Text[l.Pos:])
		l.Pos = len(l.Text)
		return chroma.Token{Type: chroma.Error, Value: value}
	}
	return chroma.EOF
}

// matchRules is chroma's, trying only the rules that may match at pos.
//
// Chroma fills LexerState.NamedGroups for every match, with the numbered
// groups under "0", "1"…; only ByGroupNames emitters and some mutators
// (Raku's) read it. Here the map is made only for the rules that may
// (needsNames; an empty one otherwise), and each group's text is made
// once: these allocations were a good part of a lexer's time.
func matchRules(src *source, pos int, rules []*chroma.CompiledRule, filters []ruleInfo) (int, *chroma.CompiledRule, []string, map[string]string) {
	text := src.runes
	for i, rule := range rules {
		f := &filters[i]
		if f.first != nil && !f.first.may(text, pos) {
			continue
		}
		var groups []string
		err := rule.Regexp.FindRunesMatches(text, pos, func(m regexp2.MatchView) bool {
			if at, _, ok := m.GroupRange(0); !ok || at != pos {
				return false
			}
			groups = make([]string, len(f.nums))
			for j, n := range f.nums {
				if at, l, ok := m.GroupRange(n); ok {
					groups[j] = src.slice(at, l)
				}
			}
			return false
		})
		if groups != nil && err == nil {
			namedGroups := noNames
			if f.named {
				namedGroups = make(map[string]string, len(groups))
				for j, name := range f.names {
					namedGroups[name] = groups[j]
				}
			}
			return i, rule, groups, namedGroups
		}
	}
	return 0, &chroma.CompiledRule{}, nil, nil
}

// source is the text being lexed, as the runes regexp2 matches and as the
// string they were made from: a group's text is a slice of the string
// instead of a new string made from runes (one allocation a token fewer).
type source struct {
	runes []rune
	text  string
	// offs holds the byte offset of each rune and of the end, when the
	// text is not ASCII; nil for ASCII, where offsets are rune indexes.
	offs []int
	// valid is false for text that is not UTF-8: its runes then hold
	// U+FFFD where the string has other bytes, and groups are made from
	// the runes, as chroma makes them.
	valid bool
}

func newSource(text string) source {
	s := source{runes: []rune(text), text: text, valid: utf8.ValidString(text)}
	if s.valid && len(s.runes) != len(text) {
		s.offs = make([]int, 0, len(s.runes)+1)
		for i := range text {
			s.offs = append(s.offs, i)
		}
		s.offs = append(s.offs, len(text))
	}
	return s
}

// slice returns the text of the n runes at at.
func (s *source) slice(at, n int) string {
	switch {
	case !s.valid:
		return string(s.runes[at : at+n])
	case s.offs == nil:
		return s.text[at : at+n]
	}
	return s.text[s.offs[at]:s.offs[at+n]]
}

// noNames is the NamedGroups of a match of a rule without named groups.
// Nothing writes to it.
var noNames = map[string]string{}
