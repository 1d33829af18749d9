package admin

import (
	"net/http"

	"octavo/internal/blog"
)

// deletePage asks to confirm the deletion of a file that posts show.
type deletePage struct {
	Media *blog.Media
	Img   blog.Image
	Uses  []blog.MediaUse
}

// DeleteMedia deletes a file of the library. A file that posts or pages
// show is not deleted unless the form says confirm=yes: without it, the
// answer is a page that lists those posts and asks again (200: a question,
// not an error). Their
// images then break, and a featured image is removed from its post.
func (a *Admin) DeleteMedia(w http.ResponseWriter, r *http.Request) {
	if a.media == nil || a.posts == nil {
		http.NotFound(w, r)
		return
	}
	hash := r.PathValue("hash")
	m, err := a.posts.MediaByHash(r.Context(), hash)
	if err != nil {
		a.listMedia(w, r, StatusOf(err), a.message(r, err))
		return
	}
	uses, err := a.posts.MediaUses(r.Context(), []string{hash})
	if err != nil {
		a.listMedia(w, r, StatusOf(err), a.message(r, err))
		return
	}
	if len(uses) > 0 && r.PostFormValue("confirm") != "yes" {
		a.render(w, r, http.StatusOK, "media_delete", view{Title: "Delete a file in use", Nav: "media",
			Error: "This file is shown by the posts below: deleting it breaks their images.",
			Data:  deletePage{Media: m, Img: m.Image(), Uses: uses}})
		return
	}
	if err := a.media.Delete(r.Context(), hash); err != nil {
		a.listMedia(w, r, StatusOf(err), a.message(r, err))
		return
	}
	if len(uses) > 0 && a.content != nil {
		if err := a.content.MediaChanged(r.Context(), uses); err != nil {
			a.log.Warn("admin: rendering posts of a deleted media file", "error", err)
		}
	}
	redirect(w, r, "/admin/media?done=media-deleted")
}
