package admin

import (
	"net/http"
	"time"
)

// accountPage is the account page's data.
type accountPage struct {
	TwoFactor bool
	CodesLeft int
	Sessions  []sessionRow
}

// sessionRow is one session in the list.
type sessionRow struct {
	ID         int64
	Current    bool
	CreatedAt  time.Time
	LastSeenAt time.Time
	IP         string
	Browser    string // "Firefox 128 on Linux"
}

// ShowAccount shows the account page: password, two-factor, sessions.
func (a *Admin) ShowAccount(w http.ResponseWriter, r *http.Request) {
	a.showAccount(w, r, http.StatusOK, "")
}

// showAccount renders the account page with status and an error message
// (for the forms on it that failed).
func (a *Admin) showAccount(w http.ResponseWriter, r *http.Request, status int, errMsg string) {
	id := identity(r)
	ctx := r.Context()
	var p accountPage
	var err error
	if p.TwoFactor, p.CodesLeft, err = a.auth.TwoFactorStatus(ctx, id.User.ID); err != nil {
		a.fail(w, r, err, "message", view{Title: "Your account"})
		return
	}
	sessions, err := a.auth.Sessions(ctx, id)
	if err != nil {
		a.fail(w, r, err, "message", view{Title: "Your account"})
		return
	}
	for _, s := range sessions {
		p.Sessions = append(p.Sessions, sessionRow{ID: s.ID, Current: s.ID == id.Session.ID, CreatedAt: s.CreatedAt,
			LastSeenAt: s.LastSeenAt, IP: s.IP, Browser: describeAgent(s.UserAgent)})
	}
	a.render(w, r, status, "account", view{Title: "Your account", Nav: "account", Notice: notice(r), Error: errMsg, Data: p})
}
