package markdown

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var updateCommonMark = flag.Bool("update-commonmark", false,
	"rewrite testdata/commonmark-extension-diffs.txt: keep the reasons of examples that still differ, mark new ones UNEXPLAINED")

// extensionDiffsFile lists the CommonMark examples whose output the
// extensions change, with the reason.
const extensionDiffsFile = "testdata/commonmark-extension-diffs.txt"

// unexplained is the reason -update-commonmark writes for an example that
// newly differs; the test fails until a person replaces it.
const unexplained = "UNEXPLAINED"

// reasonParts maps each reason the diff file may give to the extension it
// names. A line may give several, separated by "; ".
var reasonParts = map[string]part{
	"heading ids and anchor links":       partHeadingIDs,
	"GFM tables":                         partTables,
	"strikethrough":                      partStrikethrough,
	"task lists":                         partTaskLists,
	"GFM autolinks (linkify)":            partLinkify,
	"footnotes":                          partFootnotes,
	"chroma highlighting of fenced code": partHighlighting,
	"focusable code blocks (tabindex)":   partFocusableCode,
}

// specExample is one example of the CommonMark spec, as its own script
// dumps them.
type specExample struct {
	Markdown string `json:"markdown"`
	HTML     string `json:"html"`
	Example  int    `json:"example"`
	Section  string `json:"section"`
}

// sharedTestdata returns the path of a file under the shared test data,
// which lies beside the repository (../shared/testdata from the directory
// of go.mod). When it is missing the test is skipped, or fails under CI or
// OCTAVO_REQUIRE_TOOLS, where it must be there.
func sharedTestdata(t testing.TB, rel string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the working directory")
		}
		dir = parent
	}
	path := filepath.Join(dir, "..", "shared", "testdata", filepath.FromSlash(rel))
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("CI") != "" || os.Getenv("OCTAVO_REQUIRE_TOOLS") != "" {
			t.Fatalf("shared test data missing: %v", err)
		}
		t.Skipf("shared test data missing (set CI or OCTAVO_REQUIRE_TOOLS to fail instead): %v", err)
	}
	return path
}

func loadSpec(t *testing.T) []specExample {
	t.Helper()
	b, err := os.ReadFile(sharedTestdata(t, "commonmark/spec-0.31.2.json"))
	if err != nil {
		t.Fatal(err)
	}
	var examples []specExample
	if err := json.Unmarshal(b, &examples); err != nil {
		t.Fatal(err)
	}
	if len(examples) != 652 {
		t.Fatalf("spec has %d examples, want 652", len(examples))
	}
	return examples
}

// sameHTML compares HTML as goldmark's own spec test does: exactly, but
// for leading and trailing white space.
func sameHTML(got, want string) bool { return strings.TrimSpace(got) == strings.TrimSpace(want) }

// specRenderer returns a pipeline that writes void elements the way the
// spec's examples do ("<hr />"), as goldmark's own spec test configures
// it; Octavo's pages are HTML5 and say "<hr>", which is the only
// difference (see Options.xhtml).
func specRenderer(parts part) *Renderer {
	return NewWithOptions(Options{xhtml: true, parts: parts})
}

// TestCommonMark runs the 652 examples of CommonMark 0.31.2 through the
// pipeline with its extensions off.
func TestCommonMark(t *testing.T) {
	r := specRenderer(0)
	for _, ex := range loadSpec(t) {
		t.Run(fmt.Sprintf("%d %s", ex.Example, ex.Section), func(t *testing.T) {
			got, err := r.Markdown(ex.Markdown)
			if err != nil {
				t.Fatal(err)
			}
			if !sameHTML(got, ex.HTML) {
				t.Errorf("markdown:\n%s\ngot:\n%s\nwant:\n%s", ex.Markdown, got, ex.HTML)
			}
		})
	}
}

// TestCommonMarkExtensionDiffs checks that the examples whose output the
// extensions change are exactly those listed in extensionDiffsFile, and
// that each listed reason is right: the extensions it names each change the
// example on their own, and all the others together leave it as the spec
// says.
func TestCommonMarkExtensionDiffs(t *testing.T) {
	examples := loadSpec(t)
	full := NewWithOptions(Options{xhtml: true, Extensions: true})
	alone := map[part]*Renderer{}
	for _, p := range reasonParts {
		alone[p] = specRenderer(p)
	}

	differs := map[int]string{} // example number → output with extensions
	for _, ex := range examples {
		got, err := full.Markdown(ex.Markdown)
		if err != nil {
			t.Fatalf("example %d: %v", ex.Example, err)
		}
		if !sameHTML(got, ex.HTML) {
			differs[ex.Example] = got
		}
	}

	listed, order := readExtensionDiffs(t)
	if *updateCommonMark {
		writeExtensionDiffs(t, examples, differs, listed)
		return
	}

	inSpec := map[int]bool{}
	for _, ex := range examples {
		inSpec[ex.Example] = true
	}
	for _, n := range order {
		if !inSpec[n] {
			t.Errorf("%s lists example %d, which the spec does not have", extensionDiffsFile, n)
		}
	}
	for _, ex := range examples {
		got, differ := differs[ex.Example]
		reason, ok := listed[ex.Example]
		switch {
		case differ && !ok:
			t.Errorf("example %d (%s) differs with extensions on but is not listed in %s (run go test -run CommonMarkExtensionDiffs -update-commonmark, then explain it; it differs alone with: %s)\nmarkdown:\n%s\ngot:\n%s\nspec:\n%s",
				ex.Example, ex.Section, extensionDiffsFile, suggestReason(ex, alone), ex.Markdown, got, ex.HTML)
		case !differ && ok:
			t.Errorf("%s lists example %d (%s) as %q, but it no longer differs: remove the line", extensionDiffsFile, ex.Example, ex.Section, reason)
		case differ && ok:
			checkReason(t, ex, reason, alone)
		}
	}
}

