package admin

import "net/http"

// ChangePassword changes the user's password, given the current one; the
// user's other sessions end.
func (a *Admin) ChangePassword(w http.ResponseWriter, r *http.Request) {
	err := samePasswords(r)
	if err == nil {
		err = a.auth.ChangePassword(r.Context(), identity(r), r.PostFormValue("current"), r.PostFormValue("password"))
	}
	if err != nil {
		a.showAccount(w, r, StatusOf(err), a.message(r, err))
		return
	}
	redirect(w, r, "/admin/account?done=password")
}
