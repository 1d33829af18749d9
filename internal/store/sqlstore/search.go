package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"octavo/internal/blog"
	"octavo/internal/search"
)

// SearchSQL is how a database's full-text index is asked questions: the
// one part of search that differs between SQLite (FTS5) and PostgreSQL
// (tsvector). Everything else — the index documents, the sort key that
// orders results and makes visibility a key range, the tiers, paging, when
// to look at candidates — is shared, below and in internal/search.
type SearchSQL struct {
	// Index is the FROM clause of the index alone, for counts; Range is
	// what a key range is asked of.
	Index, Range string
	// Sorted is what the matches of a tier read by collecting them all are
	// sorted by, and Walk what a tier read by walking the sort key
	// newest first is ordered by (see Plan).
	Sorted, Walk string
	// Docs is the FROM clause of the index with what gives a match's sort
	// key, Key, and post id, PostID.
	Docs, Key, PostID string
	// Match returns the condition, and its arguments, that selects the
	// documents terms match in tier (all of them for search.NumTiers),
	// read the way plan says.
	Match func(terms []blog.SearchTerm, tier search.Tier, plan Plan) (string, []any)
	// Candidates returns a query (and its arguments, the key range to
	// follow) of the documents that could be in a title or tag tier, from
	// an index of titles and tags alone. When the terms are common, Search
	// counts them, up to Few, before reading such a tier: a tier without
	// candidates is skipped
	// (rather than looked for among every match of the terms), one with
	// fewer than Few is read as PlanFew.
	Candidates func(terms []blog.SearchTerm, tier search.Tier) (string, []any)
	Few        int
	// CandidatesAlways asks about candidates whether the terms are common
	// or not: when a question costs no round trip (SQLite, in process).
	CandidatesAlways bool
	// Tiered, when set, returns a query (and its arguments) of a page of
	// the matches of terms with their tier: columns sort_key, post_id,
	// tier and n, how many match, counted up to reach (see TSVectorSearch).
	// Search asks it first: for terms that are not common (n < common),
	// the page and the count come in one statement.
	Tiered func(terms []blog.SearchTerm, lo, hi int64, reach, common, limit, offset int) (string, []any)
	// Common is how many matches make terms common (PlanWalk), when more
	// than a search reaches (blog.SearchMaxResults): the first count goes
	// that far.
	Common int
	// Setup, when set, is a statement run first in a read-only
	// transaction that holds the search's statements.
	Setup string
}

// Plan is how Search reads a tier, decided from what it has counted: the
// matches of all the terms (up to blog.SearchMaxResults: when they reach
// it, the terms are common) and the candidates of a title or tag tier.
type Plan int

// The plans.
const (
	// PlanIndex collects the tier's matches from the full-text index and
	// sorts them: for terms that are not common (at most a thousand
	// matches), and for counts.
	PlanIndex Plan = iota
	// PlanFew takes the few candidates of a title or tag tier and tests
	// each against the terms.
	PlanFew
	// PlanWalk walks the sort key newest first and tests each post until
	// a page is found: for a tier that is dense, because the terms are
	// common or its candidates many.
	PlanWalk
)

