package admin

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"octavo/internal/auth"
	"octavo/internal/blog"
)

// This file holds what the editor's handlers share: finding the post a
// route names, reading the editor's form, the labels of statuses.

// postsPerPage is the length of a page of the admin's post lists.
const postsPerPage = 20

// dateTimeLocal is the format of an <input type="datetime-local">.
const dateTimeLocal = "2006-01-02T15:04"

// kindOf is the kind a list or a new-post route is for: pages under
// /admin/pages, posts everywhere else.
func kindOf(r *http.Request) blog.Kind {
	if strings.HasPrefix(r.URL.Path, "/admin/pages") {
		return blog.KindPage
	}
	return blog.KindPost
}

// listURL is the admin list of a kind.
func listURL(k blog.Kind) string {
	if k == blog.KindPage {
		return "/admin/pages"
	}
	return "/admin/posts"
}

// editURL is the editor of a post or page.
func editURL(id string) string { return "/admin/posts/" + id }

// statusLabels name the statuses for people.
var statusLabels = map[blog.Status]string{
	blog.StatusDraft:     "Draft",
	blog.StatusPending:   "Pending review",
	blog.StatusScheduled: "Scheduled",
	blog.StatusPublished: "Published",
	blog.StatusTrashed:   "In the trash",
}

// statusOrder is the order statuses are offered and counted in.
var statusOrder = []blog.Status{blog.StatusDraft, blog.StatusPending, blog.StatusScheduled, blog.StatusPublished, blog.StatusTrashed}

// location is the blog's time zone (UTC when the settings cannot be read).
func (a *Admin) location(r *http.Request) *time.Location {
	if a.settings != nil {
		if st, err := a.settings.Settings(r.Context()); err == nil {
			return st.Location()
		}
	}
	return time.UTC
}

// editable returns the post the route's {id} names, if the user may edit
// it; otherwise it answers (404 or 403) and returns nil.
func (a *Admin) editable(w http.ResponseWriter, r *http.Request) *blog.Post {
	p, err := a.posts.PostByID(r.Context(), r.PathValue("id"))
	if err != nil {
		a.fail(w, r, err, "message", view{Title: "Not found"})
		return nil
	}
	if !auth.CanEditPost(identity(r).User, p) {
		a.render(w, r, http.StatusForbidden, "message", view{Title: "Not allowed",
			Error: "Your role does not allow you to change “" + p.Title + "”; nothing was changed."})
		return nil
	}
	return p
}

// seesAll reports whether u may see and edit every author's posts;
// others see only their own in the lists.
func seesAll(u *blog.User) bool { return auth.Can(u.Role, auth.PermEditPosts) }

// postForm is what the editor's form sends.
type postForm struct {
	Title, Slug, Body, Excerpt, Description, Tags string
	Status                                        blog.Status
	PublishAt                                     string // datetime-local, in the blog's time zone
	Pinned                                        bool
	Version                                       int
	// Featured is the hash of the featured image, "" for none; the radio
	// choice, or the file FeaturedURL names when one was typed (it wins).
	// FeaturedSet is false when the form did not have the field (the
	// stored image is kept).
	Featured, FeaturedURL string
	FeaturedSet           bool
}

// readPostForm reads the editor's fields; a malformed version is an
// error (the form was not ours).
func readPostForm(r *http.Request) (postForm, error) {
	f := postForm{
		Title: r.PostFormValue("title"), Slug: strings.TrimSpace(r.PostFormValue("slug")),
		Body: strings.ReplaceAll(r.PostFormValue("body"), "\r\n", "\n"), Excerpt: strings.ReplaceAll(r.PostFormValue("excerpt"), "\r\n", "\n"),
		Description: strings.TrimSpace(r.PostFormValue("description")), Tags: r.PostFormValue("tags"),
		Status: blog.Status(r.PostFormValue("status")), PublishAt: strings.TrimSpace(r.PostFormValue("publish_at")),
		Pinned: r.PostFormValue("pinned") != "",
	}
	if v := r.PostFormValue("version"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return f, blog.Errorf(blog.EINVALID, "version: %q is not a version number; reload the editor", v)
		}
		f.Version = n
	}
	if _, ok := r.PostForm["featured"]; ok {
		f.Featured, f.FeaturedSet = r.PostFormValue("featured"), true
		if f.Featured != "" {
			if _, _, _, ok := blog.ParseMediaName(f.Featured + ".png"); !ok {
				return f, blog.Errorf(blog.EINVALID, "Featured image: %q is not a file of the media library; choose one of the list.", f.Featured)
			}
		}
	}
	if u := strings.TrimSpace(r.PostFormValue("featured_url")); u != "" {
		f.FeaturedURL, f.FeaturedSet = u, true
		h, err := featuredHash(u)
		if err != nil {
			return f, err
		}
		f.Featured = h
	}
	return f, nil
}

// featuredHash is the hash of the library file an address names: a path
// or URL ending in /media/HASH.ext (or a smaller copy's -WIDTH.ext), or
// the file name alone.
func featuredHash(u string) (string, error) {
	name := u
	if i := strings.IndexAny(name, "?#"); i >= 0 {
		name = name[:i]
	}
	if i := strings.LastIndex(name, "/media/"); i >= 0 {
		name = name[i+len("/media/"):]
	}
	h, _, _, ok := blog.ParseMediaName(name)
	if !ok {
		return "", blog.Errorf(blog.EINVALID, "Featured image: %q is not the address of a library image (like /media/ followed by 32 hex digits and .jpg, .png or .gif); copy it from the media library.", u)
	}
	return h, nil
}

