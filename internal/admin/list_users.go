package admin

import (
	"net/http"

	"octavo/internal/blog"
)

// usersPage is the users page's data.
type usersPage struct {
	Users []*blog.User
}

// ListUsers shows every user, with the forms to invite, reset and change
// roles (the owner's).
func (a *Admin) ListUsers(w http.ResponseWriter, r *http.Request) {
	a.listUsers(w, r, http.StatusOK, "")
}

func (a *Admin) listUsers(w http.ResponseWriter, r *http.Request, status int, errMsg string) {
	users, err := a.store.ListUsers(r.Context())
	if err != nil {
		a.fail(w, r, err, "message", view{Title: "Users"})
		return
	}
	a.render(w, r, status, "users", view{Title: "Users", Nav: "users", Notice: notice(r), Error: errMsg, Data: usersPage{Users: users}})
}
