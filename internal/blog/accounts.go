package blog

import (
	"context"
	"time"
)

// SessionStage says how far a login has come.
type SessionStage string

// The stages of a session: a full session may use the admin; a
// second-factor session has passed the password and waits for a TOTP or
// recovery code, and may do nothing else.
const (
	StageFull         SessionStage = "full"
	StageSecondFactor SessionStage = "second_factor"
)

// Session is a login, kept on the server. Its token lives only in the
// visitor's cookie; the database holds its SHA-256 (TokenHash), so a copy
// of the database gives nobody a session.
type Session struct {
	ID         int64 // names the session in lists and forms, never a credential
	TokenHash  string
	UserID     int64
	Stage      SessionStage
	CreatedAt  time.Time
	LastSeenAt time.Time // the idle expiry counts from here
	ExpiresAt  time.Time // the absolute expiry
	IP         string
	UserAgent  string
}

// TokenKind is what a one-time link is for.
type TokenKind string

// The one-time links.
const (
	TokenSetup  TokenKind = "setup"  // create the owner of a new blog
	TokenInvite TokenKind = "invite" // create an account with a role
	TokenReset  TokenKind = "reset"  // set a new password for a user
)

// AccountToken is a one-time link: single use, with an expiry. Like a
// session token, only its SHA-256 (Hash) is stored.
type AccountToken struct {
	Hash      string
	Kind      TokenKind
	UserID    int64 // reset: whose password; 0 otherwise
	Role      Role  // invite: the role the new account gets
	CreatedBy int64 // who made it (0 for the CLI and the setup link)
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time // zero while unused
}

// TOTP is a user's two-factor (RFC 6238) set-up.
type TOTP struct {
	UserID    int64
	Secret    string // base32, as the authenticator app has it
	LastStep  int64  // the last time step a code was accepted for (no replays)
	EnabledAt time.Time
}

// Users reads and changes accounts (CreateUser is in Writer).
//
// Methods return an *Error with code ENOTFOUND when the user does not
// exist, never (nil, nil).
type Users interface {
	// UserByID returns a user.
	UserByID(ctx context.Context, id int64) (*User, error)
	// UserByLogin returns the user whose username or email address is
	// login (compared as stored: callers lower-case both).
	UserByLogin(ctx context.Context, login string) (*User, error)
	// ListUsers returns every user, by username.
	ListUsers(ctx context.Context) ([]*User, error)
	// HasOwner reports whether any user is an owner.
	HasOwner(ctx context.Context) (bool, error)
	// SetPasswordHash replaces a user's password hash and ends the user's
	// sessions, except keepSession (0 ends them all).
	SetPasswordHash(ctx context.Context, userID int64, hash string, keepSession int64) error
	// RehashPassword replaces a password hash made with old parameters by
	// one made with the current ones, if it is still oldHash (a password
	// changed meanwhile stays); sessions are left alone.
	RehashPassword(ctx context.Context, userID int64, oldHash, newHash string) error
	// SetUserRole changes a user's role. It refuses (ECONFLICT) to leave
	// the blog without an owner.
	SetUserRole(ctx context.Context, userID int64, role Role) error
}

// Sessions keeps logins.
type Sessions interface {
	// CreateSession inserts s and sets its ID.
	CreateSession(ctx context.Context, s *Session) error
	// SessionByToken returns the session whose token hashes to hash,
	// ENOTFOUND when there is none (expired sessions are still returned:
	// the caller decides with its clock).
	SessionByToken(ctx context.Context, hash string) (*Session, error)
	// TouchSession records activity on a session at time at.
	TouchSession(ctx context.Context, id int64, at time.Time) error
	// UserSessions lists a user's sessions, newest activity first.
	UserSessions(ctx context.Context, userID int64) ([]*Session, error)
	// DeleteSession ends one session of a user; ENOTFOUND when that user
	// has no such session.
	DeleteSession(ctx context.Context, userID, id int64) error
	// DeleteUserSessions ends every session of a user but except (0: all).
	DeleteUserSessions(ctx context.Context, userID, except int64) error
	// DeleteExpiredSessions removes sessions past their absolute expiry,
	// or idle since before idleSince, and returns how many.
	DeleteExpiredSessions(ctx context.Context, now, idleSince time.Time) (int64, error)
}

// AccountTokens keeps one-time links.
type AccountTokens interface {
	// CreateAccountToken stores a one-time link.
	CreateAccountToken(ctx context.Context, t *AccountToken) error
	// AccountToken returns a link by hash and kind if it is unused and
	// not expired at now; ENOTFOUND otherwise (whatever the reason, so a
	// visitor learns nothing more).
	AccountToken(ctx context.Context, hash string, kind TokenKind, now time.Time) (*AccountToken, error)
	// CreateUserWithToken uses a setup or invitation link and creates u
	// with it, in one transaction: the link is spent only when the user
	// is created. A setup link is refused (ECONFLICT) once an owner exists.
	CreateUserWithToken(ctx context.Context, hash string, kind TokenKind, now time.Time, u *User) error
	// ResetPasswordWithToken uses a reset link: it sets the password hash
	// of the link's user, ends all of that user's sessions and returns the
	// user, in one transaction.
	ResetPasswordWithToken(ctx context.Context, hash string, now time.Time, passwordHash string) (*User, error)
}

// TwoFactor keeps TOTP set-ups and recovery codes.
type TwoFactor interface {
	// TOTP returns a user's TOTP set-up, ENOTFOUND when it is off.
	TOTP(ctx context.Context, userID int64) (*TOTP, error)
	// EnableTOTP turns TOTP on for t.UserID with the hashes of fresh
	// recovery codes, replacing any earlier set-up and codes.
	EnableTOTP(ctx context.Context, t *TOTP, recoveryHashes []string) error
	// DisableTOTP turns TOTP off and deletes the recovery codes.
	DisableTOTP(ctx context.Context, userID int64) error
	// UseTOTPStep records that a code of time step step was accepted; it
	// returns false (and records nothing) when a code of that step or a
	// later one was accepted already, so a code works once.
	UseTOTPStep(ctx context.Context, userID, step int64) (bool, error)
	// UseRecoveryCode spends an unused recovery code; false when the user
	// has no such unused code.
	UseRecoveryCode(ctx context.Context, userID int64, hash string, at time.Time) (bool, error)
	// RecoveryCodesLeft counts a user's unused recovery codes.
	RecoveryCodesLeft(ctx context.Context, userID int64) (int, error)
}

// LoginFailures counts failed logins for rate limiting. A scope is a
// string such as "login:ada" or "ip:192.0.2.1".
type LoginFailures interface {
	// AddLoginFailure records one failure at time at in each scope.
	AddLoginFailure(ctx context.Context, scopes []string, at time.Time) error
	// RecentLoginFailures returns the times of the newest failures (at
	// most limit) of a scope since since, newest first.
	RecentLoginFailures(ctx context.Context, scope string, since time.Time, limit int) ([]time.Time, error)
	// ClearLoginFailures forgets the failures of a scope.
	ClearLoginFailures(ctx context.Context, scope string) error
	// PruneLoginFailures forgets failures older than before.
	PruneLoginFailures(ctx context.Context, before time.Time) error
}

// Accounts is everything accounts and security need of a store.
type Accounts interface {
	CreateUser(ctx context.Context, u *User) error
	Users
	Sessions
	AccountTokens
	TwoFactor
	LoginFailures
}
