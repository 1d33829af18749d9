package render

import (
	"html/template"
	"time"

	"octavo/internal/blog"
)

// View is what every page template receives.
type View struct {
	Site        SiteView
	Title       string // the document title before " · Site"; empty on the front page
	Description string
	Canonical   string
	Heading     string // the page's h1 on list pages

	Posts  []PostView
	Post   *PostView
	Pager  *Pager
	Older  *RefView
	Newer  *RefView
	Months []MonthView
	Tags   []blog.Tag
	Recent []RefView

	// Tag is the tag of a tag page (nil elsewhere): its feeds are announced.
	Tag *blog.Tag
	// Search is the search page's query and results (nil elsewhere).
	Search *SearchView
	// Head metadata, filled by Renderer.head from the fields above.
	Feeds  []FeedLink // feed autodiscovery: the site's feeds, then the tag's
	OG     *OpenGraph // OpenGraph and Twitter card; nil on the 404 page
	JSONLD any        // schema.org BlogPosting or WebSite, or nil
}

// SiteView is the part of the settings the templates show.
type SiteView struct {
	Title       string
	Description string
	Language    string
	BaseURL     string
	Menu        []blog.MenuItem
}

// PostView is a post as the templates see it: dates in the blog's time
// zone, HTML marked safe (it was made by the Markdown pipeline or written
// by a trusted user; untrusted HTML is sanitized when saved).
type PostView struct {
	ID             string
	Kind           blog.Kind
	Title          string
	Path           string
	PublishedAt    time.Time
	UpdatedAt      time.Time
	AuthorName     string
	Tags           []blog.Tag
	Pinned         bool
	HasMore        bool
	ExcerptHTML    template.HTML
	ContentHTML    template.HTML
	TOCHTML        template.HTML
	ReadingMinutes int
	// Featured is the featured image, nil when none.
	Featured *blog.Image
}

// RefView is a light post reference with its date in the blog's time zone.
type RefView struct {
	Title       string
	Path        string
	PublishedAt time.Time
}

// MonthView is one month of an archive page.
type MonthView struct {
	Label string
	Path  string
	Posts []RefView
}

// Pager links a list page to its neighbours.
type Pager struct {
	Page         int
	Newer, Older string // paths, empty when none
}

func postView(p *blog.Post, st blog.Settings, loc *time.Location) PostView {
	author := p.Author.DisplayName
	if author == "" {
		author = st.AuthorName
	}
	return PostView{
		ID:             p.ID,
		Kind:           p.Kind,
		Title:          p.Title,
		Path:           p.Path,
		PublishedAt:    p.PublishedAt.In(loc),
		UpdatedAt:      p.UpdatedAt.In(loc),
		AuthorName:     author,
		Tags:           p.Tags,
		Pinned:         p.Pinned,
		HasMore:        p.Rendered.HasMore,
		ExcerptHTML:    template.HTML(p.Rendered.ExcerptHTML), //nolint:gosec // made by the pipeline or trusted authors
		ContentHTML:    template.HTML(p.Rendered.HTML),        //nolint:gosec // idem
		TOCHTML:        template.HTML(p.Rendered.TOCHTML),     //nolint:gosec // idem
		ReadingMinutes: p.Rendered.ReadingMinutes(),
		Featured:       p.Featured,
	}
}

func refView(r blog.PostRef, loc *time.Location) RefView {
	return RefView{Title: r.Title, Path: r.Path, PublishedAt: r.PublishedAt.In(loc)}
}