// FTS5Search asks SQLite's FTS5 table post_fts, whose rowid is the sort
// key. A term is an FTS5 phrase of its words ("http listenandserve", with
// * after it for a prefix); column filters make the tiers.
//
// FTS5 reads matches in rowid order, stopping at a page, whatever the plan
// (PlanIndex and PlanWalk are the same here). A tier read through
// post_fts's column filters costs a pass over the
// posts matching the terms, checking where they are, until a page is
// found: nothing when the tier is full, a lot when it is nearly empty and
// the terms common ("explain analyze" is in 40% of posts and in no title).
// So the title and tag tiers look at post_fts_head, the index of titles
// and tags alone, first (Candidates): no candidate, no pass; fewer than 20,
// and each is looked up in post_fts (SQLite runs the IN list as one
// lookup by rowid each, and a lookup costs about what a pass over a few
// hundred posts does: it starts a query, expanding a prefix included).
var FTS5Search = &SearchSQL{
	Index: `post_fts`, Range: `post_fts.rowid`, Sorted: `post_fts.rowid`, Walk: `post_fts.rowid`,
	Docs: `post_fts JOIN post_search s ON s.sort_key = post_fts.rowid`, Key: `post_fts.rowid`, PostID: `s.post_id`,
	Few: 20, CandidatesAlways: true,
	Match: func(terms []blog.SearchTerm, tier search.Tier, plan Plan) (string, []any) {
		all, some := ftsJoin(terms, " AND "), ftsJoin(terms, " OR ")
		if plan == PlanFew {
			return `post_fts MATCH ? AND post_fts.rowid IN (SELECT rowid FROM post_fts_head WHERE post_fts_head MATCH ?)`,
				[]any{all, ftsHead(terms, tier)}
		}
		var expr string
		switch tier {
		case search.TierTitle:
			expr = `{title} : (` + all + `)`
		case search.TierSomeTitle:
			expr = `(` + all + `) AND ({title} : (` + some + `)) NOT ({title} : (` + all + `))`
		case search.TierTags:
			expr = `(` + all + `) AND ({tags} : (` + some + `)) NOT ({title} : (` + some + `))`
		case search.TierBody:
			expr = `(` + all + `) NOT ({title tags} : (` + some + `))`
		default:
			expr = all
		}
		return `post_fts MATCH ?`, []any{expr}
	},
	Candidates: func(terms []blog.SearchTerm, tier search.Tier) (string, []any) {
		return `SELECT rowid FROM post_fts_head WHERE post_fts_head MATCH ? AND rowid BETWEEN ? AND ?`, []any{ftsHead(terms, tier)}
	},
}

// ftsHead is the expression that puts a post in a title or tag tier, by
// its title and tags alone (in post_fts_head).
func ftsHead(terms []blog.SearchTerm, tier search.Tier) string {
	all, some := ftsJoin(terms, " AND "), ftsJoin(terms, " OR ")
	switch tier {
	case search.TierTitle:
		return `{title} : (` + all + `)`
	case search.TierSomeTitle:
		return `({title} : (` + some + `)) NOT ({title} : (` + all + `))`
	}
	return `({tags} : (` + some + `)) NOT ({title} : (` + some + `))`
}

// ftsJoin writes terms as FTS5 phrases joined by op. Words are letters,
// digits and marks only (search.Valid), so nothing in them is syntax.
func ftsJoin(terms []blog.SearchTerm, op string) string {
	var b strings.Builder
	for i, t := range terms {
		if i > 0 {
			b.WriteString(op)
		}
		b.WriteByte('"')
		b.WriteString(strings.Join(t.Words, " "))
		b.WriteByte('"')
		if t.Prefix {
			b.WriteByte('*')
		}
	}
	return b.String()
}

