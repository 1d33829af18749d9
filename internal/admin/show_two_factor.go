package admin

import (
	"net/http"

	"octavo/internal/auth"
)

// twoFactorPage is the set-up page's data.
type twoFactorPage struct {
	Setup *auth.TOTPSetup
}

// ShowTwoFactor starts turning on two-factor: a new secret, as a QR code
// and as text, and the form that confirms it with a code.
func (a *Admin) ShowTwoFactor(w http.ResponseWriter, r *http.Request) {
	id := identity(r)
	if on, _, err := a.auth.TwoFactorStatus(r.Context(), id.User.ID); err != nil || on {
		redirect(w, r, "/admin/account")
		return
	}
	setup, err := a.auth.NewTOTPSetup(id.User)
	if err != nil {
		a.fail(w, r, err, "message", view{Title: "Two-factor authentication"})
		return
	}
	a.render(w, r, http.StatusOK, "two_factor", view{Title: "Turn on two-factor authentication", Nav: "account", Data: twoFactorPage{Setup: setup}})
}
