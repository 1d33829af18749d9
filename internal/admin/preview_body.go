package admin

import (
	"net/http"

	"octavo/internal/blog"
)

// maxPreviewBytes bounds a body sent for preview (a long book chapter is
// a few hundred kilobytes).
const maxPreviewBytes = 4 << 20

// PreviewBody renders the Markdown of the form field body (and excerpt)
// by the public pages' pipeline, code highlighting included, and answers
// the HTML fragment: the editor's live preview (admin.js) asks for it as
// the text changes, with the CSRF token in its header.
func (a *Admin) PreviewBody(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxPreviewBytes)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "The text is too long to preview (at most 4 MB).", http.StatusRequestEntityTooLarge)
		return
	}
	rendered, err := a.content.Preview(r.Context(), r.PostFormValue("body"), blog.Format(r.PostFormValue("format")), r.PostFormValue("excerpt"), identity(r).User.Role.TrustedHTML())
	if err != nil {
		http.Error(w, a.message(r, err), StatusOf(err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write([]byte(rendered.HTML))
}