// TSVectorSearch asks PostgreSQL's post_search table, whose generated
// tsvector doc holds every word and every pair of neighbouring words
// (weights A title, B tags, D body) and head the same of the title and
// tags only (see migration 0003). A word is a lexeme ('depl':* for a
// prefix); a phrase is its pairs ('load balancer'), which the GIN index
// answers exactly, with the words joined by <-> as well when there are
// more than two. Terms are passed as a literal tsquery: no text search
// parser or dictionary ever sees them.
//
// PostgreSQL's cost model does not know that testing a row's doc means
// fetching and decompressing kilobytes, so plans are steered. Setup rules
// out sequential scans and generic plans (which cannot know whether a word
// is rare); the key range is a filter, never an index condition (Range:
// it holds nearly every post). Then by Plan:
//
//   - PlanIndex, PlanFew: conditions the GIN indexes answer, results
//     sorted (Sorted: an ORDER BY the key index cannot serve). Matches come
//     from bitmaps, and a word that needs no positions is answered without
//     reading a single doc; a tier of few candidates tests doc on each.
//   - PlanWalk: conditions no index answers (COALESCE), ORDER BY sort_key:
//     PostgreSQL walks the key index newest first and stops at a page,
//     testing head (small, stored inline) before doc. Collecting forty
//     thousand matches to keep ten costs more than walking to the tenth;
//     but each post walked past may cost a doc, so terms are common from
//     5,000 matches (Common), not 1,000: in 1% of posts, a walk tests a
//     thousand docs for a page, where collecting reads a thousand rows.
var TSVectorSearch = &SearchSQL{
	Index: `post_search s`, Range: `(s.sort_key + 0)`, Sorted: `(s.sort_key + 0)`, Walk: `s.sort_key`,
	Docs: `post_search s`, Key: `s.sort_key`, PostID: `s.post_id`,
	Few:    250,
	Common: 5000,
	Setup:  `SELECT set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true), set_config('plan_cache_mode', 'force_custom_plan', true)`,
	Match: func(terms []blog.SearchTerm, tier search.Tier, plan Plan) (string, []any) {
		all := tsJoin(terms, " & ", "")
		match := func(col string) string {
			if plan == PlanWalk {
				return `COALESCE(s.` + col + ` @@ ?::tsquery, FALSE)`
			}
			return `s.` + col + ` @@ ?::tsquery`
		}
		switch tier {
		case search.TierTitle:
			return match("head"), []any{tsHead(terms, tier)}
		case search.TierSomeTitle, search.TierTags:
			return match("head") + ` AND ` + match("doc"), []any{tsHead(terms, tier), all}
		case search.TierBody:
			return `NOT ` + match("head") + ` AND ` + match("doc"), []any{tsJoin(terms, " | ", ""), all}
		}
		return match("doc"), []any{all}
	},
	Candidates: func(terms []blog.SearchTerm, tier search.Tier) (string, []any) {
		return `SELECT 1 FROM post_search s WHERE s.head @@ ?::tsquery AND (s.sort_key + 0) BETWEEN ? AND ?`, []any{tsHead(terms, tier)}
	},
	// Up to 5,000 matches from one bitmap, counted; when fewer than
	// common, head is tested on each for its tier, and they are sorted.
	Tiered: func(terms []blog.SearchTerm, lo, hi int64, reach, common, limit, offset int) (string, []any) {
		return `SELECT s.sort_key, s.post_id, s.n,
				CASE WHEN s.n >= ? THEN 0 WHEN s.head @@ ?::tsquery THEN 0 WHEN s.head @@ ?::tsquery THEN 1 WHEN s.head @@ ?::tsquery THEN 2 ELSE 3 END AS tier
			FROM (SELECT s.sort_key, s.post_id, s.head, COUNT(*) OVER () AS n FROM (SELECT s.sort_key, s.post_id, s.head FROM post_search s
				WHERE s.doc @@ ?::tsquery AND (s.sort_key + 0) BETWEEN ? AND ? LIMIT ?) AS s) AS s
			ORDER BY tier, s.sort_key DESC LIMIT ? OFFSET ?`,
			[]any{common, tsHead(terms, search.TierTitle), tsHead(terms, search.TierSomeTitle), tsHead(terms, search.TierTags),
				tsJoin(terms, " & ", ""), lo, hi, reach, limit, offset}
	},
}

// tsHead is the tsquery that puts a post in a title or tag tier, by its
// head (title, weight A, and tags, weight B).
func tsHead(terms []blog.SearchTerm, tier search.Tier) string {
	switch tier {
	case search.TierTitle:
		return tsJoin(terms, " & ", "A")
	case search.TierSomeTitle:
		return `(` + tsJoin(terms, " | ", "A") + `) & !(` + tsJoin(terms, " & ", "A") + `)`
	}
	return `(` + tsJoin(terms, " | ", "B") + `) & !(` + tsJoin(terms, " | ", "A") + `)`
}

