-- Tag pages at any size: each post_tags row carries what a tag page sorts
-- and filters on (the post's kind, whether it is published or scheduled,
-- and its publication time), so a tag page and its count read one index
-- instead of joining every post of the tag.
ALTER TABLE post_tags ADD COLUMN kind TEXT NOT NULL DEFAULT 'post';
ALTER TABLE post_tags ADD COLUMN live BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE post_tags ADD COLUMN published_at BIGINT;
UPDATE post_tags SET kind = (SELECT p.kind FROM posts p WHERE p.id = post_tags.post_id),
    live = (SELECT p.status IN ('published', 'scheduled') FROM posts p WHERE p.id = post_tags.post_id),
    published_at = (SELECT p.published_at FROM posts p WHERE p.id = post_tags.post_id);
CREATE INDEX post_tags_stream ON post_tags (tag_id, published_at DESC, post_id DESC) WHERE live AND kind = 'post';
