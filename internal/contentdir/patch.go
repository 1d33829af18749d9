package contentdir

import (
	"maps"
	"path"
	"reflect"
	"time"

	"octavo/internal/blog"
)

// patch makes the next snapshot from old when only the bodies of
// published posts changed (rels: the files read again): same front
// matter, same problems, same shortcode refs, same folder listing and
// configuration. Everything index would compute then comes out as in old,
// except each post's rendered form and hash, so the new snapshot shares
// old's tables and copies only what points to the posts. It returns nil
// when the change is of another kind: index must run.
//
// A watched folder's usual change is one post's text: index re-reads the
// 10,000 posts of a large site for it, patch touches one.
func (s *Site) patch(old *snapshot, rels []string, before map[string]*record, prevContent []entry, cfg siteConfig, cfgProblems []Problem, content, static []entry, now time.Time) *snapshot {
	if old == nil || len(rels) == 0 || len(content) != len(prevContent) || !sameEntries(static, s.static) {
		return nil
	}
	for i := range content {
		if content[i].rel != prevContent[i].rel {
			return nil
		}
	}
	if !reflect.DeepEqual(cfg, old.cfg) || !reflect.DeepEqual(cfgProblems, old.cfgProblems) {
		return nil
	}
	loc := cfg.Settings.Location()
	cfgKey := configKey(cfg, s.opts)
	repl := make(map[*post]*post, len(rels))
	for _, rel := range rels {
		op := old.byRel[rel]
		r, or := s.files[rel], before[rel]
		m, ok := s.made[rel]
		if op == nil || r == nil || or == nil || !ok || m.post == nil || m.cfgKey != cfgKey || r.Broken || or.Broken ||
			!reflect.DeepEqual(r.Meta, or.Meta) || !reflect.DeepEqual(r.Problems, or.Problems) || !reflect.DeepEqual(r.Refs, or.Refs) {
			return nil
		}
		base := path.Base(rel)
		isBundle := base == "index.md" || base == "index.markdown"
		oldMade := *m.post
		np, problems := s.postOf(rel, r, isBundle, loc, cfg, cfgKey)
		if np == nil || !reflect.DeepEqual(problems, m.problems) || !sameButBody(*np, oldMade) {
			return nil
		}
		p := *op
		p.off, p.n, p.en, p.summary, p.Rendered = np.off, np.n, np.en, np.summary, np.Rendered
		p.hash = postHash(&p, r)
		repl[op] = &p
	}

	sn := &snapshot{cfg: old.cfg, cfgProblems: old.cfgProblems, settings: old.settings,
		aliases: old.aliases, redirects: old.redirects, tagNames: old.tagNames, tagIDs: old.tagIDs,
		resources: old.resources, problems: old.problems, events: old.events, store: old.store}
	swap := func(ps []*post) []*post {
		out := make([]*post, len(ps))
		for i, p := range ps {
			if q := repl[p]; q != nil {
				p = q
			}
			out[i] = p
		}
		return out
	}
	swapMap := func(m map[string]*post) map[string]*post {
		out := maps.Clone(m)
		for k, p := range m {
			if q := repl[p]; q != nil {
				out[k] = q
			}
		}
		return out
	}
	sn.posts, sn.pages = swap(old.posts), swap(old.pages)
	sn.byPath, sn.byID, sn.byRel = swapMap(old.byPath), swapMap(old.byID), swapMap(old.byRel)
	for _, p := range old.aliases {
		if repl[p] != nil {
			sn.aliases = swapMap(old.aliases)
			break
		}
	}

	// The view of now and its hashes: the same but for the posts' own
	// keys (lists, tags and neighbours name ids, dates and tag names,
	// which have not changed).
	ov := old.viewAt(now)
	oh := old.depHashes(now)
	nv := &view{from: ov.from, until: ov.until, posts: swap(ov.posts), pinned: swap(ov.pinned), index: ov.index,
		tags: maps.Clone(ov.tags), tagList: ov.tagList, pages: swap(ov.pages), redirects: ov.redirects}
	hashes := maps.Clone(oh)
	for op, p := range repl {
		for _, t := range op.Tags {
			if tv := ov.tags[t.Slug]; tv != nil {
				nv.tags[t.Slug] = &tagView{tag: tv.tag, posts: swap(tv.posts)}
			}
		}
		if _, ok := hashes[blog.DepPost(p.ID)]; ok {
			hashes[blog.DepPost(p.ID)] = p.hash
		}
	}
	nv.hashOnce.Do(func() { nv.hashes = hashes })
	sn.view = nv
	return sn
}

// sameButBody reports whether two posts as makePost made them differ in
// their rendered form only.
func sameButBody(a, b post) bool {
	a.off, a.n, a.en, a.summary, a.Rendered = 0, 0, 0, "", blog.Rendered{}
	b.off, b.n, b.en, b.summary, b.Rendered = 0, 0, 0, "", blog.Rendered{}
	return reflect.DeepEqual(a, b)
}

// sameEntries reports whether two folder listings name the same files.
func sameEntries(a, b []entry) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].rel != b[i].rel {
			return false
		}
	}
	return true
}
