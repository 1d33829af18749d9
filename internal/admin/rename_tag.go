package admin

import (
	"net/http"
	"strings"

	"octavo/internal/blog"
)

// mergePage is the data of the page that asks before merging two tags.
type mergePage struct {
	From, Into blog.Tag
	Name       string // the name the merged tag takes
}

// RenameTag renames a tag; the old tag address redirects to the new one.
// When the new name's slug is another tag's, the two would merge: that
// asks first (a page with a confirm button), then merges.
func (a *Admin) RenameTag(w http.ResponseWriter, r *http.Request) {
	slug := r.PostFormValue("slug")
	name := strings.TrimSpace(r.PostFormValue("name"))
	page := tagsPage{Slug: slug, Name: name}
	refuse := func(err error) {
		a.listTags(w, r, formStatus(err), a.message(r, err), page)
	}
	if len(name) > 100 {
		refuse(blog.Errorf(blog.EINVALID, "name: %d bytes is too long for a tag (at most 100)", len(name)))
		return
	}
	newSlug := blog.Slugify(name)
	if newSlug == "" {
		refuse(blog.Errorf(blog.EINVALID, "name: %q has no letter or digit to make the tag's address from", name))
		return
	}
	tags, err := a.posts.AllTags(r.Context())
	if err != nil {
		refuse(err)
		return
	}
	var from, into *blog.Tag
	for i := range tags {
		switch tags[i].Slug {
		case slug:
			from = &tags[i]
		case newSlug:
			into = &tags[i]
		}
	}
	if from == nil {
		refuse(blog.Errorf(blog.ENOTFOUND, "No tag %q: it may have been renamed or merged meanwhile.", slug))
		return
	}
	if into != nil && r.PostFormValue("confirm") != "merge" {
		a.render(w, r, http.StatusOK, "tag_merge", view{Title: "Merge two tags?", Nav: "tags",
			Data: mergePage{From: *from, Into: *into, Name: name}})
		return
	}
	if _, err := a.content.RenameTag(r.Context(), slug, name); err != nil {
		refuse(err)
		return
	}
	if into != nil {
		redirect(w, r, "/admin/tags?done=merged")
		return
	}
	redirect(w, r, "/admin/tags?done=tag")
}
