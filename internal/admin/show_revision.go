package admin

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"octavo/internal/blog"
)

// revisionPage is the data of one revision's page: its fields beside the
// current ones, and a line diff of the body.
type revisionPage struct {
	Post     *blog.Post
	Revision blog.Revision
	Fields   []fieldChange
	Diff     []diffLine // from the revision's body to the current one
	Current  bool       // the revision says what the post says now
	Loc      *time.Location
}

// fieldChange is a one-line field in the revision and now.
type fieldChange struct {
	Name, Then, Now string
}

// revisionOf returns the revision {rev} of the post p, answering 404
// when it is not one of p's.
func (a *Admin) revisionOf(w http.ResponseWriter, r *http.Request, p *blog.Post) (blog.Revision, bool) {
	id, err := strconv.ParseInt(r.PathValue("rev"), 10, 64)
	var rev blog.Revision
	if err == nil {
		rev, err = a.posts.RevisionByID(r.Context(), id)
	}
	if err != nil || rev.PostID != p.ID {
		a.render(w, r, http.StatusNotFound, "message", view{Title: "Not found", Error: "“" + p.Title + "” has no revision " + r.PathValue("rev") + "."})
		return rev, false
	}
	return rev, true
}

// ShowRevision shows what a revision of a post said and how the current
// text differs from it, with the button that restores it.
func (a *Admin) ShowRevision(w http.ResponseWriter, r *http.Request) {
	p := a.editable(w, r)
	if p == nil {
		return
	}
	rev, ok := a.revisionOf(w, r, p)
	if !ok {
		return
	}
	names := make([]string, len(p.Tags))
	for i, t := range p.Tags {
		names[i] = t.Name
	}
	page := revisionPage{Post: p, Revision: rev, Loc: a.location(r), Current: rev.Version == p.Version,
		Diff: lineDiff(strings.Split(rev.Body, "\n"), strings.Split(p.Body, "\n"))}
	for _, f := range []fieldChange{
		{"Title", rev.Title, p.Title}, {"Slug", rev.Slug, p.Slug}, {"Tags", strings.Join(rev.Tags, ", "), strings.Join(names, ", ")},
		{"Excerpt", rev.Excerpt, p.Excerpt}, {"Meta description", rev.Description, p.Description},
	} {
		if f.Then != f.Now {
			page.Fields = append(page.Fields, f)
		}
	}
	a.render(w, r, http.StatusOK, "revision", view{Title: "Version " + strconv.Itoa(rev.Version) + " of “" + p.Title + "”", Nav: navOf(p.Kind), Data: page})
}
