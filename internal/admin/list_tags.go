package admin

import (
	"net/http"

	"octavo/internal/blog"
)

// tagsPage is the tags page's data.
type tagsPage struct {
	Tags []blog.Tag
	// Slug and Name are a refused rename as typed, shown again in its row.
	Slug, Name string
}

// ListTags shows every tag with how many posts carry it, each with a form
// to rename it (editors and the owner).
func (a *Admin) ListTags(w http.ResponseWriter, r *http.Request) {
	a.listTags(w, r, http.StatusOK, "", tagsPage{})
}

func (a *Admin) listTags(w http.ResponseWriter, r *http.Request, status int, errMsg string, page tagsPage) {
	tags, err := a.posts.AllTags(r.Context())
	if err != nil {
		a.fail(w, r, err, "message", view{Title: "Tags", Nav: "tags"})
		return
	}
	page.Tags = tags
	a.render(w, r, status, "tags", view{Title: "Tags", Nav: "tags", Notice: notice(r), Error: errMsg, Data: page})
}