// tsJoin writes terms as a tsquery joined by op, every lexeme restricted
// to weight when one is given.
func tsJoin(terms []blog.SearchTerm, op, weight string) string {
	var b strings.Builder
	lexeme := func(w string, prefix bool) {
		b.WriteByte('\'')
		b.WriteString(w)
		b.WriteByte('\'')
		suffix := weight
		if prefix {
			suffix = "*" + weight
		}
		if suffix != "" {
			b.WriteByte(':')
			b.WriteString(suffix)
		}
	}
	for i, t := range terms {
		if i > 0 {
			b.WriteString(op)
		}
		b.WriteByte('(')
		n := len(t.Words)
		if n == 1 {
			lexeme(t.Words[0], t.Prefix)
		}
		for k := 0; k+1 < n; k++ {
			if k > 0 {
				b.WriteString(" & ")
			}
			lexeme(t.Words[k]+" "+t.Words[k+1], t.Prefix && k+2 == n)
		}
		if n > 2 {
			b.WriteString(" & (")
			for k, w := range t.Words {
				if k > 0 {
					b.WriteString(" <-> ")
				}
				lexeme(w, t.Prefix && k == n-1)
			}
			b.WriteByte(')')
		}
		b.WriteByte(')')
	}
	return b.String()
}

// searchMaxResults is blog.SearchMaxResults; tests make it smaller.
var searchMaxResults = blog.SearchMaxResults

// withColumn scans a row of postColumns followed by one integer column.
type withColumn struct {
	rows *sql.Rows
	n    *int
}

func (w withColumn) Scan(dest ...any) error { return w.rows.Scan(append(dest, w.n)...) }

// Tests change these: fewOverride, when set, replaces SearchSQL.Few, and
// commonAt, when set, is how many matches make terms common.
var fewOverride, commonAt int

