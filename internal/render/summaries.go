package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"html/template"
	"strconv"
	"sync"
	"time"
)

// A list page shows each post with the theme's "summary" template, and a
// post is on several list pages: the front page's and one of each of its
// tags'. html/template runs its escapers through reflection on a dozen
// values a summary, which was most of a static build's template time.
// When the theme's partials are the embedded ones, the list pages are
// parsed with "summary" replaced by summaryHTML, which writes the same
// bytes: the original template's output for that post, kept by what the
// post's view holds (all of it), up to a size set by
// Theme.CacheSummaries (none by default).
type summaries struct {
	tpl *template.Template // a page template set with the original summary
	mu  sync.Mutex
	// made holds each summary by the hash of its PostView; size is the
	// bytes it holds, limit what it may (it starts again when full).
	made        map[[16]byte]template.HTML
	size, limit int
}

func newSummaries(tpl *template.Template) *summaries {
	if tpl.Lookup("summary") == nil {
		return nil
	}
	return &summaries{tpl: tpl, made: map[[16]byte]template.HTML{}}
}

// html is the summary of pv.
func (s *summaries) html(pv PostView) (template.HTML, error) {
	s.mu.Lock()
	keep := s.limit > 0
	s.mu.Unlock()
	var key [16]byte
	if keep {
		key = viewKey(&pv)
		s.mu.Lock()
		h, ok := s.made[key]
		s.mu.Unlock()
		if ok {
			return h, nil
		}
	}
	var buf bytes.Buffer
	if err := s.tpl.ExecuteTemplate(&buf, "summary", pv); err != nil {
		return "", err
	}
	h := template.HTML(buf.String()) //nolint:gosec // the theme's own template made it
	if !keep {
		return h, nil
	}
	s.mu.Lock()
	if s.size+len(h) > s.limit {
		clear(s.made)
		s.size = 0
	}
	if _, ok := s.made[key]; !ok {
		s.made[key] = h
		s.size += len(h)
	}
	s.mu.Unlock()
	return h, nil
}

// setLimit sets the bytes of summaries kept.
func (s *summaries) setLimit(n int) {
	s.mu.Lock()
	s.limit = n
	s.mu.Unlock()
}

// viewKey is the SHA-256 (128 bits of it) of every field of pv: two views
// with the same key show the same summary.
func viewKey(pv *PostView) [16]byte {
	h := sha256.New()
	var n [binary.MaxVarintLen64]byte
	str := func(s string) {
		h.Write(binary.AppendUvarint(n[:0], uint64(len(s))))
		h.Write([]byte(s))
	}
	num := func(v int64) { h.Write(binary.AppendVarint(n[:0], v)) }
	when := func(t time.Time) {
		name, offset := t.Zone()
		str(t.Format(time.RFC3339Nano))
		str(name)
		num(int64(offset))
	}
	flag := func(b bool) {
		if b {
			num(1)
		} else {
			num(0)
		}
	}
	str(pv.ID)
	str(string(pv.Kind))
	str(pv.Title)
	str(pv.Path)
	when(pv.PublishedAt)
	when(pv.UpdatedAt)
	str(pv.AuthorName)
	num(int64(len(pv.Tags)))
	for _, t := range pv.Tags {
		num(t.ID)
		str(t.Slug)
		str(t.Name)
		num(int64(t.Count))
		when(t.Updated)
	}
	flag(pv.Pinned)
	flag(pv.HasMore)
	str(string(pv.ExcerptHTML))
	str(string(pv.ContentHTML))
	str(string(pv.TOCHTML))
	num(int64(pv.ReadingMinutes))
	flag(pv.Featured != nil)
	if f := pv.Featured; f != nil {
		str(f.Hash)
		str(f.Type)
		str(strconv.Itoa(f.Width) + "x" + strconv.Itoa(f.Height))
		flag(f.Animated)
	}
	var key [16]byte
	copy(key[:], h.Sum(nil))
	return key
}
