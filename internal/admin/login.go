package admin

import (
	"net/http"
	"net/url"

	"octavo/internal/auth"
	"octavo/internal/blog"
)

// Login checks the login form: on to the page asked for, or to the code
// page when the account has two-factor on. A wrong login says so in one
// message, whether the account exists or not.
func (a *Admin) Login(w http.ResponseWriter, r *http.Request) {
	form := loginForm{Login: r.PostFormValue("login"), Next: auth.SafeNext(r.PostFormValue("next"))}
	id, err := a.auth.Login(w, r, form.Login, r.PostFormValue("password"))
	if err != nil {
		a.fail(w, r, err, "login", view{Title: "Log in", Data: form})
		return
	}
	if id.Session.Stage == blog.StageSecondFactor {
		redirect(w, r, auth.SecondFactorPath+"?next="+url.QueryEscape(form.Next))
		return
	}
	redirect(w, r, form.Next)
}
