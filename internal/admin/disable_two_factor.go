package admin

import "net/http"

// DisableTwoFactor turns two-factor off, given the current password.
func (a *Admin) DisableTwoFactor(w http.ResponseWriter, r *http.Request) {
	if err := a.auth.DisableTOTP(r.Context(), identity(r), r.PostFormValue("password")); err != nil {
		a.showAccount(w, r, StatusOf(err), a.message(r, err))
		return
	}
	redirect(w, r, "/admin/account?done=totp-off")
}
