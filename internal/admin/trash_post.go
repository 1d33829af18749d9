package admin

import (
	"net/http"

	"octavo/internal/auth"
	"octavo/internal/blog"
)

// TrashPost moves a post or page to the trash: it leaves the site at once
// and can be restored from the trash list.
func (a *Admin) TrashPost(w http.ResponseWriter, r *http.Request) {
	p := a.editable(w, r)
	if p == nil {
		return
	}
	if !auth.CanSetStatus(identity(r).User, p, blog.StatusTrashed) {
		a.render(w, r, http.StatusForbidden, "message", view{Title: "Not allowed", Error: "Your role cannot move “" + p.Title + "” to the trash; nothing was changed."})
		return
	}
	if _, err := a.content.Trash(r.Context(), p.ID); err != nil {
		a.fail(w, r, err, "message", view{Title: "Not moved to the trash"})
		return
	}
	redirect(w, r, listURL(p.Kind)+"?status=trashed&done=trashed")
}
