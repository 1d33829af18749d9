package admin

import (
	"net/http"

	"octavo/internal/auth"
)

// EndAllSessions logs the user out everywhere, here included.
func (a *Admin) EndAllSessions(w http.ResponseWriter, r *http.Request) {
	if err := a.auth.LogoutEverywhere(w, r, identity(r)); err != nil {
		a.showAccount(w, r, StatusOf(err), a.message(r, err))
		return
	}
	redirect(w, r, auth.LoginPath+"?done=everywhere")
}
