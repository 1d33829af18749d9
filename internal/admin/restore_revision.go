package admin

import (
	"net/http"
	"strconv"

	"octavo/internal/blog"
)

// RestoreRevision makes the post say again what a revision said, as a new
// save (the revisions in between stay). The form carries the version the
// writer saw: a save by someone else since then is a conflict (409).
func (a *Admin) RestoreRevision(w http.ResponseWriter, r *http.Request) {
	p := a.editable(w, r)
	if p == nil {
		return
	}
	rev, ok := a.revisionOf(w, r, p)
	if !ok {
		return
	}
	version, err := strconv.Atoi(r.PostFormValue("version"))
	if err != nil || version <= 0 {
		a.render(w, r, http.StatusBadRequest, "message", view{Title: "Not restored", Error: "version: missing or not a number; open the revision again. Nothing was changed."})
		return
	}
	if _, err := a.content.RestoreRevision(r.Context(), p.ID, rev.ID, version); err != nil {
		title := "Not restored"
		if blog.ErrorCode(err) == blog.ECONFLICT {
			title = "Someone else saved “" + p.Title + "”"
		}
		a.fail(w, r, err, "message", view{Title: title, Nav: navOf(p.Kind)})
		return
	}
	redirect(w, r, editURL(p.ID)+"?done=restored")
}
