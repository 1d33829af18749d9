package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"octavo/internal/blog"
)

var _ blog.Accounts = (*Store)(nil)

// ownersLock is the key of the advisory lock (Dialect.PathLock, whose key
// is any string; permalinks all start with "/", so this one never meets
// one) that changes to who owns the blog take, so that two of them cannot
// both find another owner left and leave none.
const ownersLock = "octavo:owners"

const userColumns = `id, username, COALESCE(email, ''), display_name, role, password_hash, created_at`

func scanUser(r scanner) (*blog.User, error) {
	var u blog.User
	var created sql.NullInt64
	if err := r.Scan(&u.ID, &u.Username, &u.Email, &u.DisplayName, &u.Role, &u.PasswordHash, &created); err != nil {
		return nil, err
	}
	u.CreatedAt = fromMS(created)
	return &u, nil
}

// UserByID returns a user.
func (s *Store) UserByID(ctx context.Context, id int64) (*blog.User, error) {
	u, err := scanUser(s.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, blog.Errorf(blog.ENOTFOUND, "No user has the id %d.", id)
	}
	return u, dbError(err, "reading a user")
}

// UserByLogin returns the user whose username or email is login.
func (s *Store) UserByLogin(ctx context.Context, login string) (*blog.User, error) {
	u, err := scanUser(s.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE username = ? OR email = ?
		ORDER BY CASE WHEN username = ? THEN 0 ELSE 1 END LIMIT 1`, login, login, login))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, blog.Errorf(blog.ENOTFOUND, "No user is called %q.", login)
	}
	return u, dbError(err, "reading a user")
}

// ListUsers returns every user, by username.
func (s *Store) ListUsers(ctx context.Context) ([]*blog.User, error) {
	rows, err := s.query(ctx, `SELECT `+userColumns+` FROM users ORDER BY username`)
	if err != nil {
		return nil, dbError(err, "listing users")
	}
	defer rows.Close()
	var users []*blog.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, dbError(err, "listing users")
		}
		users = append(users, u)
	}
	return users, dbError(rows.Err(), "listing users")
}

// HasOwner reports whether the blog has an owner.
func (s *Store) HasOwner(ctx context.Context) (bool, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM users WHERE role = 'owner'`).Scan(&n)
	return n > 0, dbError(err, "counting owners")
}

