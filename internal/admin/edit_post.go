package admin

import (
	"html/template"
	"net/http"
)

// EditPost shows the editor of a stored post or page, with its text
// rendered beside it.
func (a *Admin) EditPost(w http.ResponseWriter, r *http.Request) {
	p := a.editable(w, r)
	if p == nil {
		return
	}
	// The stored HTML was made by the same pipeline when it was saved.
	a.showEditor(w, r, http.StatusOK, p, formOf(p, a.location(r)), template.HTML(p.Rendered.HTML), "")
}
