package admin

import (
	"html/template"
	"net/http"

	"octavo/internal/blog"
)

// SavePost saves the editor's form: a new post (POST /admin/posts), a new
// page (POST /admin/pages) or a stored one (POST /admin/posts/{id}). The
// Preview button (op=preview) renders the body and shows the form again,
// saving nothing. Bad input shows the form again with what was typed and
// a message; a save over someone else's newer one shows the conflict page
// (409), never overwriting it.
func (a *Admin) SavePost(w http.ResponseWriter, r *http.Request) {
	u := identity(r).User
	var p *blog.Post
	if r.PathValue("id") == "" {
		p = &blog.Post{Kind: kindOf(r), AuthorID: u.ID, Status: blog.StatusDraft}
	} else if p = a.editable(w, r); p == nil {
		return
	}
	stored := *p
	f, err := readPostForm(r)
	if err != nil {
		a.showEditor(w, r, StatusOf(err), &stored, f, "", a.message(r, err))
		return
	}
	if r.PostFormValue("op") == "preview" {
		rendered, err := a.content.Preview(r.Context(), f.Body, p.Format, f.Excerpt, u.Role.TrustedHTML())
		if err != nil {
			a.showEditor(w, r, StatusOf(err), &stored, f, "", a.message(r, err))
			return
		}
		a.showEditor(w, r, http.StatusOK, &stored, f, template.HTML(rendered.HTML), "")
		return
	}
	if err := a.checkFeatured(r.Context(), f); err != nil {
		a.showEditor(w, r, StatusOf(err), &stored, f, "", a.message(r, err))
		return
	}
	loc := a.location(r)
	if err := apply(f, p, u, a.clock.Now(), loc); err != nil {
		a.showEditor(w, r, StatusOf(err), &stored, f, "", a.message(r, err))
		return
	}
	if p.ID != "" && f.Version == 0 {
		// Zero would skip the version check: a form of ours always has one.
		err := blog.Errorf(blog.EINVALID, "version: missing; reload the editor and apply your changes again")
		a.showEditor(w, r, StatusOf(err), &stored, f, "", a.message(r, err))
		return
	}
	if err := a.content.Save(r.Context(), p); err != nil {
		if blog.ErrorCode(err) == blog.ECONFLICT && p.ID != "" {
			a.showConflict(w, r, &stored, f, a.message(r, err))
			return
		}
		a.showEditor(w, r, StatusOf(err), &stored, f, "", a.message(r, err))
		return
	}
	done := map[blog.Status]string{blog.StatusDraft: "saved", blog.StatusPending: "submitted", blog.StatusScheduled: "scheduled",
		blog.StatusPublished: "published", blog.StatusTrashed: "trashed"}[p.Status]
	redirect(w, r, editURL(p.ID)+"?done="+done)
}
