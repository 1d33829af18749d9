package admin

import (
	"net/http"

	"octavo/internal/blog"
)

// mediaItem is one file of the library page.
type mediaItem struct {
	*blog.Media
	Img      blog.Image
	Thumb    string // the smallest copy made, else the file itself
	Uses     []blog.MediaUse
	Markdown string
}

// mediaPage is the library page's data.
type mediaPage struct {
	Items []mediaItem
	Limit string
}

// ListMedia shows the media library: an upload form, then every file with
// a thumbnail, its size, where it is used, and a delete button.
func (a *Admin) ListMedia(w http.ResponseWriter, r *http.Request) {
	a.listMedia(w, r, http.StatusOK, "")
}

// listMedia shows the library with status and an error message (a failed
// upload).
func (a *Admin) listMedia(w http.ResponseWriter, r *http.Request, status int, errMsg string) {
	if a.media == nil || a.posts == nil {
		http.NotFound(w, r)
		return
	}
	all, err := a.posts.ListMedia(r.Context())
	if err == nil {
		var uses []blog.MediaUse
		if uses, err = a.posts.MediaUses(r.Context(), nil); err == nil {
			byHash := map[string][]blog.MediaUse{}
			for _, u := range uses {
				byHash[u.Hash] = append(byHash[u.Hash], u)
			}
			page := mediaPage{Limit: a.media.LimitText()}
			for _, m := range all {
				img := m.Image()
				it := mediaItem{Media: m, Img: img, Thumb: thumbOf(m), Uses: byHash[m.Hash],
					Markdown: "![" + altOf(m.OriginalName) + "](" + img.Src() + ")"}
				page.Items = append(page.Items, it)
			}
			a.render(w, r, status, "media", view{Title: "Media", Nav: "media", Notice: notice(r), Error: errMsg, Data: page})
			return
		}
	}
	a.render(w, r, StatusOf(err), "message", view{Title: "Media", Error: a.message(r, err)})
}

// thumbOf is the address of a file's thumbnail: its smallest copy made,
// else the file itself.
func thumbOf(m *blog.Media) string {
	img := m.Image()
	if len(m.Variants) > 0 {
		return img.VariantSrc(m.Variants[0].Width)
	}
	return img.Src()
}
