package admin

import (
	"net/http"
	"net/url"
	"strings"
)

// AddRedirect adds a redirect by hand: from an old path of this site to
// another (the store refuses other sites, loops and chains). A refused
// form comes back with 422 and why, and nothing is saved.
func (a *Admin) AddRedirect(w http.ResponseWriter, r *http.Request) {
	from := sitePath(r.PostFormValue("from"))
	to := sitePath(r.PostFormValue("to"))
	if err := a.content.AddRedirect(r.Context(), from, to); err != nil {
		a.listRedirects(w, r, formStatus(err), a.message(r, err), redirectsPage{From: from, To: to})
		return
	}
	redirect(w, r, "/admin/redirects?done=redirect")
}

// sitePath is a path as typed, without surrounding spaces, percent-escapes
// decoded: the site matches decoded paths (/café/, not /caf%C3%A9/).
func sitePath(typed string) string {
	p := strings.TrimSpace(typed)
	if d, err := url.PathUnescape(p); err == nil {
		return d
	}
	return p
}
