package admin

import (
	"net/http"

	"octavo/internal/blog"
)

// DeleteRedirect removes a redirect. One added by hand goes at once (the
// form asks first when JavaScript is on); one a slug, permalink or tag
// change made keeps an old address of published content working, so
// removing it asks for a confirmation first, on a page of its own.
func (a *Admin) DeleteRedirect(w http.ResponseWriter, r *http.Request) {
	from := r.PostFormValue("from")
	rules, err := a.posts.Redirects(r.Context())
	if err != nil {
		a.fail(w, r, err, "message", view{Title: "Redirects", Nav: "redirects"})
		return
	}
	var rule *blog.RedirectRule
	for i := range rules {
		if rules[i].From == from {
			rule = &rules[i]
		}
	}
	if rule == nil {
		err := blog.Errorf(blog.ENOTFOUND, "No redirect from %s: it may have been removed meanwhile.", from)
		a.listRedirects(w, r, StatusOf(err), a.message(r, err), redirectsPage{})
		return
	}
	if !rule.Manual && r.PostFormValue("confirm") != "remove" {
		a.render(w, r, http.StatusOK, "redirect_delete", view{Title: "Remove an automatic redirect?", Nav: "redirects", Data: *rule})
		return
	}
	if err := a.content.DeleteRedirect(r.Context(), from); err != nil {
		a.listRedirects(w, r, StatusOf(err), a.message(r, err), redirectsPage{})
		return
	}
	redirect(w, r, "/admin/redirects?done=removed")
}
