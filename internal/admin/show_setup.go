package admin

import (
	"net/http"

	"octavo/internal/blog"
)

const setupAdvice = "Each start of octavo serve on a blog without an owner prints a new setup link: restart it for a fresh one, or create the owner with octavo user add --role owner."

// ShowSetup shows the form that creates the blog's owner, for a setup link
// that can still be used.
func (a *Admin) ShowSetup(w http.ResponseWriter, r *http.Request) {
	if _, err := a.auth.CheckLink(r.Context(), blog.TokenSetup, tokenOf(r)); err != nil {
		a.badLink(w, r, err, "Create the owner", setupAdvice)
		return
	}
	a.render(w, r, http.StatusOK, "setup", view{Title: "Create the owner", Data: accountForm{Action: r.URL.Path}})
}
