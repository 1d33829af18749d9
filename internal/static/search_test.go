package static_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"octavo/internal/testkit"
)

func TestMain(m *testing.M) { testkit.RunMain(m) }

// TestStaticSearch opens the built search page in a browser, served by a
// plain file server: the script finds posts by title, tag and summary.
func TestStaticSearch(t *testing.T) {
	s := newSite(t)
	out := filepath.Join(t.TempDir(), "public")
	s.build(out)
	raw, err := os.ReadFile(filepath.Join(out, "search", "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	var index []map[string]any
	if err := json.Unmarshal(raw, &index); err != nil || len(index) != 7 {
		t.Fatalf("index: %d entries, %v", len(index), err)
	}
	page, _ := os.ReadFile(filepath.Join(out, "search", "index.html"))
	if !strings.Contains(string(page), `<div id="octavo-search"`) || !strings.Contains(string(page), `<meta name="robots" content="noindex">`) {
		t.Errorf("the search page lacks its slot or noindex")
	}

	ts := httptest.NewServer(http.FileServer(http.Dir(out)))
	defer ts.Close()
	ctx := testkit.Browser(t)
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	errs := testkit.ConsoleErrors(ctx)
	for _, tt := range []struct {
		q     string
		count string
		first string
	}{
		{"post", "5 posts match.", "Post E"},    // titles, newest first
		{"tc", "1 post matches.", "Post C"},     // a tag
		{"BODY OF", "5 posts match.", "Post E"}, // summaries, any case
		{"nothing-like-this", "0 posts match.", ""},
	} {
		err := chromedp.Do(ctx,
			chromedp.Navigate(ts.URL+"/search/?q="+strings.ReplaceAll(tt.q, " ", "+")),
			chromedp.WaitVisible(`#octavo-search .search-count`),
		)
		if err == nil {
			_, err = chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector("#octavo-search .search-count").textContent !== "Searching…"`))
		}
		var count, first string
		if err == nil {
			count, err = chromedp.Run(ctx, chromedp.Text(`#octavo-search .search-count`))
		}
		if err == nil {
			first, err = chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector("#octavo-search li a")||{}).textContent||""`))
		}
		if err != nil {
			t.Fatalf("%q: %v", tt.q, err)
		}
		if count != tt.count || first != tt.first {
			t.Errorf("%q: %q, first %q; want %q, %q", tt.q, count, first, tt.count, tt.first)
		}
	}
	if e := errs(); len(e) > 0 {
		t.Errorf("console errors: %v", e)
	}
}
