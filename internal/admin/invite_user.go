package admin

import (
	"net/http"

	"octavo/internal/auth"
	"octavo/internal/blog"
)

// linkPage shows a one-time link just made.
type linkPage struct {
	Kind string // "invitation" or "reset"
	For  string // the role invited, or the user whose password
	Link *auth.Link
}

// InviteUser makes an invitation link for a role and shows it, once.
func (a *Admin) InviteUser(w http.ResponseWriter, r *http.Request) {
	role := blog.Role(r.PostFormValue("role"))
	l, err := a.auth.InviteLink(r.Context(), identity(r).User.ID, role)
	if err != nil {
		a.listUsers(w, r, StatusOf(err), a.message(r, err))
		return
	}
	a.render(w, r, http.StatusOK, "link", view{Title: "Invitation link", Nav: "users", Data: linkPage{Kind: "invitation", For: string(role), Link: l}})
}