// formOf is the form of a stored post (what the editor shows).
func formOf(p *blog.Post, loc *time.Location) postForm {
	f := postForm{Title: p.Title, Slug: p.Slug, Body: p.Body, Excerpt: p.Excerpt, Description: p.Description,
		Status: p.Status, Pinned: p.Pinned, Version: p.Version}
	if (p.Status == blog.StatusDraft || p.Status == blog.StatusPending) && p.Slug == blog.Slugify(p.Title) {
		// Never published and never given a slug by hand: the slug keeps
		// following the title until someone types one.
		f.Slug = ""
	}
	names := make([]string, len(p.Tags))
	for i, t := range p.Tags {
		names[i] = t.Name
	}
	f.Tags = strings.Join(names, ", ")
	if p.Featured != nil {
		f.Featured = p.Featured.Hash
	}
	if !p.PublishedAt.IsZero() {
		f.PublishAt = p.PublishedAt.In(loc).Format(dateTimeLocal)
	}
	return f
}

// checkFeatured refuses a featured image the media library does not have
// (deleted since the editor was opened, or a mistyped address), before
// anything is saved.
func (a *Admin) checkFeatured(ctx context.Context, f postForm) error {
	if !f.FeaturedSet || f.Featured == "" {
		return nil
	}
	imgs, err := a.posts.MediaImages(ctx, []string{f.Featured})
	if err != nil {
		return err
	}
	if _, ok := imgs[f.Featured]; !ok {
		return blog.Errorf(blog.EINVALID, "Featured image: the media library has no file %s (it was deleted, or never uploaded here). Nothing was saved.", f.Featured)
	}
	return nil
}

// maxDescription is the longest meta description accepted (search
// engines show about 160 characters).
const maxDescription = 300

// apply checks f and writes it onto p (a copy of the stored post, or a
// new one), as user u at now. Nothing is saved here; an error says what
// is wrong and where.
func apply(f postForm, p *blog.Post, u *blog.User, now time.Time, loc *time.Location) error {
	if strings.TrimSpace(f.Title) == "" {
		return blog.Errorf(blog.EINVALID, "Title: a post needs a title.")
	}
	if len(f.Description) > maxDescription {
		return blog.Errorf(blog.EINVALID, "Meta description: %d characters is too long (at most %d).", len(f.Description), maxDescription)
	}
	if _, ok := statusLabels[f.Status]; !ok {
		return blog.Errorf(blog.EINVALID, "Status: %q is not one of draft, pending, scheduled, published, trashed.", f.Status)
	}
	if !auth.CanSetStatus(u, p, f.Status) {
		return blog.Errorf(blog.EFORBIDDEN, "Status: your role cannot make a post %s; save it as a draft or submit it for review. Nothing was saved.", strings.ToLower(statusLabels[f.Status]))
	}
	var at time.Time
	if !p.PublishedAt.IsZero() && f.PublishAt == p.PublishedAt.In(loc).Format(dateTimeLocal) {
		at = p.PublishedAt // unchanged: keep the stored seconds
	} else if f.PublishAt != "" {
		t, err := time.ParseInLocation(dateTimeLocal, f.PublishAt, loc)
		if err != nil {
			return blog.Errorf(blog.EINVALID, "Publish date: %q is not a date and time (like 2026-11-25T09:30).", f.PublishAt)
		}
		at = t
	}
	switch f.Status {
	case blog.StatusScheduled:
		if at.IsZero() {
			return blog.Errorf(blog.EINVALID, "Publish date: a scheduled post needs the date and time to publish it.")
		}
		if !at.After(now) {
			return blog.Errorf(blog.EINVALID, "Publish date: %s is not in the future; choose Published to publish now.", at.Format("2 Jan 2006 15:04 MST"))
		}
		p.PublishedAt = at
	case blog.StatusPublished:
		if at.After(now) {
			return blog.Errorf(blog.EINVALID, "Publish date: %s is in the future; choose Scheduled to publish then.", at.Format("2 Jan 2006 15:04 MST"))
		}
		if !at.IsZero() {
			p.PublishedAt = at
		} else if p.Status != blog.StatusPublished {
			p.PublishedAt = time.Time{} // published now
		}
	}
	p.Title, p.Slug, p.Body, p.Excerpt, p.Description = f.Title, f.Slug, f.Body, f.Excerpt, f.Description
	p.Status, p.Version = f.Status, f.Version
	p.Pinned = f.Pinned && p.Kind == blog.KindPost
	if f.FeaturedSet {
		p.Featured = nil
		if f.Featured != "" {
			p.Featured = &blog.Image{Hash: f.Featured}
		}
	}
	p.Tags = nil
	for name := range strings.SplitSeq(f.Tags, ",") {
		if name = strings.TrimSpace(name); name != "" {
			p.Tags = append(p.Tags, blog.Tag{Name: name})
		}
	}
	return nil
}
