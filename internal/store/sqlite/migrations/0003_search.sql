-- Full-text search. post_search holds one document per post: the words of
-- its title, tags and body as internal/search makes them (normalized, one
-- space apart), written by Go in the post's save transaction; SQL cannot
-- make them, so the posts that exist when this migration runs are indexed
-- by sqlstore.IndexStale right after it. post_fts is an FTS5 index over
-- post_search (external content: the words are stored once), kept current
-- by the triggers below; its tokenizer only splits at the spaces Go put
-- there (remove_diacritics 0: Go folded accents already).
--
-- sort_key orders results newest first and makes visibility a key range;
-- see internal/search/index.go.
CREATE TABLE post_search (
    sort_key INTEGER PRIMARY KEY,
    post_id  TEXT NOT NULL UNIQUE REFERENCES posts (id) ON DELETE CASCADE,
    version  INTEGER NOT NULL,
    title    TEXT NOT NULL,
    tags     TEXT NOT NULL,
    body     TEXT NOT NULL
);

CREATE VIRTUAL TABLE post_fts USING fts5 (
    title, tags, body,
    content = 'post_search', content_rowid = 'sort_key',
    tokenize = "unicode61 remove_diacritics 0 categories 'L* N* M*'"
);

-- The titles and tags alone: a small index that tells at once whether any
-- post could rank in the title or tag tiers, and which (sqlstore.FTS5Search).
CREATE VIRTUAL TABLE post_fts_head USING fts5 (
    title, tags,
    content = 'post_search', content_rowid = 'sort_key',
    tokenize = "unicode61 remove_diacritics 0 categories 'L* N* M*'"
);

CREATE TRIGGER post_search_insert AFTER INSERT ON post_search BEGIN
    INSERT INTO post_fts (rowid, title, tags, body) VALUES (new.sort_key, new.title, new.tags, new.body);
    INSERT INTO post_fts_head (rowid, title, tags) VALUES (new.sort_key, new.title, new.tags);
END;

CREATE TRIGGER post_search_delete AFTER DELETE ON post_search BEGIN
    INSERT INTO post_fts (post_fts, rowid, title, tags, body) VALUES ('delete', old.sort_key, old.title, old.tags, old.body);
    INSERT INTO post_fts_head (post_fts_head, rowid, title, tags) VALUES ('delete', old.sort_key, old.title, old.tags);
END;

CREATE TRIGGER post_search_update AFTER UPDATE ON post_search BEGIN
    INSERT INTO post_fts (post_fts, rowid, title, tags, body) VALUES ('delete', old.sort_key, old.title, old.tags, old.body);
    INSERT INTO post_fts_head (post_fts_head, rowid, title, tags) VALUES ('delete', old.sort_key, old.title, old.tags);
    INSERT INTO post_fts (rowid, title, tags, body) VALUES (new.sort_key, new.title, new.tags, new.body);
    INSERT INTO post_fts_head (rowid, title, tags) VALUES (new.sort_key, new.title, new.tags);
END;
