package admin

import (
	"net/http"
	"time"

	"octavo/internal/auth"
	"octavo/internal/blog"
)

// dashboardItems is how many posts each list of the dashboard shows.
const dashboardItems = 5

// homePage is the dashboard's data: the posts waiting for something
// (drafts, review, their time) and the recent changes, limited to the
// user's own posts for authors and contributors; and what the role
// allows.
type homePage struct {
	Rules     []auth.Rule
	Lists     []dashboardList
	Changes   []blog.Change
	Loc       *time.Location
	CanWrite  bool
	CanPages  bool
	Available bool // the editor is wired (the dashboard of a server without content shows the rules only)
}

// dashboardList is one of the dashboard's lists of posts.
type dashboardList struct {
	ID, Title, Empty, More string
	Posts                  []*blog.Post
	Total                  int
}

// ShowHome shows the dashboard.
func (a *Admin) ShowHome(w http.ResponseWriter, r *http.Request) {
	u := identity(r).User
	d := homePage{Loc: a.location(r), CanWrite: auth.Can(u.Role, auth.PermWriteDrafts), CanPages: auth.Can(u.Role, auth.PermPages)}
	for _, rule := range auth.Rules() {
		if auth.Can(u.Role, rule.Permission) {
			d.Rules = append(d.Rules, rule)
		}
	}
	if a.posts != nil {
		d.Available = true
		var mine int64
		if !seesAll(u) {
			mine = u.ID
		}
		for _, l := range []struct {
			id, title, empty string
			status           blog.Status
		}{
			{"drafts", "Drafts", "No drafts.", blog.StatusDraft},
			{"pending", "Pending review", "Nothing waits for review.", blog.StatusPending},
			{"scheduled", "Scheduled", "Nothing is scheduled.", blog.StatusScheduled},
		} {
			posts, total, err := a.posts.AdminPosts(r.Context(), blog.AdminQuery{Kind: blog.KindPost, Status: l.status, AuthorID: mine, Limit: dashboardItems})
			if err != nil {
				a.fail(w, r, err, "message", view{Title: "Dashboard"})
				return
			}
			d.Lists = append(d.Lists, dashboardList{ID: l.id, Title: l.title, Empty: l.empty, Posts: posts, Total: total,
				More: "/admin/posts?status=" + string(l.status)})
		}
		changes, err := a.posts.RecentChanges(r.Context(), mine, 10)
		if err != nil {
			a.fail(w, r, err, "message", view{Title: "Dashboard"})
			return
		}
		d.Changes = changes
	}
	a.render(w, r, http.StatusOK, "home", view{Title: "Dashboard", Nav: "home", Notice: notice(r), Data: d})
}
