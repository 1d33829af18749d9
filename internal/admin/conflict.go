package admin

import (
	"net/http"
	"strings"

	"octavo/internal/blog"
)

// conflictPage is the 409 page's data: what the writer sent (kept whole,
// to copy or to save over the newer version on purpose) and the stored
// version, with a line diff from theirs to it.
type conflictPage struct {
	Post    *blog.Post // as stored now
	Yours   postForm
	Current postForm
	Diff    []diffLine // from the stored body to yours
}

// showConflict answers a save made from an older version: 409, the
// writer's text kept, the current one shown.
func (a *Admin) showConflict(w http.ResponseWriter, r *http.Request, p *blog.Post, yours postForm, msg string) {
	current, err := a.posts.PostByID(r.Context(), p.ID)
	if err != nil {
		current = p
	}
	page := conflictPage{Post: current, Yours: yours, Current: formOf(current, a.location(r)),
		Diff: lineDiff(strings.Split(current.Body, "\n"), strings.Split(yours.Body, "\n"))}
	a.render(w, r, http.StatusConflict, "conflict", view{Title: "Someone else saved “" + current.Title + "”", Nav: navOf(current.Kind), Error: msg, Data: page})
}
