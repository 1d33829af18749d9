-- The first schema: users, posts and pages, tags, redirects, settings.
-- Times are Unix milliseconds (UTC).
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    email         TEXT UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'author', 'contributor')),
    password_hash TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL
);

CREATE TABLE posts (
    id             TEXT PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('post', 'page')),
    slug           TEXT NOT NULL,
    title          TEXT NOT NULL,
    body           TEXT NOT NULL,
    format         TEXT NOT NULL CHECK (format IN ('markdown', 'html')),
    excerpt        TEXT NOT NULL DEFAULT '',
    description    TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL CHECK (status IN ('draft', 'pending', 'scheduled', 'published', 'trashed')),
    pinned         INTEGER NOT NULL DEFAULT 0,
    author_id      INTEGER REFERENCES users (id),
    published_at   INTEGER,
    updated_at     INTEGER NOT NULL,
    created_at     INTEGER NOT NULL,
    path           TEXT UNIQUE,
    content_html   TEXT NOT NULL DEFAULT '',
    excerpt_html   TEXT NOT NULL DEFAULT '',
    has_more       INTEGER NOT NULL DEFAULT 0,
    toc_html       TEXT NOT NULL DEFAULT '',
    word_count     INTEGER NOT NULL DEFAULT 0,
    render_version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX posts_stream ON posts (kind, published_at DESC, id DESC) WHERE status IN ('published', 'scheduled');
CREATE INDEX posts_pinned ON posts (kind, pinned DESC, published_at DESC, id DESC) WHERE status IN ('published', 'scheduled');

CREATE TABLE tags (
    id   INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE post_tags (
    post_id  TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    tag_id   INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    PRIMARY KEY (post_id, tag_id)
);
CREATE INDEX post_tags_tag ON post_tags (tag_id, post_id);

CREATE TABLE redirects (
    from_path  TEXT PRIMARY KEY,
    to_path    TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
