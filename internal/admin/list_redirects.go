package admin

import (
	"net/http"

	"octavo/internal/blog"
)

// redirectsPage is the redirects page's data.
type redirectsPage struct {
	Rules []blog.RedirectRule
	// Hand and Auto count the rules added by hand and made by changes.
	Hand, Auto int
	// From and To are the add form as typed.
	From, To string
}

// ListRedirects shows every redirect, who made it, and the form to add
// one (editors and the owner).
func (a *Admin) ListRedirects(w http.ResponseWriter, r *http.Request) {
	a.listRedirects(w, r, http.StatusOK, "", redirectsPage{})
}

func (a *Admin) listRedirects(w http.ResponseWriter, r *http.Request, status int, errMsg string, page redirectsPage) {
	rules, err := a.posts.Redirects(r.Context())
	if err != nil {
		a.fail(w, r, err, "message", view{Title: "Redirects", Nav: "redirects"})
		return
	}
	page.Rules = rules
	for _, rule := range rules {
		if rule.Manual {
			page.Hand++
		} else {
			page.Auto++
		}
	}
	a.render(w, r, status, "redirects", view{Title: "Redirects", Nav: "redirects", Notice: notice(r), Error: errMsg, Data: page})
}
