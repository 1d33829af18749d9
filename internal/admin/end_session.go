package admin

import (
	"net/http"
	"strconv"

	"octavo/internal/blog"
)

// EndSession ends another session of the user.
func (a *Admin) EndSession(w http.ResponseWriter, r *http.Request) {
	sid, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		err = blog.Errorf(blog.ENOTFOUND, "No such session.")
	} else {
		err = a.auth.EndSession(r.Context(), identity(r), sid)
	}
	if err != nil {
		a.showAccount(w, r, StatusOf(err), a.message(r, err))
		return
	}
	redirect(w, r, "/admin/account?done=session")
}
