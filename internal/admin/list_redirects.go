package admin

import (
	"net/http"
	"strconv"

	"octavo/internal/blog"
)

// redirectsPerPage is how many redirects a page of the list shows: a
// permalink change on a large blog makes one per post.
const redirectsPerPage = 200

// redirectsPage is the redirects page's data.
type redirectsPage struct {
	Rules []blog.RedirectRule // this page's
	// Total counts every redirect; Hand and Auto those added by hand and
	// made by changes.
	Total, Hand, Auto int
	// Page is this page's number, Pages how many there are (the list is
	// by old path).
	Page, Pages int
	// From and To are the add form as typed.
	From, To string
}

// ListRedirects shows every redirect (200 a page, ?page=N), who made it,
// and the form to add one (editors and the owner).
func (a *Admin) ListRedirects(w http.ResponseWriter, r *http.Request) {
	a.listRedirects(w, r, http.StatusOK, "", redirectsPage{})
}

func (a *Admin) listRedirects(w http.ResponseWriter, r *http.Request, status int, errMsg string, page redirectsPage) {
	rules, err := a.posts.Redirects(r.Context())
	if err != nil {
		a.fail(w, r, err, "message", view{Title: "Redirects", Nav: "redirects"})
		return
	}
	page.Total = len(rules)
	for _, rule := range rules {
		if rule.Manual {
			page.Hand++
		} else {
			page.Auto++
		}
	}
	page.Pages = max(1, (len(rules)+redirectsPerPage-1)/redirectsPerPage)
	page.Page, _ = strconv.Atoi(r.URL.Query().Get("page"))
	page.Page = min(max(page.Page, 1), page.Pages)
	start := (page.Page - 1) * redirectsPerPage
	page.Rules = rules[start:min(start+redirectsPerPage, len(rules))]
	a.render(w, r, status, "redirects", view{Title: "Redirects", Nav: "redirects", Notice: notice(r), Error: errMsg, Data: page})
}

// Prev and Next are the numbers of the neighbouring pages, 0 when none.
func (p redirectsPage) Prev() int {
	if p.Page > 1 {
		return p.Page - 1
	}
	return 0
}

// Next is the number of the next page, 0 when none.
func (p redirectsPage) Next() int {
	if p.Page < p.Pages {
		return p.Page + 1
	}
	return 0
}