// Search returns the posts and pages q's terms match, best first: by tier
// (every term in the title, some term in the title, in a tag, in the body
// only), newest first within a tier; and how many match, counted up to
// blog.SearchMaxResults.
//
// The count and each tier's page of keys come from the full-text index
// alone, read in sort key order and never further than SearchMaxResults,
// so a word that most posts hold costs about what a rare one does; only
// the page's posts are read from the posts table. They are checked there
// too (status and date): a draft is never shown, even if the index were
// behind (the page would then be short).
func (s *Store) Search(ctx context.Context, q blog.SearchQuery) ([]*blog.Post, int, error) {
	if len(q.Terms) == 0 {
		return nil, 0, nil
	}
	if !search.Valid(q.Terms) {
		return nil, 0, blog.Errorf(blog.EINVALID, "The search holds something that is not a word.")
	}
	syn := s.d.Search
	var db Querier = rebound{s.db, s.d}
	if syn.Setup != "" {
		tx, err := s.begin(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			return nil, 0, dbError(err, "searching")
		}
		defer tx.Rollback()
		s.queries.Add(1)
		if _, err := tx.ExecContext(ctx, syn.Setup); err != nil {
			return nil, 0, dbError(err, "searching")
		}
		db = tx
	}
	lo, hi := search.KeyRange(q.Now, q.IncludeDrafts)
	// countOf counts the rows of query, no further than upTo; count, the
	// documents of tier the terms match.
	countOf := func(query string, args []any, upTo int) (int, error) {
		var n int
		s.queries.Add(1)
		err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM (`+query+` LIMIT ?) AS m`, append(args, upTo)...).Scan(&n)
		return n, dbError(err, "searching")
	}
	count := func(tier search.Tier, plan Plan, upTo int) (int, error) {
		cond, args := syn.Match(q.Terms, tier, plan)
		return countOf(`SELECT 1 FROM `+syn.Index+` WHERE `+cond+` AND `+syn.Range+` BETWEEN ? AND ?`, append(args, lo, hi), upTo)
	}
	vis, vargs := visible, []any{q.Now.UnixMilli()}
	if q.IncludeDrafts {
		vis, vargs = ` p.status <> 'trashed'`, nil
	}
	var posts []*blog.Post
	// read appends the posts of a page of keys (a query of sort_key and
	// post_id, and an order of its columns), checked against the posts
	// table; with n, the query has a column n too, read into it.
	read := func(keys, order string, args []any, n *int) error {
		s.queries.Add(1)
		extra := ""
		if n != nil {
			extra = `, m.n`
		}
		rows, err := db.QueryContext(ctx, `SELECT `+postColumns+extra+` FROM (`+keys+`) AS m
			JOIN posts p ON p.id = m.post_id LEFT JOIN users u ON u.id = p.author_id WHERE`+vis+` ORDER BY `+order, append(args, vargs...)...)
		if err != nil {
			return dbError(err, "searching")
		}
		defer rows.Close()
		for rows.Next() {
			var sc scanner = rows
			if n != nil {
				sc = withColumn{rows, n}
			}
			p, err := scanPost(sc)
			if err != nil {
				return dbError(err, "searching")
			}
			posts = append(posts, p)
		}
		return dbError(rows.Err(), "searching")
	}
	commonFrom := max(syn.Common, searchMaxResults)
	if commonAt > 0 {
		commonFrom = commonAt
	}
	skip := max(q.Offset, 0)
	page := func(total int) int {
		if q.Limit > 0 {
			return min(total-skip, q.Limit)
		}
		return total - skip
	}
	reach := max(commonFrom, searchMaxResults)
	n := -1 // matches, counted up to reach; -1 until counted
	if syn.Tiered != nil && skip < searchMaxResults {
		// First as if the terms matched no more than a search reaches:
		// then this one statement is the page and the count. When they
		// match more, the same statement over every match up to reach
		// (what makes terms common): its page is the answer unless they
		// are common, so terms in 1% of posts cost two statements, not a
		// count between them.
		first := min(reach, searchMaxResults+1)
		for _, upTo := range []int{first, reach} {
			posts, n = nil, -1
			query, args := syn.Tiered(q.Terms, lo, hi, upTo, commonFrom, page(searchMaxResults), skip)
			if err := read(query, `m.tier, m.sort_key DESC`, args, &n); err != nil {
				return nil, 0, err
			}
			if len(posts) > 0 && n < upTo && n < commonFrom {
				return posts, min(n, searchMaxResults), s.loadTags(ctx, posts)
			}
			if len(posts) == 0 || n >= commonFrom || upTo == reach {
				break // no post on this page (n unknown: counted below), or common
			}
		}
		if n >= 0 && n < commonFrom {
			n = -1 // more matches than the second statement counted: count them
		}
		posts = nil
	}
	if n < 0 {
		var err error
		if n, err = count(search.NumTiers, PlanIndex, reach); err != nil || n == 0 {
			return nil, 0, err
		}
	}
	total, common := min(n, searchMaxResults), n >= commonFrom
	if skip >= total {
		return nil, total, nil
	}
	if syn.Tiered != nil && !common {
		// More matches than the first statement counted, too few to be
		// common: the page again, from all of them.
		query, args := syn.Tiered(q.Terms, lo, hi, reach, commonFrom, page(total), skip)
		var m int
		if err := read(query, `m.tier, m.sort_key DESC`, args, &m); err != nil {
			return nil, 0, err
		}
		return posts, total, s.loadTags(ctx, posts)
	}
	limit := page(total)
	// headless: no post holds any of the terms in its title or tags (every
	// title and tag tier had no candidate), so the body tier is every match.
	headless := syn.Candidates != nil && (common || syn.CandidatesAlways)
	for tier := search.TierTitle; tier < search.NumTiers && len(posts) < limit; tier++ {
		if tier == search.TierSomeTitle && len(q.Terms) == 1 {
			continue // the same as TierTitle
		}
		matchTier := tier
		if tier == search.TierBody && headless {
			matchTier = search.NumTiers
		}
		plan := PlanIndex
		if common {
			plan = PlanWalk
		}
		// Terms that are not common match few posts: any tier is read
		// fast from them, without asking about candidates first.
		if (common || syn.CandidatesAlways) && syn.Candidates != nil && tier < search.TierBody {
			query, args := syn.Candidates(q.Terms, tier)
			few := syn.Few
			if fewOverride > 0 {
				few = fewOverride
			}
			n, err := countOf(query, append(args, lo, hi), few)
			if n > 0 {
				headless = false
			}
			switch {
			case err != nil:
				return nil, 0, err
			case n == 0:
				continue
			case n < few:
				plan = PlanFew
			case tier == search.TierTitle:
				plan = PlanWalk // many titles hold every term: the walk is short
			}
		}
		if skip > 0 && tier < search.TierBody {
			n, err := count(tier, plan, skip)
			if err != nil {
				return nil, 0, err
			}
			if n < skip {
				skip -= n
				continue
			}
		}
		// The page of keys first, from the index alone; then its posts.
		cond, args := syn.Match(q.Terms, matchTier, plan)
		order := syn.Sorted
		if plan == PlanWalk {
			order = syn.Walk
		}
		err := read(`SELECT `+syn.Key+` AS sort_key, `+syn.PostID+` AS post_id FROM `+syn.Docs+` WHERE `+cond+` AND `+syn.Range+
			` BETWEEN ? AND ? ORDER BY `+order+` DESC LIMIT ? OFFSET ?`, `m.sort_key DESC`, append(args, lo, hi, limit-len(posts), skip), nil)
		if err != nil {
			return nil, 0, err
		}
		skip = 0
	}
	if err := s.loadTags(ctx, posts); err != nil {
		return nil, 0, err
	}
	return posts, total, nil
}

// indexPost writes the search document of p in tx (savePost's), unless
// the stored one is the same already. A post whose sort key another post
// holds (the same millisecond and tiebreak) takes the next free key.
func indexPost(ctx context.Context, tx Querier, p *blog.Post) error {
	doc, key := search.Index(p), search.Key(p)
	var old search.Document
	var oldKey int64
	var version int
	err := tx.QueryRowContext(ctx, `SELECT sort_key, version, title, tags, body FROM post_search WHERE post_id = ?`, p.ID).
		Scan(&oldKey, &version, &old.Title, &old.Tags, &old.Body)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return dbError(err, "indexing a post")
	case version == search.Version && old == doc && sameKey(oldKey, key):
		return nil
	default:
		if _, err := tx.ExecContext(ctx, `DELETE FROM post_search WHERE post_id = ?`, p.ID); err != nil {
			return dbError(err, "indexing a post")
		}
	}
	for {
		var other string
		err := tx.QueryRowContext(ctx, `SELECT post_id FROM post_search WHERE sort_key = ?`, key).Scan(&other)
		if errors.Is(err, sql.ErrNoRows) {
			break
		}
		if err != nil {
			return dbError(err, "indexing a post")
		}
		key++
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO post_search (sort_key, post_id, version, title, tags, body) VALUES (?, ?, ?, ?, ?, ?)`,
		key, p.ID, search.Version, doc.Title, doc.Tags, doc.Body)
	return dbError(err, "indexing a post")
}

