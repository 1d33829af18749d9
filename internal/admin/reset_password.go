package admin

import (
	"net/http"

	"octavo/internal/auth"
	"octavo/internal/blog"
)

// ResetPassword sets a new password with a reset link; the user then logs
// in with it (and their code, if two-factor is on).
func (a *Admin) ResetPassword(w http.ResponseWriter, r *http.Request) {
	t, err := a.auth.CheckLink(r.Context(), blog.TokenReset, tokenOf(r))
	if err != nil {
		a.badLink(w, r, err, "Choose a new password", resetAdvice)
		return
	}
	u, err := a.store.UserByID(r.Context(), t.UserID)
	if err != nil {
		a.badLink(w, r, err, "Choose a new password", resetAdvice)
		return
	}
	if err = samePasswords(r); err == nil {
		_, err = a.auth.ResetPassword(r.Context(), tokenOf(r), r.PostFormValue("password"))
	}
	switch {
	case err == nil:
		redirect(w, r, auth.LoginPath+"?done=reset")
	case blog.ErrorCode(err) == blog.ENOTFOUND:
		a.badLink(w, r, err, "Choose a new password", resetAdvice)
	default:
		a.fail(w, r, err, "reset", view{Title: "Choose a new password", Data: accountForm{Username: u.Username, Action: r.URL.Path}})
	}
}
