-- Accounts and security: server-side sessions, one-time links (setup,
-- invitation, password reset), TOTP two-factor with recovery codes, and
-- failed logins for rate limiting. Tokens and codes are stored as SHA-256
-- hashes only. Times are Unix milliseconds (UTC).
CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    stage        TEXT NOT NULL CHECK (stage IN ('full', 'second_factor')),
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id, last_seen_at);
CREATE INDEX sessions_expiry ON sessions (expires_at);

CREATE TABLE account_tokens (
    token_hash TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('setup', 'invite', 'reset')),
    user_id    INTEGER REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT NOT NULL DEFAULT '' CHECK (role IN ('', 'owner', 'editor', 'author', 'contributor')),
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);

CREATE TABLE totp (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret     TEXT NOT NULL,
    last_step  INTEGER NOT NULL DEFAULT 0,
    enabled_at INTEGER NOT NULL
);

CREATE TABLE recovery_codes (
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at   INTEGER,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE login_failures (
    id    INTEGER PRIMARY KEY,
    scope TEXT NOT NULL,
    at    INTEGER NOT NULL
);
CREATE INDEX login_failures_scope ON login_failures (scope, at);