// checkReason verifies a listed reason by turning extensions on and off.
func checkReason(t *testing.T, ex specExample, reason string, alone map[part]*Renderer) {
	t.Helper()
	if reason == unexplained {
		t.Errorf("example %d (%s) is %s in %s; it differs alone with: %s", ex.Example, ex.Section, unexplained, extensionDiffsFile, suggestReason(ex, alone))
		return
	}
	var named part
	for _, r := range strings.Split(reason, "; ") {
		p, ok := reasonParts[r]
		if !ok {
			t.Errorf("example %d: unknown reason %q; known reasons: %s", ex.Example, r, strings.Join(slices.Sorted(maps.Keys(reasonParts)), ", "))
			return
		}
		named |= p
		got, err := alone[p].Markdown(ex.Markdown)
		if err != nil {
			t.Fatal(err)
		}
		if sameHTML(got, ex.HTML) {
			t.Errorf("example %d (%s): %q alone does not change it (it differs alone with: %s)", ex.Example, ex.Section, r, suggestReason(ex, alone))
		}
	}
	got, err := specRenderer(allParts &^ named).Markdown(ex.Markdown)
	if err != nil {
		t.Fatal(err)
	}
	if !sameHTML(got, ex.HTML) {
		t.Errorf("example %d (%s): the extensions not named in %q change it too (it differs alone with: %s)", ex.Example, ex.Section, reason, suggestReason(ex, alone))
	}
}

// suggestReason names the extensions that change an example on their own,
// as a starting point for the person who explains a diff.
func suggestReason(ex specExample, alone map[part]*Renderer) string {
	var rs []string
	for r, p := range reasonParts {
		if got, err := alone[p].Markdown(ex.Markdown); err == nil && !sameHTML(got, ex.HTML) {
			rs = append(rs, r)
		}
	}
	if len(rs) == 0 {
		return "none (extensions together)"
	}
	slices.Sort(rs)
	return strings.Join(rs, "; ")
}

// readExtensionDiffs reads extensionDiffsFile: "NUMBER<TAB>REASON" lines,
// with blank lines and "#" comments ignored.
func readExtensionDiffs(t *testing.T) (map[int]string, []int) {
	t.Helper()
	f, err := os.Open(extensionDiffsFile)
	if err != nil {
		if os.IsNotExist(err) && *updateCommonMark {
			return map[int]string{}, nil
		}
		t.Fatal(err)
	}
	defer f.Close()
	listed := map[int]string{}
	var order []int
	s := bufio.NewScanner(f)
	for line := 1; s.Scan(); line++ {
		text := s.Text()
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		num, reason, ok := strings.Cut(text, "\t")
		n, err := strconv.Atoi(num)
		if !ok || err != nil || strings.TrimSpace(reason) == "" {
			t.Fatalf("%s:%d: want NUMBER<TAB>REASON, got %q", extensionDiffsFile, line, text)
		}
		if _, dup := listed[n]; dup {
			t.Fatalf("%s:%d: example %d listed twice", extensionDiffsFile, line, n)
		}
		listed[n] = reason
		order = append(order, n)
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	return listed, order
}

// writeExtensionDiffs rewrites extensionDiffsFile for -update-commonmark.
func writeExtensionDiffs(t *testing.T, examples []specExample, differs map[int]string, listed map[int]string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("# CommonMark 0.31.2 examples whose HTML the extensions of markdown.New change.\n")
	b.WriteString("# NUMBER<TAB>REASON; reasons are listed in commonmark_test.go (reasonParts), several joined by \"; \".\n")
	b.WriteString("# Checked by TestCommonMarkExtensionDiffs; rewrite with: go test -run CommonMarkExtensionDiffs -update-commonmark\n")
	added := 0
	for _, ex := range examples {
		if _, ok := differs[ex.Example]; !ok {
			continue
		}
		reason, ok := listed[ex.Example]
		if !ok {
			reason = unexplained
			added++
		}
		fmt.Fprintf(&b, "%d\t%s\n", ex.Example, reason)
	}
	if err := os.MkdirAll(filepath.Dir(extensionDiffsFile), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(extensionDiffsFile, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s: %d examples differ, %d newly marked %s", extensionDiffsFile, len(differs), added, unexplained)
}
