package admin

import (
	"html/template"
	"net/http"

	"octavo/internal/auth"
	"octavo/internal/blog"
)

// editorPage is the editor's data, for a new post (Post.ID empty) or a
// stored one.
type editorPage struct {
	Post     *blog.Post // as stored (or the new post's kind and author)
	Form     postForm   // what the fields show
	Action   string     // where the form posts
	Statuses []statusOption
	TimeZone string
	// Preview is the rendered body, shown beside the text (the live
	// preview's first state, or the answer of the Preview button).
	Preview template.HTML
	// Autosave is on for drafts (and new posts): published text changes
	// only when its writer saves.
	Autosave bool
	CanTrash bool
	Featured featuredField
	// MediaLink is where to upload without JavaScript: the library, or
	// the upload page for those who cannot see it.
	MediaLink string
}

// featuredField is the featured image's part of the editor: recent
// uploads to choose from (with the chosen one, wherever it is in the
// library), or an address typed.
type featuredField struct {
	Choices []featuredChoice
	None    bool   // "no featured image" is the checked choice
	URL     string // the address typed, shown again after an error
}

// featuredChoice is one image of the list.
type featuredChoice struct {
	Hash, Name, Thumb string
	Width, Height     int
	Checked, Current  bool // chosen in the form; the post's stored image
}

// featuredChoices is how many recent uploads the editor offers.
const featuredChoices = 12

// statusOption is one choice of the status field.
type statusOption struct {
	Value    blog.Status
	Label    string
	Selected bool
}

// showEditor renders the editor for p with the form f.
func (a *Admin) showEditor(w http.ResponseWriter, r *http.Request, status int, p *blog.Post, f postForm, preview template.HTML, errMsg string) {
	u := identity(r).User
	var opts []statusOption
	for _, st := range statusOrder {
		if st == blog.StatusTrashed && p.ID == "" {
			continue
		}
		if auth.CanSetStatus(u, p, st) || st == p.Status {
			opts = append(opts, statusOption{Value: st, Label: statusLabels[st], Selected: st == f.Status})
		}
	}
	loc := a.location(r)
	page := editorPage{Post: p, Form: f, Statuses: opts, TimeZone: loc.String(), Preview: preview,
		Autosave: p.ID == "" || p.Status == blog.StatusDraft, CanTrash: p.ID != "" && p.Status != blog.StatusTrashed && auth.CanSetStatus(u, p, blog.StatusTrashed)}
	page.Featured = a.featuredField(r, p, f)
	page.MediaLink = "/admin/media/upload"
	if auth.Can(u.Role, auth.PermMedia) {
		page.MediaLink = "/admin/media"
	}
	title := "Edit “" + p.Title + "”"
	switch {
	case p.ID != "":
		page.Action = editURL(p.ID)
	case p.Kind == blog.KindPage:
		page.Action, title = "/admin/pages", "New page"
	default:
		page.Action, title = "/admin/posts", "New post"
	}
	a.render(w, r, status, "editor", view{Title: title, Nav: navOf(p.Kind), Notice: notice(r), Error: errMsg, Data: page})
}

// navOf is the navigation entry of a kind's pages.
func navOf(k blog.Kind) string {
	if k == blog.KindPage {
		return "pages"
	}
	return "posts"
}

// featuredField lists the newest uploads (the whole library's for those
// who may see it, else the writer's own) and the chosen and stored images
// wherever they are in the library.
func (a *Admin) featuredField(r *http.Request, p *blog.Post, f postForm) featuredField {
	u := identity(r).User
	chosen := f.Featured
	if f.FeaturedURL != "" && p.Featured != nil {
		chosen = p.Featured.Hash // the typed address is shown in its field
	} else if f.FeaturedURL != "" {
		chosen = ""
	}
	var stored string
	if p.Featured != nil {
		stored = p.Featured.Hash
	}
	ff := featuredField{None: chosen == "", URL: f.FeaturedURL}
	if a.posts == nil {
		return ff
	}
	var uploader int64 // everyone's files
	if !auth.Can(u.Role, auth.PermMedia) {
		uploader = u.ID
	}
	recent, err := a.posts.RecentMedia(r.Context(), uploader, featuredChoices)
	if err != nil {
		a.log.Warn("admin: listing media for the editor", "error", err)
		return ff
	}
	// The chosen and the stored image come first, wherever they are in
	// the library (and whoever uploaded them).
	var pinned []featuredChoice
	seen := map[string]bool{}
	for _, h := range []string{chosen, stored} {
		if h == "" || seen[h] {
			continue
		}
		seen[h] = true
		m, err := a.posts.MediaByHash(r.Context(), h)
		if err != nil {
			continue // deleted, or never there: the form says so on saving
		}
		pinned = append(pinned, newFeaturedChoice(m, chosen, stored))
	}
	for _, m := range recent {
		if !seen[m.Hash] {
			ff.Choices = append(ff.Choices, newFeaturedChoice(m, chosen, stored))
		}
	}
	ff.Choices = append(pinned, ff.Choices...)
	return ff
}

func newFeaturedChoice(m *blog.Media, chosen, stored string) featuredChoice {
	return featuredChoice{Hash: m.Hash, Name: m.OriginalName, Thumb: thumbOf(m), Width: m.Width, Height: m.Height,
		Checked: m.Hash == chosen, Current: m.Hash == stored}
}
