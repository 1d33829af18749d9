package admin

import (
	"net/http"
	"strconv"

	"octavo/internal/blog"
)

// ChangeRole gives a user another role; the blog keeps at least one owner.
func (a *Admin) ChangeRole(w http.ResponseWriter, r *http.Request) {
	uid, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		err = blog.Errorf(blog.ENOTFOUND, "No such user.")
	} else {
		err = a.auth.SetRole(r.Context(), identity(r), uid, blog.Role(r.PostFormValue("role")))
	}
	if err != nil {
		a.listUsers(w, r, StatusOf(err), a.message(r, err))
		return
	}
	redirect(w, r, "/admin/users?done=role")
}
