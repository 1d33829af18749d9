package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"octavo/internal/blog"
	"octavo/internal/content"
	"octavo/internal/markdown"
	"octavo/internal/search"
)

// searchTests ask every store the same searches and expect the same posts
// in the same order: ranking is by tier and then by date, which every
// backend computes alike, so there are no ties to excuse.
var searchTests = []struct {
	name string
	fn   func(*testing.T, Store, *content.Service, *blog.FixedClock)
}{
	{"Queries", testSearchQueries},
	{"Visibility", testSearchVisibility},
	{"KeptCurrent", testSearchKeptCurrent},
	{"Paging", testSearchPaging},
	{"BadQueries", testSearchBadQueries},
	{"IndexStale", testSearchIndexStale},
}

// RunSearch runs the search tests alone (Run runs them too), for a store
// tried in another configuration.
func RunSearch(t *testing.T, open Open) {
	searchSuite(open)(t, nil, nil, nil)
}

// searchSuite runs searchTests, each on a fresh store of its own.
func searchSuite(open Open) func(*testing.T, Store, *content.Service, *blog.FixedClock) {
	return func(t *testing.T, _ Store, _ *content.Service, _ *blog.FixedClock) {
		for _, tt := range searchTests {
			t.Run(tt.name, func(t *testing.T) {
				s := open(t)
				clock := &blog.FixedClock{T: t0}
				tt.fn(t, s, content.New(s, markdown.New(), clock, nil), clock)
			})
		}
	}
}

// doc is a post of the search corpus.
type doc struct {
	title, body string
	kind        blog.Kind
	status      blog.Status
	at          time.Duration // published at t0+at (0 for drafts)
	tags        []string
}

// searchCorpus is a small blog with code, identifiers, accents, phrases,
// a page and every status; titles are unique so results read as titles.
var searchCorpus = []doc{
	{title: "Running a Go web server", at: -10 * day, tags: []string{"Go", "HTTP"},
		body: "The smallest server:\n\n```go\nfunc main() {\n\tlog.Fatal(http.ListenAndServe(\":8080\", nil))\n}\n```\n"},
	{title: "Reading query plans", at: -9 * day, tags: []string{"Postgres", "Databases"},
		body: "Run `EXPLAIN ANALYZE` on the slow query:\n\n```sql\nEXPLAIN ANALYZE SELECT * FROM posts WHERE id = 1;\n```\n"},
	{title: "Deploying with systemd", at: -8 * day, tags: []string{"systemd", "Linux"},
		body: "Deployment is the boring part. We deploy on Fridays."},
	{title: "Tuning max_connections", at: -7 * day, tags: []string{"Postgres"},
		body: "Set `max_connections = 100` in postgresql.conf and restart."},
	{title: "Café notes", at: -6 * day, tags: []string{"Ünïcode"},
		body: "A café in Zürich. A naïve résumé, written in *fast*er prose."},
	{title: "Load balancer basics", at: -5 * day, tags: []string{"Networking"},
		body: "A load balancer spreads the requests over the servers."},
	{title: "Postgres for SQLite users", at: -4 * day, tags: []string{"SQLite"},
		body: "What changes when you move."},
	{title: "Leaving MySQL", at: -3 * day, tags: []string{"MySQL"},
		body: "We moved from MySQL to postgres last year."},
	{title: "About", kind: blog.KindPage, at: -2 * day,
		body: "How I deploy this site: behind a load balancer."},
	{title: "Secret draft about deploy", status: blog.StatusDraft, body: "It calls ListenAndServe too."},
	{title: "Pending deploy review", status: blog.StatusPending, body: "Waiting for review."},
	{title: "Future deploy plans", status: blog.StatusScheduled, at: time.Hour, body: "Soon."},
	{title: "Trashed deploy notes", status: blog.StatusTrashed, at: -day, body: "ListenAndServe, gone."},
}

const day = 24 * time.Hour

// saveCorpus saves docs in order, one minute of the clock apart (so drafts,
// dated by their last edit, have an order too), and returns them by title.
func saveCorpus(t *testing.T, svc *content.Service, clock *blog.FixedClock, docs []doc) map[string]*blog.Post {
	t.Helper()
	byTitle := map[string]*blog.Post{}
	for i, d := range docs {
		clock.T = t0.Add(time.Duration(i-len(docs)) * time.Minute)
		byTitle[d.title] = save(t, svc, d.post())
	}
	clock.T = t0
	return byTitle
}

