-- The admin's lists of posts of any status, the most recently changed
-- first: all but the trash (posts_changed), or one status with its
-- counts (posts_status_changed), each read in index order up to a page.
CREATE INDEX posts_changed ON posts (kind, updated_at DESC, id DESC);
CREATE INDEX posts_status_changed ON posts (kind, status, updated_at DESC, id DESC);
