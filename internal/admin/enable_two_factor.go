package admin

import "net/http"

// EnableTwoFactor turns two-factor on once the code of the new secret is
// right, and shows the recovery codes, this once.
func (a *Admin) EnableTwoFactor(w http.ResponseWriter, r *http.Request) {
	id := identity(r)
	secret := r.PostFormValue("secret")
	codes, err := a.auth.EnableTOTP(r.Context(), id, secret, r.PostFormValue("code"), r.PostFormValue("password"))
	if err != nil {
		setup, serr := a.auth.TOTPSetupFor(id.User, secret)
		if serr != nil {
			setup, serr = a.auth.NewTOTPSetup(id.User)
		}
		if serr != nil {
			a.fail(w, r, serr, "message", view{Title: "Two-factor authentication"})
			return
		}
		a.fail(w, r, err, "two_factor", view{Title: "Turn on two-factor authentication", Nav: "account", Data: twoFactorPage{Setup: setup}})
		return
	}
	a.render(w, r, http.StatusOK, "recovery_codes", view{Title: "Your recovery codes", Nav: "account", Data: codes})
}
