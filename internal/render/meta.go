package render

import (
	"net/url"
	"time"

	"octavo/internal/blog"
)

// FeedLink is a feed that a page announces in its head (autodiscovery).
type FeedLink struct {
	// Format is "rss", "atom" or "json". The template spells out the media
	// type for each, because html/template would write the "+" of
	// "application/rss+xml" as "&#43;", which naive feed finders miss.
	Format string
	Title  string
	URL    string // absolute
}

// OpenGraph is the OpenGraph and Twitter card metadata of a page. Times are
// RFC 3339; empty fields are left out of the head.
type OpenGraph struct {
	Type        string // "article" on posts, "website" elsewhere
	Title       string
	Description string
	URL         string
	SiteName    string
	Image       string // absolute; only when the post has one
	ImageWidth  int
	ImageHeight int
	Published   string
	Modified    string
	Tags        []string
	TwitterCard string // "summary", or "summary_large_image" with an image
}

// ldPerson is a schema.org Person or Organization.
type ldPerson struct {
	Type string `json:"@type"`
	Name string `json:"name"`
}

// ldRef names a schema.org thing by its URL.
type ldRef struct {
	Type string `json:"@type"`
	ID   string `json:"@id"`
}

// ldBlogPosting is the JSON-LD of a post page.
type ldBlogPosting struct {
	Context          string   `json:"@context"`
	Type             string   `json:"@type"`
	Headline         string   `json:"headline"`
	Description      string   `json:"description,omitempty"`
	URL              string   `json:"url"`
	MainEntityOfPage ldRef    `json:"mainEntityOfPage"`
	DatePublished    string   `json:"datePublished"`
	DateModified     string   `json:"dateModified"`
	Author           ldPerson `json:"author"`
	Image            string   `json:"image,omitempty"`
	Keywords         []string `json:"keywords,omitempty"`
	InLanguage       string   `json:"inLanguage,omitempty"`
}

// ldWebSite is the JSON-LD of the front page.
type ldWebSite struct {
	Context     string `json:"@context"`
	Type        string `json:"@type"`
	Name        string `json:"name"`
	URL         string `json:"url"`
	Description string `json:"description,omitempty"`
	InLanguage  string `json:"inLanguage,omitempty"`
}

// head fills the metadata of a page's head from what the view already
// holds: feed autodiscovery links (the site's feeds, and the tag's on a tag
// page), OpenGraph and Twitter card, and JSON-LD (BlogPosting on posts,
// WebSite on the front page). It runs once per rendered page, so the
// templates only print fields.
func (r *Renderer) head(v *View) {
	v.Feeds = r.feedLinks(v.Site.Title, v.Tag)
	if v.Canonical == "" {
		return // the 404 page: nothing to share or index
	}
	pageURL := uri(v.Canonical)
	og := &OpenGraph{Type: "website", Title: v.Title, Description: v.Description, URL: pageURL,
		SiteName: v.Site.Title, TwitterCard: "summary"}
	if og.Title == "" {
		og.Title = v.Site.Title
	}
	if p := v.Post; p != nil {
		og.Title = p.Title
		if p.Kind == blog.KindPost {
			og.Type = "article"
			if f := p.Featured; f != nil {
				og.Image, og.ImageWidth, og.ImageHeight = r.abs(f.Src()), f.Width, f.Height
				og.TwitterCard = "summary_large_image"
			}
			og.Published = p.PublishedAt.Format(time.RFC3339)
			og.Modified = modifiedAt(p.PublishedAt, p.UpdatedAt).Format(time.RFC3339)
			for _, t := range p.Tags {
				og.Tags = append(og.Tags, t.Name)
			}
			author := ldPerson{Type: "Person", Name: p.AuthorName}
			if author.Name == "" {
				author = ldPerson{Type: "Organization", Name: v.Site.Title}
			}
			v.JSONLD = &ldBlogPosting{
				Context: "https://schema.org", Type: "BlogPosting",
				Headline: p.Title, Description: v.Description, URL: pageURL,
				MainEntityOfPage: ldRef{Type: "WebPage", ID: pageURL},
				DatePublished:    og.Published, DateModified: og.Modified,
				Author: author, Image: og.Image, Keywords: og.Tags, InLanguage: v.Site.Language,
			}
		}
	}
	if pageURL == r.base+"/" {
		v.JSONLD = &ldWebSite{Context: "https://schema.org", Type: "WebSite", Name: v.Site.Title,
			URL: pageURL, Description: v.Site.Description, InLanguage: v.Site.Language}
	}
	v.OG = og
}

// feedLinks lists the site's three feeds and, for a tag page, the tag's.
func (r *Renderer) feedLinks(siteTitle string, tag *blog.Tag) []FeedLink {
	links := make([]FeedLink, 0, 6)
	add := func(prefix, title string) {
		for _, f := range feedFormats {
			links = append(links, FeedLink{Format: f.format, Title: title + " (" + f.label + ")", URL: r.abs(prefix + f.file)})
		}
	}
	add("/", siteTitle)
	if tag != nil {
		add("/tag/"+tag.Slug+"/", siteTitle+": "+tag.Name)
	}
	return links
}

// abs returns the absolute URL of a site path: the base URL followed by the
// path, with what a URL may not hold (non-ASCII letters of a slug)
// percent-encoded.
func (r *Renderer) abs(path string) string {
	return r.base + (&url.URL{Path: path}).EscapedPath()
}

// uri percent-encodes what a URL may not hold (non-ASCII letters of a slug),
// and returns s unchanged when it does not parse.
func uri(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	return u.String()
}

// modifiedAt is when a post last changed for a reader: its last edit, or
// its publication when that came later (a scheduled post appears after its
// last save).
func modifiedAt(published, updated time.Time) time.Time {
	if updated.Before(published) {
		return published
	}
	return updated
}
