package render

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"octavo/internal/blog"
	"octavo/internal/search"
)

// Search results pages.
const (
	SearchPerPage = 10
	// MaxSearchPage is the deepest page served: past it, narrowing the
	// search helps a visitor more than paging does, and the database is
	// spared reading thousands of results to skip them.
	MaxSearchPage = blog.SearchMaxResults / SearchPerPage
)

// SearchView is what the search page shows.
type SearchView struct {
	Query   string // what was typed, for the form and the heading
	Message string // why there are no results to show, when that needs saying
	Total   int    // how many posts and pages match
	AtLeast bool   // Total is the reach of a search (blog.SearchMaxResults): maybe more match
	Results []SearchResult
	Page    int
	Pages   int
	Start   int    // the number of the first result of the page
	Prev    string // URL of the previous page of results, "" on the first
	Next    string // URL of the next page of results, "" on the last
}

// SearchResult is one post or page found, its matches highlighted.
type SearchResult struct {
	Title       template.HTML // escaped, with <mark> around the matches
	Path        string
	Kind        blog.Kind
	PublishedAt time.Time
	Snippet     template.HTML // escaped, with <mark> around the matches
}

// Search renders /search?q=…&page=N: the results of what a visitor typed,
// 10 a page, best first. It is not a path of Render (its answer depends on
// the query string, so it is neither cached nor exported): the web layer
// calls it. A query that cannot be searched (too long, only operators)
// gives the page with a message, never an error; an error means the
// content could not be read.
func (r *Renderer) Search(ctx context.Context, q string, page int) (*Page, error) {
	st, site, err := r.site(ctx)
	if err != nil {
		return nil, err
	}
	page = max(page, 1)
	query := search.Parse(q)
	sv := &SearchView{Query: shorten(strings.TrimSpace(strings.ToValidUTF8(q, "\uFFFD")), 2*search.MaxQueryRunes), Page: page}
	v := &View{Site: site, Title: "Search", Description: "Search " + st.Title + ".", Search: sv}
	if sv.Query != "" {
		v.Title = "Search: " + shorten(sv.Query, 60)
		if page > 1 {
			v.Title += fmt.Sprintf(" (page %d)", page)
		}
	}
	switch {
	case query.Problem != "":
		sv.Message = query.Problem
	case len(query.Terms) == 0:
		// Nothing typed: the form alone.
	case page > MaxSearchPage:
		sv.Message = fmt.Sprintf("Only the first %d pages of results are shown: add a word to narrow the search.", MaxSearchPage)
	default:
		posts, total, err := r.src.Search(ctx, blog.SearchQuery{Terms: query.Terms, Now: r.clock.Now(),
			Offset: (page - 1) * SearchPerPage, Limit: SearchPerPage})
		if err != nil {
			return nil, err
		}
		sv.Total, sv.AtLeast = total, total >= blog.SearchMaxResults
		sv.Pages = min(MaxSearchPage, (total+SearchPerPage-1)/SearchPerPage)
		sv.Start = (page-1)*SearchPerPage + 1
		switch {
		case total == 0:
			sv.Message = "Nothing matches that search. Try fewer words, or the start of a word followed by *."
		case len(posts) == 0 && sv.Pages == 1:
			sv.Message = "There is only one page of results."
		case len(posts) == 0:
			sv.Message = fmt.Sprintf("There are only %d pages of results.", sv.Pages)
		}
		loc := st.Location()
		for _, p := range posts {
			sv.Results = append(sv.Results, SearchResult{
				Title: template.HTML(search.Highlight(p.Title, query.Terms)), //nolint:gosec // escaped by Highlight
				Path:  p.Path, Kind: p.Kind, PublishedAt: p.PublishedAt.In(loc),
				Snippet: template.HTML(search.Snippet(search.Text(p.Rendered.HTML), query.Terms, search.SnippetWords)), //nolint:gosec // escaped by Snippet
			})
		}
		if page > 1 && sv.Pages > 0 {
			sv.Prev = searchURL(sv.Query, min(page-1, sv.Pages))
		}
		if page < sv.Pages {
			sv.Next = searchURL(sv.Query, page+1)
		}
	}
	return r.execute("search", http.StatusOK, v, nil)
}

// searchURL is the address of a page of results.
func searchURL(q string, page int) string {
	u := "/search?q=" + url.QueryEscape(q)
	if page > 1 {
		u += "&page=" + strconv.Itoa(page)
	}
	return u
}

// shorten cuts s to n characters, with an ellipsis when it cut.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