// sameKey reports whether a stored key is the one wanted, or the one after
// it that a clash gave (the same class and millisecond).
func sameKey(stored, want int64) bool { return stored >= want && stored>>12 == want>>12 }

// reindex indexes the posts with the given ids again in tx, from what the
// posts table holds (for writes that change a post without saving it: a
// renamed tag).
func reindex(ctx context.Context, tx Querier, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	in := `(?` + strings.Repeat(",?", len(ids)-1) + `)`
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	posts := map[string]*blog.Post{}
	var order []*blog.Post
	rows, err := tx.QueryContext(ctx, `SELECT id, title, status, published_at, updated_at, content_html FROM posts WHERE id IN `+in+` ORDER BY id`, args...)
	if err != nil {
		return dbError(err, "indexing posts")
	}
	for rows.Next() {
		p := &blog.Post{}
		var published, updated sql.NullInt64
		if err := rows.Scan(&p.ID, &p.Title, &p.Status, &published, &updated, &p.Rendered.HTML); err != nil {
			rows.Close()
			return dbError(err, "indexing posts")
		}
		p.PublishedAt, p.UpdatedAt = fromMS(published), fromMS(updated)
		posts[p.ID] = p
		order = append(order, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return dbError(err, "indexing posts")
	}
	rows, err = tx.QueryContext(ctx, `SELECT pt.post_id, t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
		WHERE pt.post_id IN `+in+` ORDER BY pt.post_id, pt.position`, args...)
	if err != nil {
		return dbError(err, "indexing posts")
	}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return dbError(err, "indexing posts")
		}
		if p := posts[id]; p != nil {
			p.Tags = append(p.Tags, blog.Tag{Name: name})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return dbError(err, "indexing posts")
	}
	for _, p := range order {
		if err := indexPost(ctx, tx, p); err != nil {
			return err
		}
	}
	return nil
}

