-- The media library: uploaded images stored under the hash of their bytes,
-- their smaller copies, which post shows which file, and a featured image
-- per post.
CREATE TABLE media (
    hash          TEXT COLLATE "C" PRIMARY KEY,
    type          TEXT NOT NULL CHECK (type IN ('image/jpeg', 'image/png', 'image/gif')),
    width         INTEGER NOT NULL,
    height        INTEGER NOT NULL,
    size          BIGINT NOT NULL,
    original_name TEXT NOT NULL,
    animated      BOOLEAN NOT NULL DEFAULT FALSE,
    uploader_id   BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at    BIGINT NOT NULL
);
CREATE INDEX media_created ON media (created_at DESC, hash);

CREATE TABLE media_variants (
    hash   TEXT COLLATE "C" NOT NULL REFERENCES media (hash) ON DELETE CASCADE,
    width  INTEGER NOT NULL,
    height INTEGER NOT NULL,
    size   BIGINT NOT NULL,
    PRIMARY KEY (hash, width)
);

-- One row per post and media file its body refers to (kept by every save),
-- so "where is this file used" reads an index.
CREATE TABLE post_media (
    post_id TEXT COLLATE "C" NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    hash    TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (post_id, hash)
);
CREATE INDEX post_media_hash ON post_media (hash, post_id);

ALTER TABLE posts ADD COLUMN featured_image TEXT COLLATE "C" REFERENCES media (hash) ON DELETE SET NULL;
CREATE INDEX posts_featured ON posts (featured_image) WHERE featured_image IS NOT NULL;
