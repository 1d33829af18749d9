package admin

import (
	"net/http"

	"octavo/internal/auth"
	"octavo/internal/blog"
)

// deletable returns the route's post if it is in the trash and the user
// may delete it; otherwise it answers and returns nil.
func (a *Admin) deletable(w http.ResponseWriter, r *http.Request) *blog.Post {
	p := a.editable(w, r)
	if p == nil {
		return nil
	}
	if !auth.CanSetStatus(identity(r).User, p, blog.StatusTrashed) {
		a.render(w, r, http.StatusForbidden, "message", view{Title: "Not allowed", Error: "Your role cannot delete “" + p.Title + "”; nothing was changed."})
		return nil
	}
	if p.Status != blog.StatusTrashed {
		a.render(w, r, http.StatusConflict, "message", view{Title: "Not in the trash",
			Error: "“" + p.Title + "” is not in the trash: only what is in the trash can be deleted for good. Nothing was changed."})
		return nil
	}
	return p
}

// ShowDeletePost asks whether to delete a trashed post for good.
func (a *Admin) ShowDeletePost(w http.ResponseWriter, r *http.Request) {
	if p := a.deletable(w, r); p != nil {
		a.render(w, r, http.StatusOK, "delete", view{Title: "Delete “" + p.Title + "” for good?", Nav: navOf(p.Kind), Data: p})
	}
}
