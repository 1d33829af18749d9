-- Who made a redirect: the admin lists redirects added by hand apart from
-- those a slug, permalink or tag change made (every redirect stored before
-- this migration was made that way).
ALTER TABLE redirects ADD COLUMN manual INTEGER NOT NULL DEFAULT 0;
