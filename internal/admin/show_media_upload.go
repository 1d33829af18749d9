package admin

import "net/http"

// ShowMediaUpload is the upload form alone, for writers who cannot see
// the library (authors, contributors): the way to upload an image
// without JavaScript. The answer shows the Markdown to paste.
func (a *Admin) ShowMediaUpload(w http.ResponseWriter, r *http.Request) {
	if a.media == nil {
		http.NotFound(w, r)
		return
	}
	a.render(w, r, http.StatusOK, "media_upload", view{Title: "Upload images", Nav: "posts", Data: mediaPage{Limit: a.media.LimitText()}})
}
