package admin

import (
	"net/http"

	"octavo/internal/auth"
	"octavo/internal/blog"
)

// accountForm is the form that creates an account (setup, invitation)
// or sets a password (reset): what the visitor typed, never the password.
type accountForm struct {
	Username    string
	Email       string
	DisplayName string
	Role        blog.Role // the role an invitation gives
	Action      string    // where the form posts (the link's own path)
}

// readAccount reads an account form and checks that the password was
// typed the same twice.
func readAccount(r *http.Request) (auth.NewAccount, accountForm, error) {
	a := auth.NewAccount{
		Username:    r.PostFormValue("username"),
		Email:       r.PostFormValue("email"),
		DisplayName: r.PostFormValue("display_name"),
		Password:    r.PostFormValue("password"),
	}
	f := accountForm{Username: a.Username, Email: a.Email, DisplayName: a.DisplayName, Action: r.URL.Path}
	return a, f, samePasswords(r)
}

// samePasswords checks the "type it again" field.
func samePasswords(r *http.Request) error {
	if r.PostFormValue("password") != r.PostFormValue("confirm") {
		return blog.Errorf(blog.EINVALID, "The two passwords differ: type the same password twice.")
	}
	return nil
}

// badLink shows why a one-time link does not work.
func (a *Admin) badLink(w http.ResponseWriter, r *http.Request, err error, title, advice string) {
	v := view{Title: title, Error: a.message(r, err), Data: advice}
	a.render(w, r, StatusOf(err), "message", v)
}