// post is the unsaved post d describes (published when d says nothing).
func (d doc) post() *blog.Post {
	p := &blog.Post{Title: d.title, Body: d.body, Kind: d.kind, Status: d.status}
	if p.Status == "" {
		p.Status = blog.StatusPublished
	}
	if d.at != 0 {
		p.PublishedAt = t0.Add(d.at)
	}
	for _, tg := range d.tags {
		p.Tags = append(p.Tags, blog.Tag{Name: tg})
	}
	return p
}

// find parses query as a visitor's search and returns the titles found,
// comma-separated, and the total.
func find(t *testing.T, s Store, query string, now time.Time, drafts bool) (string, int) {
	t.Helper()
	q := search.Parse(query)
	if q.Problem != "" {
		t.Fatalf("Parse(%q): %s", query, q.Problem)
	}
	posts, total, err := s.Search(context.Background(), blog.SearchQuery{Terms: q.Terms, Now: now, IncludeDrafts: drafts})
	if err != nil {
		t.Fatalf("Search(%q): %v", query, err)
	}
	if len(posts) != total {
		t.Errorf("Search(%q): %d posts but a total of %d", query, len(posts), total)
	}
	return titles(posts), total
}

func testSearchQueries(t *testing.T, s Store, svc *content.Service, clock *blog.FixedClock) {
	saveCorpus(t, svc, clock, searchCorpus)
	for _, tt := range []struct{ query, want string }{
		// Identifiers in code blocks, as written or not.
		{"ListenAndServe", "Running a Go web server"},
		{"listenandserve", "Running a Go web server"},
		{"http.ListenAndServe", "Running a Go web server"},
		{"ListenAndServe(", "Running a Go web server"},
		{"EXPLAIN ANALYZE", "Reading query plans"},
		{`"explain analyze"`, "Reading query plans"},
		{`"analyze explain"`, ""}, // a phrase keeps its order
		{"max_connections", "Tuning max_connections"},
		{"max_connections = 100", "Tuning max_connections"},
		{"postgresql.conf", "Tuning max_connections"},
		// Words: all must match, in any field.
		{"deploy fridays", "Deploying with systemd"},
		{"deploy zurich", ""},
		{"DEPLOY", "About,Deploying with systemd"}, // body only: newest first
		// Prefixes: a title match ranks first.
		{"deploy*", "Deploying with systemd,About"},
		{`"load bal"*`, "Load balancer basics,About"},
		// Phrases.
		{`"load balancer"`, "Load balancer basics,About"},
		{`"balancer load"`, ""},
		{`"servers load"`, ""}, // not across fields or sentences that are not there
		// Accents fold both ways; inline tags do not split words.
		{"cafe", "Café notes"},
		{"CAFÉ zürich", "Café notes"},
		{"resume naive", "Café notes"},
		{"faster", "Café notes"},
		{"unicode", "Café notes"},
		// Tiers: every term in the title, some term in the title, in a
		// tag, in the body; newest first within each.
		{"postgres", "Postgres for SQLite users,Tuning max_connections,Reading query plans,Leaving MySQL"},
		{"postgres sqlite", "Postgres for SQLite users"},
		{"postgres mysql", "Leaving MySQL"},
		{"go", "Running a Go web server"},
		{"networking", "Load balancer basics"},
		// Pages are found too.
		{"behind", "About"},
		// Nothing.
		{"kubernetes", ""},
	} {
		if got, _ := find(t, s, tt.query, clock.Now(), false); got != tt.want {
			t.Errorf("search %q:\n got %q\nwant %q", tt.query, got, tt.want)
		}
	}
}

func testSearchVisibility(t *testing.T, s Store, svc *content.Service, clock *blog.FixedClock) {
	saveCorpus(t, svc, clock, searchCorpus)
	for _, tt := range []struct {
		query  string
		now    time.Time
		drafts bool
		want   string
	}{
		// Drafts, pending, scheduled and trashed posts are never found by
		// visitors.
		{"ListenAndServe", t0, false, "Running a Go web server"},
		{"deploy*", t0, false, "Deploying with systemd,About"},
		{"secret", t0, false, ""},
		{"trashed", t0, false, ""},
		// A scheduled post is found from its time on, without a new save.
		{"deploy*", t0.Add(time.Hour - time.Millisecond), false, "Deploying with systemd,About"},
		{"deploy*", t0.Add(time.Hour), false, "Future deploy plans,Deploying with systemd,About"},
		// The admin's search: drafts and pending posts first (newest edit
		// first), then scheduled and published ones; never the trash.
		{"deploy*", t0, true, "Pending deploy review,Secret draft about deploy,Future deploy plans,Deploying with systemd,About"},
		{"ListenAndServe", t0, true, "Secret draft about deploy,Running a Go web server"},
		{"trashed", t0, true, ""},
	} {
		if got, _ := find(t, s, tt.query, tt.now, tt.drafts); got != tt.want {
			t.Errorf("search %q at %v (drafts %v):\n got %q\nwant %q", tt.query, tt.now, tt.drafts, got, tt.want)
		}
	}
}

