-- Full-text search: the same post_search table as SQLite's 0003_search.sql
-- (one document per post: the normalized words of its title, tags and
-- body as internal/search makes them, written by Go in the post's save
-- transaction; the posts that exist when this migration runs are indexed
-- by sqlstore.IndexStale right after it), plus two generated tsvectors:
--
--   doc   every word, weighted A (title), B (tags), D (body), with a GIN index;
--   head  the same of the title and tags only: small, stored inline, for
--         the ranking tiers, with a GIN index.
--
-- octavo_search_vector builds a tsvector from the words as they are, never
-- through a text search parser: PostgreSQL's parser would read
-- "http.listenandserve" as one host name and "max_connections" as two
-- words, unlike Go and SQLite. Title words take positions from 1, tags
-- from 1001 and body words from 2001 (Go indexes at most 10,000 body
-- words; positions stop at 16383), so a phrase never spans two fields.
-- Every pair of neighbouring words of a field is a lexeme too ('load
-- balancer', at the position of its first word): the GIN index answers a
-- two-word phrase exactly, where a <-> query would make PostgreSQL fetch
-- and decompress the tsvector of every post holding both words.
--
-- Generated columns are computed again by the target of `octavo db copy`
-- and left out of copies and checksums.
CREATE FUNCTION octavo_search_vector(title TEXT, tags TEXT, body TEXT) RETURNS tsvector
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    WITH words AS (
        SELECT t.w AS word, lead(t.w) OVER (PARTITION BY f.start ORDER BY t.n) AS next, t.n + f.start AS pos, f.weight
        FROM (VALUES (title, 0, 'A'), (tags, 1000, 'B'), (body, 2000, 'D')) AS f (words, start, weight),
            unnest(string_to_array(f.words, ' ')) WITH ORDINALITY AS t (w, n)
    )
    SELECT COALESCE(string_agg('''' || replace(replace(l.lexeme, '\', '\\'), '''', '''''') || ''':' || l.pos::text || l.weight, ' ')::tsvector, ''::tsvector)
    FROM (
        SELECT word, pos, weight FROM words
        UNION ALL
        SELECT word || ' ' || next, pos, weight FROM words WHERE next IS NOT NULL
    ) AS l (lexeme, pos, weight)
    WHERE l.lexeme <> ''
$$;

CREATE TABLE post_search (
    sort_key BIGINT PRIMARY KEY,
    post_id  TEXT COLLATE "C" NOT NULL UNIQUE REFERENCES posts (id) ON DELETE CASCADE,
    version  INTEGER NOT NULL,
    title    TEXT NOT NULL,
    tags     TEXT NOT NULL,
    body     TEXT NOT NULL,
    head     tsvector GENERATED ALWAYS AS (octavo_search_vector(title, tags, '')) STORED,
    doc      tsvector GENERATED ALWAYS AS (octavo_search_vector(title, tags, body)) STORED
);
CREATE INDEX post_search_doc ON post_search USING gin (doc);
CREATE INDEX post_search_head ON post_search USING gin (head);
