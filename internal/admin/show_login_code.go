package admin

import (
	"net/http"

	"octavo/internal/auth"
)

// ShowLoginCode asks a login that passed its password for the two-factor
// code.
func (a *Admin) ShowLoginCode(w http.ResponseWriter, r *http.Request) {
	a.render(w, r, http.StatusOK, "login_code", view{Title: "Two-factor code",
		Data: loginForm{Next: auth.SafeNext(r.URL.Query().Get("next"))}})
}