// testSearchKeptCurrent checks that every write keeps the index current:
// a new title, new tags, a new body, the trash, a renamed tag, deletion.
func testSearchKeptCurrent(t *testing.T, s Store, svc *content.Service, clock *blog.FixedClock) {
	ctx := context.Background()
	posts := saveCorpus(t, svc, clock, searchCorpus)
	check := func(query, want string) {
		t.Helper()
		if got, _ := find(t, s, query, clock.Now(), false); got != want {
			t.Errorf("search %q:\n got %q\nwant %q", query, got, want)
		}
	}
	p, _ := s.PostByID(ctx, posts["Deploying with systemd"].ID)
	p.Title = "Shipping with systemd"
	p.Body = "Shipping is the boring part. We ship on Fridays."
	p.Tags = []blog.Tag{{Name: "Operations"}}
	save(t, svc, p)
	check("deploy*", "About")
	check("shipping", "Shipping with systemd")
	check("operations", "Shipping with systemd")
	check("systemd", "Shipping with systemd") // title now, no tag left
	check("linux", "")

	// A draft published later is found from then on.
	d, _ := s.PostByID(ctx, posts["Secret draft about deploy"].ID)
	d.Status, d.PublishedAt = blog.StatusPublished, t0.Add(-time.Minute)
	save(t, svc, d)
	check("ListenAndServe", "Secret draft about deploy,Running a Go web server")

	// A renamed tag is searched by its new name.
	if _, err := s.RenameTag(ctx, "networking", "Netzwerk"); err != nil {
		t.Fatal(err)
	}
	check("netzwerk", "Load balancer basics")
	check("networking", "")

	// The trash hides a post; deleting it removes it.
	trash, err := svc.Trash(ctx, posts["Load balancer basics"].ID)
	if err != nil {
		t.Fatal(err)
	}
	check(`"load balancer"`, "About")
	if _, err := s.DeletePost(ctx, trash.ID); err != nil {
		t.Fatal(err)
	}
	// Its search document goes with it (a foreign key would refuse the
	// deletion otherwise).
	check(`"load balancer"`, "About")
}

// testSearchPaging checks pages across the tiers: no post twice, none
// lost, the same order as one long page, and the total on every page.
func testSearchPaging(t *testing.T, s Store, svc *content.Service, clock *blog.FixedClock) {
	ctx := context.Background()
	var docs []doc
	for i := range 27 {
		d := doc{title: fmt.Sprintf("Note %02d", i), body: "An ordinary word in the body.", at: -time.Duration(i+1) * time.Hour}
		switch i % 9 {
		case 0, 4:
			d.title = fmt.Sprintf("Ordinary note %02d", i)
		case 7:
			d.tags = []string{"ordinary"}
		}
		docs = append(docs, d)
	}
	saveCorpus(t, svc, clock, docs)
	terms := search.Parse("ordinary").Terms
	all, total, err := s.Search(ctx, blog.SearchQuery{Terms: terms, Now: clock.Now()})
	if err != nil || total != 27 || len(all) != 27 {
		t.Fatalf("all: %d of %d (%v)", len(all), total, err)
	}
	if got := titles(all[:9]); got != "Ordinary note 00,Ordinary note 04,Ordinary note 09,Ordinary note 13,Ordinary note 18,Ordinary note 22,Note 07,Note 16,Note 25" {
		t.Errorf("title tier then tag tier, newest first: %s", got)
	}
	for _, size := range []int{1, 4, 10, 26} {
		var paged []string
		for off := 0; off < 30; off += size {
			posts, n, err := s.Search(ctx, blog.SearchQuery{Terms: terms, Now: clock.Now(), Offset: off, Limit: size})
			if err != nil || n != 27 {
				t.Fatalf("offset %d: total %d, %v", off, n, err)
			}
			if off >= 27 && len(posts) != 0 {
				t.Errorf("past the end: %d posts", len(posts))
			}
			for _, p := range posts {
				paged = append(paged, p.Title)
			}
		}
		if strings.Join(paged, ",") != titles(all) {
			t.Errorf("pages of %d:\n%s\nwant\n%s", size, strings.Join(paged, ","), titles(all))
		}
	}
	// Ties on the date: each post once.
	for range 5 {
		save(t, svc, &blog.Post{Title: "Same instant", Body: "tie", Status: blog.StatusPublished, PublishedAt: t0.Add(-time.Minute)})
	}
	seen := map[string]bool{}
	for off := range 5 {
		posts, _, err := s.Search(ctx, blog.SearchQuery{Terms: search.Parse("tie").Terms, Now: clock.Now(), Offset: off, Limit: 1})
		if err != nil || len(posts) != 1 || seen[posts[0].ID] {
			t.Fatalf("tie %d: %v %v", off, len(posts), err)
		}
		seen[posts[0].ID] = true
	}
}

