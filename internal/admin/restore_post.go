package admin

import (
	"net/http"
)

// RestorePost brings a post or page back from the trash, as a draft.
func (a *Admin) RestorePost(w http.ResponseWriter, r *http.Request) {
	p := a.editable(w, r)
	if p == nil {
		return
	}
	if _, err := a.content.Restore(r.Context(), p.ID); err != nil {
		a.fail(w, r, err, "message", view{Title: "Not restored"})
		return
	}
	redirect(w, r, editURL(p.ID)+"?done=untrashed")
}
