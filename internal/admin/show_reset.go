package admin

import (
	"net/http"

	"octavo/internal/blog"
)

const resetAdvice = "Ask the blog's owner for a new password-reset link, or run octavo user passwd on the server."

// ShowReset shows the form that sets a new password with a reset link.
func (a *Admin) ShowReset(w http.ResponseWriter, r *http.Request) {
	t, err := a.auth.CheckLink(r.Context(), blog.TokenReset, tokenOf(r))
	if err == nil {
		var u *blog.User
		if u, err = a.store.UserByID(r.Context(), t.UserID); err == nil {
			a.render(w, r, http.StatusOK, "reset", view{Title: "Choose a new password", Data: accountForm{Username: u.Username, Action: r.URL.Path}})
			return
		}
	}
	a.badLink(w, r, err, "Choose a new password", resetAdvice)
}