// testSearchBadQueries feeds what visitors type at a search box through
// the parser and the store: an empty result or a message, never an error.
// Terms the parser would not make are refused with EINVALID.
func testSearchBadQueries(t *testing.T, s Store, svc *content.Service, clock *blog.FixedClock) {
	ctx := context.Background()
	saveCorpus(t, svc, clock, searchCorpus)
	for _, input := range []string{
		`"`, `"unbalanced quote`, `unbalanced" quote"`, `""`, `" "`,
		"AND", "OR", "NOT", "NEAR", "AND OR NOT NEAR", "-", "^", "+", "*", "**", "-*", "a*", `"*"`,
		"NEAR(deploy fridays, 2)", "deploy NOT fridays", "deploy OR anything", "-deploy", "^deploy", "title:deploy",
		"{title body}: deploy", `"deploy" AND "`, "deploy*fridays", "*deploy",
		`'; DROP TABLE posts; --`, `') OR 1=1 --`, `post_fts MATCH '*'`, `'deploy':* & !x`, `deploy <-> fridays`,
		`\`, `\\'`, `%`, `_`, `%_%`, "😀", "\x00", "\x00deploy\x01", "de\u200bploy", "\xff\xfe", "deploy\x7f",
		strings.Repeat("deploy ", 40), strings.Repeat("a", 300), strings.Repeat("x", 10<<10),
		strings.Repeat(`"`, 100), strings.Repeat("(", 50) + "deploy" + strings.Repeat(")", 50),
	} {
		q := search.Parse(input)
		if len(q.Terms) == 0 {
			continue // nothing searched: the page shows q.Problem (or nothing)
		}
		if _, _, err := s.Search(ctx, blog.SearchQuery{Terms: q.Terms, Now: clock.Now()}); err != nil {
			t.Errorf("search %q (terms %v): %v", input, q.Terms, err)
		}
	}
	for _, terms := range [][]blog.SearchTerm{
		{{Words: []string{"drop table"}}},
		{{Words: []string{`a"b`}}},
		{{Words: []string{"x'); DROP TABLE posts; --"}}},
		{{Words: []string{""}}},
		{{Words: nil}},
		{{Words: []string{"Deploy"}}}, // not normalized
		{{Words: []string{"deploy*"}}},
		{{Words: []string{"NEAR(a"}}},
		{{Words: []string{strings.Repeat("a", 100)}}},
		make([]blog.SearchTerm, 40),
	} {
		_, _, err := s.Search(ctx, blog.SearchQuery{Terms: terms, Now: clock.Now()})
		if blog.ErrorCode(err) != blog.EINVALID {
			t.Errorf("terms %+v: want EINVALID, got %v", terms, err)
		}
	}
}

// stale is what a SQL store offers to rebuild its index.
type stale interface {
	IndexStale(ctx context.Context) (int, error)
	ResetSearchIndex(ctx context.Context) error
}

// testSearchIndexStale checks that posts missing from the index (a
// database from before search) are indexed by IndexStale.
func testSearchIndexStale(t *testing.T, s Store, svc *content.Service, clock *blog.FixedClock) {
	ix, ok := s.(stale)
	if !ok {
		t.Skipf("%T keeps no index", s)
	}
	ctx := context.Background()
	saveCorpus(t, svc, clock, searchCorpus)
	if n, err := ix.IndexStale(ctx); err != nil || n != 0 {
		t.Fatalf("nothing is stale after saves, IndexStale did %d: %v", n, err)
	}
	if err := ix.ResetSearchIndex(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := find(t, s, "ListenAndServe", t0, false); got != "" {
		t.Fatalf("after resetting the index: %q", got)
	}
	if n, err := ix.IndexStale(ctx); err != nil || n != len(searchCorpus) {
		t.Fatalf("IndexStale did %d, want %d: %v", n, len(searchCorpus), err)
	}
	if got, _ := find(t, s, "ListenAndServe", t0, true); got != "Secret draft about deploy,Running a Go web server" {
		t.Errorf("after IndexStale: %q", got)
	}
}
