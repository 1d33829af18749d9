package admin

import (
	"net/http"

	"octavo/internal/blog"
)

// NewPost shows the editor for a new post, or a new page under
// /admin/pages/new.
func (a *Admin) NewPost(w http.ResponseWriter, r *http.Request) {
	p := &blog.Post{Kind: kindOf(r), AuthorID: identity(r).User.ID, Status: blog.StatusDraft}
	a.showEditor(w, r, http.StatusOK, p, postForm{Status: blog.StatusDraft}, "", "")
}
