package admin

import (
	"net/http"

	"octavo/internal/auth"
	"octavo/internal/blog"
)

// loginForm is what the login page shows.
type loginForm struct {
	Login   string
	Next    string
	NoOwner bool // a new blog: point to the setup link
}

// ShowLogin shows the login form; a logged-in user goes on to the admin.
func (a *Admin) ShowLogin(w http.ResponseWriter, r *http.Request) {
	next := auth.SafeNext(r.URL.Query().Get("next"))
	if id := identity(r); id != nil {
		if id.Session.Stage == blog.StageSecondFactor {
			redirect(w, r, auth.SecondFactorPath)
		} else {
			redirect(w, r, next)
		}
		return
	}
	hasOwner, err := a.store.HasOwner(r.Context())
	if err != nil {
		a.fail(w, r, err, "message", view{Title: "Log in"})
		return
	}
	a.render(w, r, http.StatusOK, "login", view{Title: "Log in", Notice: notice(r), Data: loginForm{Next: next, NoOwner: !hasOwner}})
}
