package render

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
	"sync"
	"time"
)

// The archive and the year and month pages list every post with the
// theme's "reflist" template: html/template runs its escapers on four
// values a post, through reflection, which for 10,000 posts was most of
// a watched rebuild's time. When the theme's partials are the embedded
// ones, those pages are parsed with "reflist" replaced by reflistHTML,
// which writes the same bytes: each post's row is the original
// template's output for that post alone, kept between renders.
const reflistOpen, reflistClose = "\n<ul class=\"reflist\">", "\n</ul>\n"

// refRows are the rows of the reflist, made by the original template.
type refRows struct {
	tpl  *template.Template // a page template set with the original reflist
	mu   sync.Mutex
	rows map[refKey]string
}

// refKey is what a row shows: the time as RFC 3339 holds both of its
// formats (isodate, shortdate).
type refKey struct{ title, path, at string }

// newRefRows checks that tpl's reflist is a list of independent rows
// between reflistOpen and reflistClose; nil when it is not.
func newRefRows(tpl *template.Template) *refRows {
	var buf bytes.Buffer
	if tpl.ExecuteTemplate(&buf, "reflist", []RefView(nil)) != nil || buf.String() != reflistOpen+reflistClose {
		return nil
	}
	return &refRows{tpl: tpl, rows: map[refKey]string{}}
}

// html is the reflist of refs.
func (rr *refRows) html(refs []RefView) (template.HTML, error) {
	var b strings.Builder
	n := len(reflistOpen) + len(reflistClose)
	rows := make([]string, len(refs))
	for i, rv := range refs {
		row, err := rr.row(rv)
		if err != nil {
			return "", err
		}
		rows[i] = row
		n += len(row)
	}
	b.Grow(n)
	b.WriteString(reflistOpen)
	for _, row := range rows {
		b.WriteString(row)
	}
	b.WriteString(reflistClose)
	return template.HTML(b.String()), nil
}

func (rr *refRows) row(rv RefView) (string, error) {
	key := refKey{rv.Title, rv.Path, rv.PublishedAt.Format(time.RFC3339)}
	rr.mu.Lock()
	row, ok := rr.rows[key]
	rr.mu.Unlock()
	if ok {
		return row, nil
	}
	var buf bytes.Buffer
	if err := rr.tpl.ExecuteTemplate(&buf, "reflist", []RefView{rv}); err != nil {
		return "", err
	}
	row, ok1 := strings.CutPrefix(buf.String(), reflistOpen)
	row, ok2 := strings.CutSuffix(row, reflistClose)
	if !ok1 || !ok2 {
		return "", fmt.Errorf("render: the reflist of one post is not a row of the list")
	}
	rr.mu.Lock()
	if len(rr.rows) >= 1<<17 { // titles edited many times: start again
		clear(rr.rows)
	}
	rr.rows[key] = row
	rr.mu.Unlock()
	return row, nil
}
