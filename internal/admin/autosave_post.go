package admin

import (
	"encoding/json"
	"net/http"

	"octavo/internal/auth"
	"octavo/internal/blog"
)

// autosaveAnswer is what Autosave answers, as JSON.
type autosaveAnswer struct {
	ID      string `json:"id,omitempty"`
	Version int    `json:"version,omitempty"`
	Slug    string `json:"slug,omitempty"`
	URL     string `json:"url,omitempty"` // the editor of the saved draft
	Saved   string `json:"saved,omitempty"`
	Error   string `json:"error,omitempty"`
}

// Autosave saves a draft from the editor's script (the form's fields, the
// CSRF token in the X-CSRF-Token header): post_id empty makes a new
// draft of kind. Only drafts are saved this way — published text changes
// when its writer presses Save — and the version check applies, so an
// autosave never overwrites someone else's save (409).
func (a *Admin) Autosave(w http.ResponseWriter, r *http.Request) {
	u := identity(r).User
	answer := func(status int, v autosaveAnswer) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	failed := func(err error) { answer(StatusOf(err), autosaveAnswer{Error: a.message(r, err)}) }
	var p *blog.Post
	if id := r.PostFormValue("post_id"); id == "" {
		kind := blog.Kind(r.PostFormValue("kind"))
		if kind != blog.KindPost && kind != blog.KindPage {
			failed(blog.Errorf(blog.EINVALID, "kind: %q is neither post nor page", kind))
			return
		}
		p = &blog.Post{Kind: kind, AuthorID: u.ID, Status: blog.StatusDraft}
	} else {
		var err error
		if p, err = a.posts.PostByID(r.Context(), id); err != nil {
			failed(err)
			return
		}
	}
	if !auth.CanEditPost(u, p) {
		failed(blog.Errorf(blog.EFORBIDDEN, "Your role does not allow you to change this; nothing was saved."))
		return
	}
	if p.Status != blog.StatusDraft {
		failed(blog.Errorf(blog.ECONFLICT, "Only drafts are saved automatically: press Save to save your changes."))
		return
	}
	f, err := readPostForm(r)
	if err != nil {
		failed(err)
		return
	}
	if p.ID != "" && f.Version == 0 {
		failed(blog.Errorf(blog.EINVALID, "version: missing; reload the editor"))
		return
	}
	f.Status = blog.StatusDraft
	if err := a.checkFeatured(r.Context(), f); err != nil {
		failed(err)
		return
	}
	if err := apply(f, p, u, a.clock.Now(), a.location(r)); err != nil {
		failed(err)
		return
	}
	if err := a.content.Save(r.Context(), p); err != nil {
		failed(err)
		return
	}
	answer(http.StatusOK, autosaveAnswer{ID: p.ID, Version: p.Version, Slug: p.Slug, URL: editURL(p.ID),
		Saved: p.UpdatedAt.In(a.location(r)).Format("15:04:05")})
}
