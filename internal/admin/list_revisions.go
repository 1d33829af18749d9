package admin

import (
	"net/http"
	"time"

	"octavo/internal/blog"
)

// revisionsPage is the data of a post's revision list.
type revisionsPage struct {
	Post      *blog.Post
	Revisions []blog.Revision
	Loc       *time.Location
}

// ListRevisions lists the saves of a post, newest first, each with a link
// to its differences from the current text.
func (a *Admin) ListRevisions(w http.ResponseWriter, r *http.Request) {
	p := a.editable(w, r)
	if p == nil {
		return
	}
	revs, err := a.posts.Revisions(r.Context(), p.ID)
	if err != nil {
		a.fail(w, r, err, "message", view{Title: "Revisions"})
		return
	}
	a.render(w, r, http.StatusOK, "revisions", view{Title: "Revisions of “" + p.Title + "”", Nav: navOf(p.Kind), Notice: notice(r),
		Data: revisionsPage{Post: p, Revisions: revs, Loc: a.location(r)}})
}
