package admin

import (
	"net/http"
	"strconv"
	"strings"

	"octavo/internal/blog"
)

// settingsForm is the settings form as typed: strings, so that a refused
// form comes back exactly as it was sent.
type settingsForm struct {
	Title        string
	Description  string
	PostsPerPage string
	FeedLength   string
	Permalink    string
	TimeZone     string
	Language     string
	Menu         string // one "Label | URL" a line
}

// settingsPage is the settings page's data.
type settingsPage struct {
	Form settingsForm
	// Problems says what is wrong with each field of a refused form, by
	// the field's name.
	Problems map[string]string
	// Example is where a post published now would live with the saved
	// pattern; Moved how many posts the last save moved.
	Example string
	Moved   int
}

// settingsFields are the form's fields in order: name (and element id),
// and label.
var settingsFields = [][2]string{
	{"title", "Title"}, {"description", "Description"}, {"posts_per_page", "Posts per page"},
	{"feed_length", "Feed length"}, {"permalink", "Permalink pattern"}, {"time_zone", "Time zone"},
	{"language", "Language"}, {"menu", "Menu"},
}

// fieldProblem is a line of the summary at the top of a refused form.
type fieldProblem struct {
	ID, Label, Message string
}

// Problem is the problem of one field, nil when it has none.
func (p settingsPage) Problem(field string) *fieldProblem {
	m, ok := p.Problems[field]
	if !ok {
		return nil
	}
	return &fieldProblem{ID: field, Message: m}
}

// Summary lists the fields with a problem in the form's order.
func (p settingsPage) Summary() []fieldProblem {
	var out []fieldProblem
	for _, f := range settingsFields {
		if m, ok := p.Problems[f[0]]; ok {
			out = append(out, fieldProblem{ID: f[0], Label: f[1], Message: m})
		}
	}
	return out
}

// ShowSettings shows the site settings form (the owner's).
func (a *Admin) ShowSettings(w http.ResponseWriter, r *http.Request) {
	st, err := a.posts.Settings(r.Context())
	if err != nil {
		a.fail(w, r, err, "message", view{Title: "Settings", Nav: "settings"})
		return
	}
	page := settingsPage{Form: formOfSettings(st), Example: st.PostPath("hello-world", a.clock.Now())}
	if r.URL.Query().Get("done") == "settings" {
		page.Moved, _ = strconv.Atoi(r.URL.Query().Get("moved"))
	}
	a.render(w, r, http.StatusOK, "settings", view{Title: "Settings", Nav: "settings", Notice: notice(r), Data: page})
}

// formOfSettings fills the form with stored settings.
func formOfSettings(st blog.Settings) settingsForm {
	var menu strings.Builder
	for _, m := range st.Menu {
		menu.WriteString(m.Label + " | " + m.URL + "\n")
	}
	return settingsForm{
		Title: st.Title, Description: st.Description,
		PostsPerPage: strconv.Itoa(st.PostsPerPage), FeedLength: strconv.Itoa(st.FeedLength),
		Permalink: st.Permalink, TimeZone: st.TimeZone, Language: st.Language, Menu: menu.String(),
	}
}
