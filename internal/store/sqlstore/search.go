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
// orders results and makes visibility a key range, the tiers, paging —
// is shared, below and in internal/search.
type SearchSQL struct {
	// Index is the FROM clause of the index alone, for counts; Key is the
	// sort key's column in it, and Range what a key range is asked of.
	Index, Key, Range string
	// Docs is the FROM clause of the index with what gives a match's post
	// id, PostID.
	Docs, PostID string
	// Match returns the condition, and its arguments, that selects the
	// documents terms match in tier (all of them for search.NumTiers).
	// few says that Candidates found a handful of documents for the tier.
	Match func(terms []blog.SearchTerm, tier search.Tier, few bool) (string, []any)
	// Candidates, when set, returns a query (and its arguments) of the
	// documents that could be in a title or tag tier (some term in their
	// title or tags), from a small index of titles and tags alone. Search
	// counts them up to fewCandidates: a tier without any is skipped, and
	// Match is told when there are few.
	Candidates func(terms []blog.SearchTerm, tier search.Tier) (string, []any)
	// Setup, when set, are statements run first in a read-only
	// transaction that holds the search's statements.
	Setup []string
}

// FTS5Search asks SQLite's FTS5 table post_fts, whose rowid is the sort
// key. A term is an FTS5 phrase of its words ("http listenandserve", with
// * after it for a prefix); column filters make the tiers.
//
// A tier read through post_fts's column filters costs a pass over the
// posts matching the terms, checking where they are, until a page is
// found: nothing when the tier is full, a lot when it is nearly empty and
// the terms common ("explain analyze" is in 40% of posts and in no title).
// So the title and tag tiers look at post_fts_head, the index of titles
// and tags alone, first (Candidates): no candidate, no pass; a handful,
// and each is looked up in post_fts (SQLite runs the IN list as one
// lookup by rowid each), instead of a pass.
var FTS5Search = &SearchSQL{
	Index: `post_fts`, Key: `post_fts.rowid`, Range: `post_fts.rowid`,
	Docs: `post_fts JOIN post_search s ON s.sort_key = post_fts.rowid`, PostID: `s.post_id`,
	Match: func(terms []blog.SearchTerm, tier search.Tier, few bool) (string, []any) {
		all, some := ftsJoin(terms, " AND "), ftsJoin(terms, " OR ")
		if few && tier < search.TierBody {
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
// Setup keeps PostgreSQL on its GIN indexes: its cost model does not know
// that reading a post's tsvector means fetching and decompressing a few
// kilobytes, and would otherwise scan the table (or the sort key index)
// testing every row — a hundred times slower for a rare word. Bitmap scans
// of the GIN indexes read no tsvector when the query needs no positions.
// The key range (nearly every post, for visitors) is a filter, not an
// index condition: ANDing its bitmap with the words' costs more than it
// saves.
var TSVectorSearch = &SearchSQL{
	Index: `post_search s`, Key: `s.sort_key`, Range: `(s.sort_key + 0)`,
	Docs: `post_search s`, PostID: `s.post_id`,
	Setup: []string{`SET LOCAL enable_seqscan = off`, `SET LOCAL enable_indexscan = off`, `SET LOCAL jit = off`},
	Match: func(terms []blog.SearchTerm, tier search.Tier, _ bool) (string, []any) {
		all := tsJoin(terms, " & ", "")
		switch tier {
		case search.TierTitle:
			return `s.head @@ ?::tsquery`, []any{tsJoin(terms, " & ", "A")}
		case search.TierSomeTitle:
			return `s.doc @@ ?::tsquery AND s.head @@ ?::tsquery AND NOT s.head @@ ?::tsquery`,
				[]any{all, tsJoin(terms, " | ", "A"), tsJoin(terms, " & ", "A")}
		case search.TierTags:
			return `s.doc @@ ?::tsquery AND s.head @@ ?::tsquery AND NOT s.head @@ ?::tsquery`,
				[]any{all, tsJoin(terms, " | ", "B"), tsJoin(terms, " | ", "A")}
		case search.TierBody:
			return `s.doc @@ ?::tsquery AND NOT s.head @@ ?::tsquery`, []any{all, tsJoin(terms, " | ", "")}
		}
		return `s.doc @@ ?::tsquery`, []any{all}
	},
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

// fewCandidates is how many candidates of a tier are few enough to be
// looked up one by one (SearchSQL.Candidates): each lookup starts a query
// (a prefix's expansion included), about what a pass over a few hundred
// posts costs; tests change it.
var fewCandidates = 20

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
	if len(syn.Setup) > 0 {
		tx, err := s.begin(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			return nil, 0, dbError(err, "searching")
		}
		defer tx.Rollback()
		for _, st := range syn.Setup {
			if _, err := tx.ExecContext(ctx, st); err != nil {
				return nil, 0, dbError(err, "searching")
			}
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
	count := func(tier search.Tier, few bool, upTo int) (int, error) {
		cond, args := syn.Match(q.Terms, tier, few)
		return countOf(`SELECT 1 FROM `+syn.Index+` WHERE `+cond+` AND `+syn.Range+` BETWEEN ? AND ?`, append(args, lo, hi), upTo)
	}
	total, err := count(search.NumTiers, false, searchMaxResults)
	if err != nil || total == 0 {
		return nil, total, err
	}
	skip := max(q.Offset, 0)
	if skip >= total {
		return nil, total, nil
	}
	limit := total - skip
	if q.Limit > 0 {
		limit = min(limit, q.Limit)
	}
	vis, vargs := visible, []any{q.Now.UnixMilli()}
	if q.IncludeDrafts {
		vis, vargs = ` p.status <> 'trashed'`, nil
	}
	var posts []*blog.Post
	for tier := search.TierTitle; tier < search.NumTiers && len(posts) < limit; tier++ {
		if tier == search.TierSomeTitle && len(q.Terms) == 1 {
			continue // the same as TierTitle
		}
		few := false
		if syn.Candidates != nil && tier < search.TierBody {
			query, args := syn.Candidates(q.Terms, tier)
			n, err := countOf(query, append(args, lo, hi), fewCandidates)
			if err != nil {
				return nil, 0, err
			}
			if n == 0 {
				continue
			}
			few = n < fewCandidates
		}
		if skip > 0 && tier < search.TierBody {
			n, err := count(tier, few, skip)
			if err != nil {
				return nil, 0, err
			}
			if n < skip {
				skip -= n
				continue
			}
		}
		// The page of keys first, from the index alone; then its posts.
		cond, args := syn.Match(q.Terms, tier, few)
		args = append(append(args, lo, hi, limit-len(posts), skip), vargs...)
		s.queries.Add(1)
		rows, err := db.QueryContext(ctx, `SELECT `+postColumns+` FROM (SELECT `+syn.Key+` AS sort_key, `+syn.PostID+` AS post_id FROM `+
			syn.Docs+` WHERE `+cond+` AND `+syn.Range+` BETWEEN ? AND ? ORDER BY `+syn.Key+` DESC LIMIT ? OFFSET ?) AS m
			JOIN posts p ON p.id = m.post_id LEFT JOIN users u ON u.id = p.author_id WHERE`+vis+` ORDER BY m.sort_key DESC`, args...)
		if err != nil {
			return nil, 0, dbError(err, "searching")
		}
		for rows.Next() {
			p, err := scanPost(rows)
			if err != nil {
				rows.Close()
				return nil, 0, dbError(err, "searching")
			}
			posts = append(posts, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, 0, dbError(err, "searching")
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
