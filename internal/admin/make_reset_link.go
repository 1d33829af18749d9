package admin

import (
	"net/http"
	"strconv"
)

// MakeResetLink makes a password-reset link for a user and shows it, once.
func (a *Admin) MakeResetLink(w http.ResponseWriter, r *http.Request) {
	uid, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		a.listUsers(w, r, http.StatusNotFound, "No such user.")
		return
	}
	u, err := a.store.UserByID(r.Context(), uid)
	if err != nil {
		a.listUsers(w, r, StatusOf(err), a.message(r, err))
		return
	}
	l, err := a.auth.ResetLink(r.Context(), identity(r).User.ID, uid)
	if err != nil {
		a.listUsers(w, r, StatusOf(err), a.message(r, err))
		return
	}
	a.render(w, r, http.StatusOK, "link", view{Title: "Password-reset link", Nav: "users", Data: linkPage{Kind: "reset", For: u.Username, Link: l}})
}
