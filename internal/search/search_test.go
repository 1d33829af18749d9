package search

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"octavo/internal/blog"
)

func TestTokens(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Hello, World!", "hello world"},
		{"http.ListenAndServe(\":8080\", nil)", "http listenandserve 8080 nil"},
		{"max_connections = 100", "max connections 100"},
		{"EXPLAIN ANALYZE SELECT", "explain analyze select"},
		{"Café Zürich naïve résumé", "cafe zurich naive resume"},
		{"Ünïcode ĲSSELMEER ﬁle", "unicode ijsselmeer file"},
		{"Ｇｏ ＡＰＩ", "go api"},               // full width
		{"½", "1 2"},                       // NFKC: 1⁄2
		{"日本語のテキスト", "日本語のテキスト"},           // no segmentation: one word
		{"हिन्दी भाषा", "हिन्दी भाषा"},     // marks stay inside words
		{"Ελληνικά άλφα", "ελληνικα αλφα"}, // Greek accents fold
		{"ёлка Йога", "ёлка йога"},         // Cyrillic letters keep theirs
		{"a\u0301b", "ab"},                 // combining accent on a Latin letter
		{"x\x00y\ty\u200bz", "x y y z"},    // control and format characters separate
		{"😀 emoji🚀rocket", "emoji rocket"}, // symbols separate
		{strings.Repeat("a", 100), strings.Repeat("a", MaxWordBytes)},
		{"", ""},
		{"\xff\xfeok", "ok"},
	} {
		if got := Words(tt.in, 0); got != tt.want {
			t.Errorf("Words(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := Words("one two three", 2); got != "one two" {
		t.Errorf("limit: %q", got)
	}
	toks := Tokens("Go's net/http", 0)
	want := []Token{{"go", 0, 2}, {"s", 3, 4}, {"net", 5, 8}, {"http", 9, 13}}
	if !reflect.DeepEqual(toks, want) {
		t.Errorf("Tokens: %+v", toks)
	}
}

func TestIsWord(t *testing.T) {
	for _, w := range []string{"deploy", "cafe", "日本語", "x1", "हिन्दी"} {
		if !IsWord(w) {
			t.Errorf("IsWord(%q) = false", w)
		}
	}
	for _, w := range []string{"", "Deploy", "café", "a b", "a_b", "a'b", `a"b`, "deploy*", strings.Repeat("a", 65), "\xff"} {
		if IsWord(w) {
			t.Errorf("IsWord(%q) = true", w)
		}
	}
}

func TestText(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"<p>One</p><p>Two</p>", " One Two"},
		{"<p><em>fast</em>er and <strong>bold</strong>ly</p>", " faster and boldly"},
		{`<pre class="chroma"><code><span class="kd">func</span><span class="w"> </span><span class="nx">main</span>()</code></pre>`, " func main()"},
		{"a<br>b", "a b"},
		{"x<sup>1</sup> y", "x 1 y"},
		{"<!-- more --><p>after</p>", " after"},
		{"<p>a &lt;b&gt; &amp; &#39;c&#39; &eacute;</p>", " a <b> & 'c' é"},
		{`<a href="x>y" title='a>b'>link</a>`, "link"},
		{"<script>var x = '<p>';</script><p>text</p><STYLE>p{}</STYLE>", " text"},
		{"1 < 2 and 3 <4", "1 < 2 and 3 <4"},
		{"<p>unclosed", " unclosed"},
		{"<!-- unclosed", ""},
		{"<script>never closed", ""},
	} {
		if got := strings.Join(strings.Fields(Text(tt.in)), " "); got != strings.Join(strings.Fields(tt.want), " ") {
			t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestParse is the bad-query table: what visitors type gives terms, or a
// message that says why nothing is searched, never anything else.
func TestParse(t *testing.T) {
	for _, tt := range []struct {
		in      string
		want    string // the terms, one per line: words, * for a prefix
		problem string // a part of the message
	}{
		{in: "", want: ""},
		{in: "   \t\n ", want: ""},
		{in: "deploy", want: "deploy"},
		{in: "Deploy FRIDAYS deploy", want: "deploy|fridays"},
		{in: "deploy*", want: "deploy*"},
		{in: "deploy***", want: "deploy*"},
		{in: "d*", want: "d"},
		{in: `"load balancer"`, want: "load balancer"},
		{in: `"load bal*"`, want: "load bal*"},
		{in: `"load bal"*`, want: "load bal*"},
		{in: `"unbalanced quote`, want: "unbalanced quote"},
		{in: `one "two three" four`, want: "one|two three|four"},
		{in: `"two"three`, want: "two|three"},
		{in: "http.ListenAndServe", want: "http listenandserve"},
		{in: "ListenAndServe(", want: "listenandserve"},
		{in: "max_connections", want: "max connections"},
		{in: "EXPLAIN ANALYZE", want: "explain|analyze"},
		{in: "café", want: "cafe"},
		{in: "deploy AND fridays OR NOT NEAR x", want: "deploy|fridays|x"},
		{in: "and or not", want: "and|or|not"},
		{in: "-deploy +fridays ^x", want: "deploy|fridays|x"},
		{in: "deploy\x00\x01fridays\x7f", want: "deploy|fridays"},
		{in: "\xff\xfedeploy", want: "deploy"},
		{in: `'; DROP TABLE posts; --`, want: "drop|table|posts"},
		{in: `') OR 1=1 --`, want: "1 1"},
		{in: `post_fts MATCH '*'`, want: "post fts|match"},
		{in: "{title body}: deploy", want: "title|body|deploy"},
		{in: "NEAR(deploy fridays, 2)", want: "near deploy|fridays|2"},
		{in: `'deploy':* & !x`, want: "deploy|x"},
		{in: `""`, problem: "nothing to search"},
		{in: `"`, problem: "nothing to search"},
		{in: "AND", problem: "nothing to search"},
		{in: "OR NOT NEAR AND", problem: "nothing to search"},
		{in: "-", problem: "nothing to search"},
		{in: "^", problem: "nothing to search"},
		{in: "*", problem: "nothing to search"},
		{in: "** -* --", problem: "nothing to search"},
		{in: "&& || !", problem: "nothing to search"},
		{in: "😀 🚀", problem: "nothing to search"},
		{in: "\x00\x01\x02", want: ""},
		{in: strings.Repeat("x", 300), problem: "300 characters"},
		{in: strings.Repeat("deploy ", 10<<10), problem: "characters"},
		{in: strings.Repeat("w ", 13) + "a b c d e f g h i j k l m", problem: "at most 12"},
		{in: `"` + strings.Repeat("w ", 33) + `"`, problem: "at most 32"},
	} {
		q := Parse(tt.in)
		var got []string
		for _, term := range q.Terms {
			s := strings.Join(term.Words, " ")
			if term.Prefix {
				s += "*"
			}
			got = append(got, s)
		}
		if tt.problem != "" {
			if len(q.Terms) != 0 || !strings.Contains(strings.ToLower(q.Problem), strings.ToLower(tt.problem)) {
				t.Errorf("Parse(%.40q): terms %q, problem %q; want a problem about %q", tt.in, got, q.Problem, tt.problem)
			}
			continue
		}
		if strings.Join(got, "|") != tt.want || q.Problem != "" {
			t.Errorf("Parse(%.40q) = %q (problem %q), want %q", tt.in, strings.Join(got, "|"), q.Problem, tt.want)
		}
		if len(q.Terms) > 0 && !Valid(q.Terms) {
			t.Errorf("Parse(%.40q) made terms Valid refuses: %+v", tt.in, q.Terms)
		}
	}
}

func TestSnippet(t *testing.T) {
	terms := func(s string) []blog.SearchTerm { return Parse(s).Terms }
	for _, tt := range []struct {
		text, query string
		n           int
		want        string
	}{
		{"Deploy on Fridays, never on Mondays.", "fridays", 10, "Deploy on <mark>Fridays</mark>, never on Mondays."},
		{"A <b>bold</b> & 'quoted' claim about caching.", "caching", 10, "A &lt;b&gt;bold&lt;/b&gt; &amp; &#39;quoted&#39; claim about <mark>caching</mark>."},
		{"Use http.ListenAndServe(addr, nil) to serve.", "http.ListenAndServe", 10, "Use <mark>http.ListenAndServe</mark>(addr, nil) to serve."},
		{"a load  balancer\n\tand a load", `"load balancer"`, 10, "a <mark>load balancer</mark> and a load"},
		{"Deployment and deploys.", "deploy*", 10, "<mark>Deployment</mark> and <mark>deploys</mark>."},
		{"Café in Zürich", "cafe zurich", 10, "<mark>Café</mark> in <mark>Zürich</mark>"},
		{"one two three four five six seven eight nine ten eleven twelve", "eleven", 4, "… nine ten <mark>eleven</mark> twelve"},
		{"one two three four five six seven eight nine ten eleven twelve", "two", 4, "one <mark>two</mark> three four …"},
		{"one two three four five", "absent", 3, "one two three …"},
		{"alpha x x x x x x x x beta x gamma beta", "beta gamma", 4, "… <mark>beta</mark> x <mark>gamma</mark> <mark>beta</mark>"},
		{"  lead. middle. tail!  ", "tail", 10, "lead. middle. <mark>tail</mark>!"},
		{"<script>alert(1)</script> found", "found", 10, "&lt;script&gt;alert(1)&lt;/script&gt; <mark>found</mark>"},
		{"", "x", 10, ""},
	} {
		if got := Snippet(tt.text, terms(tt.query), tt.n); got != tt.want {
			t.Errorf("Snippet(%q, %q):\n got %q\nwant %q", tt.text, tt.query, got, tt.want)
		}
	}
	if got := Highlight(`"Go" & <Rust>: go!`, terms("go")); got != `&#34;<mark>Go</mark>&#34; &amp; &lt;Rust&gt;: <mark>go</mark>!` {
		t.Errorf("Highlight: %q", got)
	}
	if got := Highlight("  ", terms("go")); got != " " {
		t.Errorf("Highlight of spaces: %q", got)
	}
}

func TestKey(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	pub := &blog.Post{ID: "a", Status: blog.StatusPublished, PublishedAt: at, UpdatedAt: at.Add(time.Hour)}
	sched := &blog.Post{ID: "b", Status: blog.StatusScheduled, PublishedAt: at.Add(time.Hour)}
	draft := &blog.Post{ID: "c", Status: blog.StatusDraft, UpdatedAt: at.Add(-time.Hour)}
	pending := &blog.Post{ID: "d", Status: blog.StatusPending, PublishedAt: at, UpdatedAt: at}
	trashed := &blog.Post{ID: "e", Status: blog.StatusTrashed, PublishedAt: at}
	old := &blog.Post{ID: "f", Status: blog.StatusPublished, PublishedAt: time.Date(1901, 1, 1, 0, 0, 0, 0, time.UTC)}
	undated := &blog.Post{ID: "g", Status: blog.StatusPublished}
	in := func(p *blog.Post, now time.Time, drafts bool) bool {
		lo, hi := KeyRange(now, drafts)
		k := Key(p)
		return lo <= k && k <= hi
	}
	for _, tt := range []struct {
		p      *blog.Post
		now    time.Time
		drafts bool
		want   bool
	}{
		{pub, at, false, true},
		{pub, at.Add(-time.Millisecond), false, false},
		{sched, at, false, false},
		{sched, at.Add(time.Hour), false, true},
		{sched, at, true, true},
		{draft, at, false, false},
		{draft, at, true, true},
		{pending, at, false, false},
		{pending, at, true, true},
		{trashed, at, false, false},
		{trashed, at, true, false},
		{old, at, false, true},
		{undated, at, false, false},
		{undated, at, true, true},
	} {
		if got := in(tt.p, tt.now, tt.drafts); got != tt.want {
			t.Errorf("post %s (%s) at %v, drafts %v: in range %v", tt.p.ID, tt.p.Status, tt.now, tt.drafts, got)
		}
	}
	if !(Key(sched) > Key(pub) && Key(pub) > Key(old) && Key(draft) > Key(sched)) {
		t.Errorf("keys out of order: %x %x %x %x", Key(draft), Key(sched), Key(pub), Key(old))
	}
	// Far past and future times are clamped, not wrapped.
	for _, y := range []int{2, 9999} {
		p := &blog.Post{ID: "h", Status: blog.StatusPublished, PublishedAt: time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)}
		if k := Key(p); k < 1<<classShift || k >= 2<<classShift {
			t.Errorf("year %d: key %x out of its class", y, k)
		}
	}
}

// TestFilter checks the search of posts held in memory against the same
// kind of expectations as the stores' conformance suite.
func TestFilter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var entries []Entry
	add := func(title, html string, status blog.Status, age time.Duration, tags ...string) {
		p := &blog.Post{ID: fmt.Sprint(len(entries)), Title: title, Status: status, PublishedAt: now.Add(-age), UpdatedAt: now.Add(-age)}
		if status == blog.StatusDraft {
			p.PublishedAt = time.Time{}
		}
		p.Rendered.HTML = html
		for _, tg := range tags {
			p.Tags = append(p.Tags, blog.Tag{Name: tg})
		}
		entries = append(entries, NewEntry(p))
	}
	add("Postgres for SQLite users", "<p>What changes.</p>", blog.StatusPublished, 4*time.Hour, "SQLite")
	add("Reading query plans", "<pre><code>EXPLAIN ANALYZE</code></pre>", blog.StatusPublished, 9*time.Hour, "Postgres")
	add("Tuning max_connections", "<p>postgresql.conf</p>", blog.StatusPublished, 7*time.Hour, "Postgres")
	add("Leaving MySQL", "<p>We moved to postgres.</p>", blog.StatusPublished, 3*time.Hour, "MySQL")
	add("Postgres draft", "<p>x</p>", blog.StatusDraft, time.Hour)
	add("Postgres scheduled", "<p>x</p>", blog.StatusScheduled, -time.Hour)
	find := func(query string, drafts bool, off, limit int) (string, int) {
		posts, total, err := Filter(entries, blog.SearchQuery{Terms: Parse(query).Terms, Now: now, IncludeDrafts: drafts, Offset: off, Limit: limit})
		if err != nil {
			t.Fatal(err)
		}
		var ts []string
		for _, p := range posts {
			ts = append(ts, p.Title)
		}
		return strings.Join(ts, ","), total
	}
	for _, tt := range []struct {
		query  string
		drafts bool
		want   string
	}{
		{"postgres", false, "Postgres for SQLite users,Tuning max_connections,Reading query plans,Leaving MySQL"},
		{"postgres", true, "Postgres draft,Postgres scheduled,Postgres for SQLite users,Tuning max_connections,Reading query plans,Leaving MySQL"},
		{"postgres mysql", false, "Leaving MySQL"},
		{`"explain analyze"`, false, "Reading query plans"},
		{`"analyze explain"`, false, ""},
		{"max_connections", false, "Tuning max_connections"},
		{"postgres*", false, "Postgres for SQLite users,Tuning max_connections,Reading query plans,Leaving MySQL"},
	} {
		if got, _ := find(tt.query, tt.drafts, 0, 0); got != tt.want {
			t.Errorf("Filter %q (drafts %v):\n got %q\nwant %q", tt.query, tt.drafts, got, tt.want)
		}
	}
	if got, total := find("postgres", false, 1, 2); got != "Tuning max_connections,Reading query plans" || total != 4 {
		t.Errorf("a page: %q of %d", got, total)
	}
	// Counting stops at blog.SearchMaxResults, as in the stores.
	many := make([]Entry, blog.SearchMaxResults+5)
	for i := range many {
		p := &blog.Post{ID: fmt.Sprint(i), Title: "Many", Status: blog.StatusPublished, PublishedAt: now.Add(-time.Duration(i) * time.Minute)}
		many[i] = NewEntry(p)
	}
	posts, total, err := Filter(many, blog.SearchQuery{Terms: Parse("many").Terms, Now: now, Offset: blog.SearchMaxResults - 2, Limit: 10})
	if err != nil || total != blog.SearchMaxResults || len(posts) != 2 {
		t.Errorf("past the reach: %d posts of %d, %v", len(posts), total, err)
	}
	if _, _, err := Filter(entries, blog.SearchQuery{Terms: []blog.SearchTerm{{Words: []string{"a b"}}}}); blog.ErrorCode(err) != blog.EINVALID {
		t.Errorf("bad terms: %v", err)
	}
}

func BenchmarkSnippet(b *testing.B) {
	var sb strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&sb, "The %d hot Server handles a request carefully, ", i)
	}
	text, terms := sb.String(), Parse("cache server").Terms
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Snippet(text, terms, SnippetWords)
	}
}

func BenchmarkText(b *testing.B) {
	var sb strings.Builder
	for range 300 {
		sb.WriteString(`<p>Some <em>text</em> with <a href="https://example.com/x">a link</a> &amp; more.</p><pre class="chroma"><code><span class="line"><span class="cl"><span class="kd">func</span><span class="w"> </span><span class="nf">main</span><span class="p">()</span></span></span></code></pre>`)
	}
	html := sb.String()
	b.SetBytes(int64(len(html)))
	for b.Loop() {
		Text(html)
	}
}
