package admin

import "net/http"

// ShowAsset serves a stylesheet or script of the admin under its hashed
// URL, cached for a year: a changed file gets a new URL.
func (a *Admin) ShowAsset(w http.ResponseWriter, r *http.Request) {
	as := a.assets.byFile[r.PathValue("file")]
	if as == nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", as.contentType)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(as.body)
}
