package admin

import (
	"net/http"

	"octavo/internal/auth"
)

// LoginCode checks the two-factor (or recovery) code and completes the
// login.
func (a *Admin) LoginCode(w http.ResponseWriter, r *http.Request) {
	form := loginForm{Next: auth.SafeNext(r.PostFormValue("next"))}
	if _, err := a.auth.SecondFactor(w, r, identity(r), r.PostFormValue("code")); err != nil {
		a.fail(w, r, err, "login_code", view{Title: "Two-factor code", Data: form})
		return
	}
	redirect(w, r, form.Next)
}
