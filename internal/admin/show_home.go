package admin

import (
	"net/http"

	"octavo/internal/auth"
)

// homePage is the dashboard's data: for now, what the user's role allows
// (the editor fills the dashboard in later).
type homePage struct {
	Rules []auth.Rule
}

// ShowHome shows the dashboard.
func (a *Admin) ShowHome(w http.ResponseWriter, r *http.Request) {
	var mine []auth.Rule
	for _, rule := range auth.Rules() {
		if auth.Can(identity(r).User.Role, rule.Permission) {
			mine = append(mine, rule)
		}
	}
	a.render(w, r, http.StatusOK, "home", view{Title: "Dashboard", Nav: "home", Notice: notice(r), Data: homePage{Rules: mine}})
}
