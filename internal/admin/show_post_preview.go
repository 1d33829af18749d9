package admin

import (
	"net/http"
)

// ShowPostPreview shows a post or page as its public page will look,
// whatever its status: its author's preview of a draft or a scheduled
// post, whose public URL answers 404 until it is published.
func (a *Admin) ShowPostPreview(w http.ResponseWriter, r *http.Request) {
	p := a.editable(w, r)
	if p == nil {
		return
	}
	if a.pagePreview == nil {
		a.render(w, r, http.StatusNotFound, "message", view{Title: "No preview", Error: "This server shows no page previews."})
		return
	}
	if p.PublishedAt.IsZero() {
		p.PublishedAt = a.clock.Now() // as if published now
	}
	page, err := a.pagePreview(r.Context(), p)
	if err != nil {
		a.fail(w, r, err, "message", view{Title: "No preview"})
		return
	}
	w.Header().Set("Content-Type", page.ContentType)
	// Search engines must not index a preview, even a leaked one.
	w.Header().Set("X-Robots-Tag", "noindex")
	_, _ = w.Write(page.Body)
}
