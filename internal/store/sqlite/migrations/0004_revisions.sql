-- Revisions: every save of a post keeps one; posts get a version number for
-- optimistic concurrency (two editors of one post get a conflict).
ALTER TABLE posts ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

CREATE TABLE revisions (
    id          INTEGER PRIMARY KEY,
    post_id     TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    title       TEXT NOT NULL,
    slug        TEXT NOT NULL,
    body        TEXT NOT NULL,
    excerpt     TEXT NOT NULL,
    description TEXT NOT NULL,
    tags        TEXT NOT NULL,
    author_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX revisions_post ON revisions (post_id, version DESC);
