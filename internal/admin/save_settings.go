package admin

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"octavo/internal/blog"
)

// SaveSettings saves the site settings (the owner's). A refused form
// comes back with 422 and what is wrong with each field, and nothing is
// saved; a new permalink pattern moves the posts, and the page then says
// how many moved (their old addresses answer 301).
func (a *Admin) SaveSettings(w http.ResponseWriter, r *http.Request) {
	old, err := a.posts.Settings(r.Context())
	if err != nil {
		a.fail(w, r, err, "message", view{Title: "Settings", Nav: "settings"})
		return
	}
	form := settingsForm{
		Title:        strings.TrimSpace(r.PostFormValue("title")),
		Description:  strings.TrimSpace(r.PostFormValue("description")),
		PostsPerPage: strings.TrimSpace(r.PostFormValue("posts_per_page")),
		FeedLength:   strings.TrimSpace(r.PostFormValue("feed_length")),
		Permalink:    strings.TrimSpace(r.PostFormValue("permalink")),
		TimeZone:     strings.TrimSpace(r.PostFormValue("time_zone")),
		Language:     strings.TrimSpace(r.PostFormValue("language")),
		Menu:         r.PostFormValue("menu"),
	}
	st, problems := settingsOfForm(old, form)
	page := settingsPage{Form: form, Problems: problems, Example: old.PostPath("hello-world", a.clock.Now())}
	if len(problems) > 0 {
		v := view{Title: "Settings", Nav: "settings", Data: page,
			Error: fmt.Sprintf("The settings are not saved: %d %s to change.", len(problems), plural(len(problems), "field", "fields"))}
		a.render(w, r, http.StatusUnprocessableEntity, "settings", v)
		return
	}
	moved, err := a.content.SaveSettings(r.Context(), st)
	if err != nil {
		a.fail(w, r, err, "settings", view{Title: "Settings", Nav: "settings", Data: page})
		return
	}
	redirect(w, r, fmt.Sprintf("/admin/settings?done=settings&moved=%d", moved))
}

// settingsOfForm reads the form over the stored settings (what the form
// does not show, such as the author name, stays) and says what is wrong
// with each field.
func settingsOfForm(old blog.Settings, f settingsForm) (blog.Settings, map[string]string) {
	problems := map[string]string{}
	st := old
	st.Title, st.Description, st.Permalink, st.TimeZone = f.Title, f.Description, f.Permalink, f.TimeZone
	st.Language = blog.CanonicalLanguage(f.Language)
	number := func(field, typed string, into *int) {
		n, err := strconv.Atoi(typed)
		if err != nil {
			problems[field] = fmt.Sprintf("%q is not a whole number", typed)
			return
		}
		*into = n
	}
	number("posts_per_page", f.PostsPerPage, &st.PostsPerPage)
	number("feed_length", f.FeedLength, &st.FeedLength)
	menu, err := parseMenu(f.Menu)
	if err != nil {
		problems["menu"] = err.Error()
	}
	st.Menu = menu
	for _, p := range st.Problems() {
		if _, seen := problems[p.Field]; !seen {
			problems[p.Field] = p.Message
		}
	}
	return st, problems
}

// parseMenu reads the menu field: one "Label | URL" a line, blank lines
// skipped.
func parseMenu(text string) ([]blog.MenuItem, error) {
	var items []blog.MenuItem
	for i, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		cut := strings.LastIndex(line, "|")
		if cut < 0 {
			return items, fmt.Errorf("line %d (%q): write the label, a |, then the URL, as in: About | /about/", i+1, line)
		}
		items = append(items, blog.MenuItem{Label: strings.TrimSpace(line[:cut]), URL: strings.TrimSpace(line[cut+1:])})
	}
	return items, nil
}

// plural picks the singular or plural form for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