// SetPasswordHash replaces a password hash and ends the user's other
// sessions.
func (s *Store) SetPasswordHash(ctx context.Context, userID int64, hash string, keepSession int64) error {
	return s.inTx(ctx, "changing a password", func(tx rebindTx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return blog.Errorf(blog.ENOTFOUND, "No user has the id %d.", userID)
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND id <> ?`, userID, keepSession)
		return err
	})
}

// RehashPassword swaps a hash for one with new parameters.
func (s *Store) RehashPassword(ctx context.Context, userID int64, oldHash, newHash string) error {
	_, err := s.exec(ctx, `UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?`, newHash, userID, oldHash)
	return dbError(err, "rehashing a password")
}

// SetUserRole changes a role, keeping at least one owner.
func (s *Store) SetUserRole(ctx context.Context, userID int64, role blog.Role) error {
	return s.inTx(ctx, "changing a role", func(tx rebindTx) error {
		if err := s.lockOwners(ctx, tx); err != nil {
			return err
		}
		var current blog.Role
		err := tx.QueryRowContext(ctx, `SELECT role FROM users WHERE id = ?`, userID).Scan(&current)
		if errors.Is(err, sql.ErrNoRows) {
			return blog.Errorf(blog.ENOTFOUND, "No user has the id %d.", userID)
		}
		if err != nil {
			return err
		}
		if current == blog.RoleOwner && role != blog.RoleOwner {
			var owners int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE role = 'owner'`).Scan(&owners); err != nil {
				return err
			}
			if owners <= 1 {
				return blog.Errorf(blog.ECONFLICT, "The blog must keep an owner: make someone else owner first.")
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE users SET role = ? WHERE id = ?`, role, userID)
		return err
	})
}

// lockOwners takes the owners' advisory lock where the dialect has one.
func (s *Store) lockOwners(ctx context.Context, tx rebindTx) error {
	if s.d.PathLock == "" {
		return nil
	}
	_, err := tx.ExecContext(ctx, s.d.PathLock, ownersLock)
	return err
}

// inTx runs fn in a write transaction, committed when fn returns nil.
// Errors that are not domain errors are wrapped as database errors.
func (s *Store) inTx(ctx context.Context, what string, fn func(tx rebindTx) error) error {
	s.queries.Add(1)
	tx, err := s.begin(ctx, nil)
	if err != nil {
		return dbError(err, what)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return dbError(err, what)
	}
	return dbError(tx.Commit(), what)
}

const sessionColumns = `id, token_hash, user_id, stage, created_at, last_seen_at, expires_at, ip, user_agent`

func scanSession(r scanner) (*blog.Session, error) {
	var ss blog.Session
	var created, seen, expires sql.NullInt64
	if err := r.Scan(&ss.ID, &ss.TokenHash, &ss.UserID, &ss.Stage, &created, &seen, &expires, &ss.IP, &ss.UserAgent); err != nil {
		return nil, err
	}
	ss.CreatedAt, ss.LastSeenAt, ss.ExpiresAt = fromMS(created), fromMS(seen), fromMS(expires)
	return &ss, nil
}

// CreateSession inserts a session and sets its ID.
func (s *Store) CreateSession(ctx context.Context, ss *blog.Session) error {
	if ss.LastSeenAt.IsZero() {
		ss.LastSeenAt = ss.CreatedAt
	}
	err := s.queryRow(ctx, `INSERT INTO sessions (token_hash, user_id, stage, created_at, last_seen_at, expires_at, ip, user_agent)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, ss.TokenHash, ss.UserID, ss.Stage, ss.CreatedAt.UnixMilli(),
		ss.LastSeenAt.UnixMilli(), ss.ExpiresAt.UnixMilli(), ss.IP, ss.UserAgent).Scan(&ss.ID)
	return dbError(err, "creating a session")
}

// SessionByToken returns the session of a token hash.
func (s *Store) SessionByToken(ctx context.Context, hash string) (*blog.Session, error) {
	ss, err := scanSession(s.queryRow(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE token_hash = ?`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, blog.Errorf(blog.ENOTFOUND, "No such session.")
	}
	return ss, dbError(err, "reading a session")
}

// TouchSession records activity on a session.
func (s *Store) TouchSession(ctx context.Context, id int64, at time.Time) error {
	_, err := s.exec(ctx, `UPDATE sessions SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?`, at.UnixMilli(), id, at.UnixMilli())
	return dbError(err, "updating a session")
}

// UserSessions lists a user's sessions, most recently active first.
func (s *Store) UserSessions(ctx context.Context, userID int64) ([]*blog.Session, error) {
	rows, err := s.query(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE user_id = ? ORDER BY last_seen_at DESC, id DESC`, userID)
	if err != nil {
		return nil, dbError(err, "listing sessions")
	}
	defer rows.Close()
	var out []*blog.Session
	for rows.Next() {
		ss, err := scanSession(rows)
		if err != nil {
			return nil, dbError(err, "listing sessions")
		}
		out = append(out, ss)
	}
	return out, dbError(rows.Err(), "listing sessions")
}

// DeleteSession ends one session of a user.
func (s *Store) DeleteSession(ctx context.Context, userID, id int64) error {
	res, err := s.exec(ctx, `DELETE FROM sessions WHERE id = ? AND user_id = ?`, id, userID)
	if err != nil {
		return dbError(err, "ending a session")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return blog.Errorf(blog.ENOTFOUND, "No such session.")
	}
	return nil
}

// DeleteUserSessions ends every session of a user but one.
func (s *Store) DeleteUserSessions(ctx context.Context, userID, except int64) error {
	_, err := s.exec(ctx, `DELETE FROM sessions WHERE user_id = ? AND id <> ?`, userID, except)
	return dbError(err, "ending sessions")
}

// DeleteExpiredSessions removes expired and idle sessions.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now, idleSince time.Time) (int64, error) {
	res, err := s.exec(ctx, `DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at < ?`, now.UnixMilli(), idleSince.UnixMilli())
	if err != nil {
		return 0, dbError(err, "removing expired sessions")
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// CreateAccountToken stores a one-time link.
func (s *Store) CreateAccountToken(ctx context.Context, t *blog.AccountToken) error {
	_, err := s.exec(ctx, `INSERT INTO account_tokens (token_hash, kind, user_id, role, created_by, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, t.Hash, t.Kind, nullID(t.UserID), string(t.Role), nullID(t.CreatedBy),
		t.CreatedAt.UnixMilli(), t.ExpiresAt.UnixMilli())
	return dbError(err, "creating a one-time link")
}

// nullID is an id as stored: NULL for 0.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

const tokenColumns = `token_hash, kind, COALESCE(user_id, 0), role, COALESCE(created_by, 0), created_at, expires_at, used_at`

// usableToken selects an unused, unexpired link of a kind (arguments:
// hash, kind, now).
const usableToken = ` FROM account_tokens WHERE token_hash = ? AND kind = ? AND used_at IS NULL AND expires_at > ?`

func scanToken(r scanner) (*blog.AccountToken, error) {
	var t blog.AccountToken
	var created, expires, used sql.NullInt64
	var role string
	if err := r.Scan(&t.Hash, &t.Kind, &t.UserID, &role, &t.CreatedBy, &created, &expires, &used); err != nil {
		return nil, err
	}
	t.Role = blog.Role(role)
	t.CreatedAt, t.ExpiresAt, t.UsedAt = fromMS(created), fromMS(expires), fromMS(used)
	return &t, nil
}

// errBadLink is what every unusable link gets: unknown, used or expired.
func errBadLink() error {
	return blog.Errorf(blog.ENOTFOUND, "This link is not valid: it was used already, it expired, or it was mistyped.")
}

// AccountToken returns a usable one-time link.
func (s *Store) AccountToken(ctx context.Context, hash string, kind blog.TokenKind, now time.Time) (*blog.AccountToken, error) {
	t, err := scanToken(s.queryRow(ctx, `SELECT `+tokenColumns+usableToken, hash, kind, now.UnixMilli()))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errBadLink()
	}
	return t, dbError(err, "reading a one-time link")
}

// spendToken marks a usable link used, in tx, and returns it.
func spendToken(ctx context.Context, tx rebindTx, hash string, kind blog.TokenKind, now time.Time) (*blog.AccountToken, error) {
	// The UPDATE comes first: on PostgreSQL it locks the row, so a second
	// transaction spending the same link waits, then finds it used.
	res, err := tx.ExecContext(ctx, `UPDATE account_tokens SET used_at = ? WHERE token_hash = ? AND kind = ? AND used_at IS NULL AND expires_at > ?`,
		now.UnixMilli(), hash, kind, now.UnixMilli())
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, errBadLink()
	}
	return scanToken(tx.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM account_tokens WHERE token_hash = ?`, hash))
}

// CreateUserWithToken spends a setup or invitation link on a new user.
func (s *Store) CreateUserWithToken(ctx context.Context, hash string, kind blog.TokenKind, now time.Time, u *blog.User) error {
	if kind != blog.TokenSetup && kind != blog.TokenInvite {
		return blog.Errorf(blog.EINVALID, "A %s link cannot create an account.", kind)
	}
	err := s.inTx(ctx, "creating an account", func(tx rebindTx) error {
		if err := s.lockOwners(ctx, tx); err != nil {
			return err
		}
		t, err := spendToken(ctx, tx, hash, kind, now)
		if err != nil {
			return err
		}
		switch kind {
		case blog.TokenSetup:
			var owners int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE role = 'owner'`).Scan(&owners); err != nil {
				return err
			}
			if owners > 0 {
				return blog.Errorf(blog.ECONFLICT, "This blog has an owner already: log in instead.")
			}
			u.Role = blog.RoleOwner
		case blog.TokenInvite:
			u.Role = t.Role
		}
		if u.CreatedAt.IsZero() {
			u.CreatedAt = now
		}
		var email any
		if u.Email != "" {
			email = u.Email
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO users (username, email, display_name, role, password_hash, created_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, u.Username, email, u.DisplayName, u.Role, u.PasswordHash, u.CreatedAt.UnixMilli()).Scan(&u.ID)
		if err != nil && s.d.IsUniqueViolation != nil && s.d.IsUniqueViolation(err) {
			return blog.Wrap(blog.ECONFLICT, err, "The username %q or its email address is taken.", u.Username)
		}
		return err
	})
	if err != nil {
		u.ID = 0
	}
	return err
}

// ResetPasswordWithToken spends a reset link on a new password.
func (s *Store) ResetPasswordWithToken(ctx context.Context, hash string, now time.Time, passwordHash string) (*blog.User, error) {
	var u *blog.User
	err := s.inTx(ctx, "resetting a password", func(tx rebindTx) error {
		t, err := spendToken(ctx, tx, hash, blog.TokenReset, now)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, passwordHash, t.UserID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, t.UserID); err != nil {
			return err
		}
		u, err = scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, t.UserID))
		if errors.Is(err, sql.ErrNoRows) {
			return errBadLink()
		}
		return err
	})
	return u, err
}

// TOTP returns a user's TOTP set-up.
func (s *Store) TOTP(ctx context.Context, userID int64) (*blog.TOTP, error) {
	var t blog.TOTP
	var enabled sql.NullInt64
	err := s.queryRow(ctx, `SELECT user_id, secret, last_step, enabled_at FROM totp WHERE user_id = ?`, userID).
		Scan(&t.UserID, &t.Secret, &t.LastStep, &enabled)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, blog.Errorf(blog.ENOTFOUND, "Two-factor authentication is off.")
	}
	t.EnabledAt = fromMS(enabled)
	return &t, dbError(err, "reading two-factor settings")
}

// EnableTOTP turns TOTP on with fresh recovery codes.
func (s *Store) EnableTOTP(ctx context.Context, t *blog.TOTP, recoveryHashes []string) error {
	return s.inTx(ctx, "turning on two-factor authentication", func(tx rebindTx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM totp WHERE user_id = ?`, t.UserID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, t.UserID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO totp (user_id, secret, last_step, enabled_at) VALUES (?, ?, ?, ?)`,
			t.UserID, t.Secret, t.LastStep, t.EnabledAt.UnixMilli()); err != nil {
			return err
		}
		for _, h := range recoveryHashes {
			if _, err := tx.ExecContext(ctx, `INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)`, t.UserID, h); err != nil {
				return err
			}
		}
		return nil
	})
}

// DisableTOTP turns TOTP off.
func (s *Store) DisableTOTP(ctx context.Context, userID int64) error {
	return s.inTx(ctx, "turning off two-factor authentication", func(tx rebindTx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, userID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM totp WHERE user_id = ?`, userID)
		return err
	})
}

// UseTOTPStep records an accepted code's time step, once.
func (s *Store) UseTOTPStep(ctx context.Context, userID, step int64) (bool, error) {
	res, err := s.exec(ctx, `UPDATE totp SET last_step = ? WHERE user_id = ? AND last_step < ?`, step, userID, step)
	if err != nil {
		return false, dbError(err, "recording a two-factor code")
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// UseRecoveryCode spends a recovery code.
func (s *Store) UseRecoveryCode(ctx context.Context, userID int64, hash string, at time.Time) (bool, error) {
	res, err := s.exec(ctx, `UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL`,
		at.UnixMilli(), userID, hash)
	if err != nil {
		return false, dbError(err, "spending a recovery code")
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// RecoveryCodesLeft counts unused recovery codes.
func (s *Store) RecoveryCodesLeft(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL`, userID).Scan(&n)
	return n, dbError(err, "counting recovery codes")
}

// AddLoginFailure records a failed login in each scope.
func (s *Store) AddLoginFailure(ctx context.Context, scopes []string, at time.Time) error {
	return s.inTx(ctx, "recording a failed login", func(tx rebindTx) error {
		for _, sc := range scopes {
			if _, err := tx.ExecContext(ctx, `INSERT INTO login_failures (scope, at) VALUES (?, ?)`, sc, at.UnixMilli()); err != nil {
				return err
			}
		}
		return nil
	})
}

// RecentLoginFailures returns the newest failures of a scope, newest first.
func (s *Store) RecentLoginFailures(ctx context.Context, scope string, since time.Time, limit int) ([]time.Time, error) {
	rows, err := s.query(ctx, `SELECT at FROM login_failures WHERE scope = ? AND at > ? ORDER BY at DESC LIMIT ?`,
		scope, since.UnixMilli(), limit)
	if err != nil {
		return nil, dbError(err, "reading failed logins")
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var at sql.NullInt64
		if err := rows.Scan(&at); err != nil {
			return nil, dbError(err, "reading failed logins")
		}
		out = append(out, fromMS(at))
	}
	return out, dbError(rows.Err(), "reading failed logins")
}

// ClearLoginFailures forgets a scope's failures.
func (s *Store) ClearLoginFailures(ctx context.Context, scope string) error {
	_, err := s.exec(ctx, `DELETE FROM login_failures WHERE scope = ?`, scope)
	return dbError(err, "clearing failed logins")
}

// PruneLoginFailures forgets old failures.
func (s *Store) PruneLoginFailures(ctx context.Context, before time.Time) error {
	_, err := s.exec(ctx, `DELETE FROM login_failures WHERE at < ?`, before.UnixMilli())
	return dbError(err, "pruning failed logins")
}