// reindexTagged indexes again, in tx, every post that carries the tag
// (after its name changed).
func reindexTagged(ctx context.Context, tx Querier, tagID int64) error {
	ids, err := Strings(ctx, tx, `SELECT post_id FROM post_tags WHERE tag_id = ? ORDER BY post_id`, tagID)
	if err != nil {
		return dbError(err, "indexing posts")
	}
	for len(ids) > 0 {
		n := min(len(ids), 500)
		if err := reindex(ctx, tx, ids[:n]); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// ResetSearchIndex drops every search document, so that IndexStale (run
// by Migrate, hence at every start) indexes every post again: a rebuild.
func (s *Store) ResetSearchIndex(ctx context.Context) error {
	_, err := s.exec(ctx, `DELETE FROM post_search`)
	return dbError(err, "resetting the search index")
}

// indexBatch is how many posts IndexStale indexes in one transaction.
const indexBatch = 200

// IndexStale indexes every post the search index lacks, or holds from an
// older search.Version, and returns how many it indexed: the posts of a
// database that predates search (migration 0003), or all of them after a
// change of tokenizer. It runs after the migrations; when nothing is
// stale it costs two counts. Each batch is a transaction under the
// dialect's migration lock, so processes starting together index each
// post once.
func (s *Store) IndexStale(ctx context.Context) (int, error) {
	var missing int
	err := s.db.QueryRowContext(ctx, s.d.Rebind(`SELECT (SELECT COUNT(*) FROM posts) - (SELECT COUNT(*) FROM post_search WHERE version = ?)`),
		search.Version).Scan(&missing)
	if err != nil || missing == 0 {
		return 0, err
	}
	done := 0
	for {
		n, err := s.indexStaleBatch(ctx)
		done += n
		if err != nil || n == 0 {
			return done, err
		}
	}
}

func (s *Store) indexStaleBatch(ctx context.Context) (int, error) {
	tx, err := s.begin(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	if s.d.MigrationLock != "" {
		if _, err := tx.ExecContext(ctx, s.d.MigrationLock); err != nil {
			return 0, err
		}
	}
	ids, err := Strings(ctx, tx, `SELECT p.id FROM posts p LEFT JOIN post_search s ON s.post_id = p.id
		WHERE s.post_id IS NULL OR s.version <> ? ORDER BY p.id LIMIT ?`, search.Version, indexBatch)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	if err := reindex(ctx, tx, ids); err != nil {
		return 0, err
	}
	return len(ids), tx.Commit()
}
