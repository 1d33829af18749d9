package admin

import (
	"net/http"

	"octavo/internal/auth"
)

// Logout ends the session (also a login that waits for its code).
func (a *Admin) Logout(w http.ResponseWriter, r *http.Request) {
	if err := a.auth.Logout(w, r, identity(r)); err != nil {
		a.fail(w, r, err, "message", view{Title: "Log out"})
		return
	}
	redirect(w, r, auth.LoginPath+"?done=out")
}
