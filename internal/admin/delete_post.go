package admin

import (
	"net/http"
)

// DeletePost deletes a trashed post or page for good, with its revisions,
// after the confirmation page (ShowDeletePost).
func (a *Admin) DeletePost(w http.ResponseWriter, r *http.Request) {
	p := a.deletable(w, r)
	if p == nil {
		return
	}
	if err := a.content.Delete(r.Context(), p.ID); err != nil {
		a.fail(w, r, err, "message", view{Title: "Not deleted"})
		return
	}
	redirect(w, r, listURL(p.Kind)+"?status=trashed&done=deleted")
}
