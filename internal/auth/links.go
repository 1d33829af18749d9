package auth

import (
	"context"
	"net/http"
	"time"

	"octavo/internal/blog"
)

// The paths of the one-time links; the token is the last segment.
const (
	SetupPath  = "/admin/setup/"
	InvitePath = "/admin/invite/"
	ResetPath  = "/admin/reset/"
)

// Link is a one-time link just made: shown once, never stored as such.
type Link struct {
	URL     string
	Expires time.Time
}

func (s *Service) makeLink(ctx context.Context, t *blog.AccountToken, path string, ttl time.Duration) (*Link, error) {
	token := newToken()
	now := s.clock.Now()
	t.Hash, t.CreatedAt, t.ExpiresAt = HashToken(token), now, now.Add(ttl)
	if err := s.store.CreateAccountToken(ctx, t); err != nil {
		return nil, err
	}
	return &Link{URL: s.link(path, token), Expires: t.ExpiresAt}, nil
}

// SetupLink makes the link that creates the owner of a blog that has
// none: valid for an hour, once. ECONFLICT when an owner exists.
func (s *Service) SetupLink(ctx context.Context) (*Link, error) {
	if ok, err := s.store.HasOwner(ctx); err != nil {
		return nil, err
	} else if ok {
		return nil, blog.Errorf(blog.ECONFLICT, "This blog has an owner already.")
	}
	return s.makeLink(ctx, &blog.AccountToken{Kind: blog.TokenSetup}, SetupPath, SetupLinkTTL)
}

// InviteLink makes an invitation to create an account with role: valid
// for a week, once. by is the inviting user's id (0 for the CLI).
func (s *Service) InviteLink(ctx context.Context, by int64, role blog.Role) (*Link, error) {
	if !ValidRole(role) {
		return nil, blog.Errorf(blog.EINVALID, "Role: %q is not one of owner, editor, author, contributor.", role)
	}
	return s.makeLink(ctx, &blog.AccountToken{Kind: blog.TokenInvite, Role: role, CreatedBy: by}, InvitePath, InviteLinkTTL)
}

// ResetLink makes a link that sets a new password for userID: valid for
// a day, once. by is the user who made it.
func (s *Service) ResetLink(ctx context.Context, by, userID int64) (*Link, error) {
	if _, err := s.store.UserByID(ctx, userID); err != nil {
		return nil, err
	}
	return s.makeLink(ctx, &blog.AccountToken{Kind: blog.TokenReset, UserID: userID, CreatedBy: by}, ResetPath, ResetLinkTTL)
}

// CheckLink returns the one-time link of kind with token if it can still
// be used; ENOTFOUND otherwise.
func (s *Service) CheckLink(ctx context.Context, kind blog.TokenKind, token string) (*blog.AccountToken, error) {
	if token == "" || len(token) > 100 {
		return nil, blog.Errorf(blog.ENOTFOUND, "This link is not valid: it was used already, it expired, or it was mistyped.")
	}
	return s.store.AccountToken(ctx, HashToken(token), kind, s.clock.Now())
}

// CompleteSetup uses a setup link to create the owner, and logs them in.
func (s *Service) CompleteSetup(w http.ResponseWriter, r *http.Request, token string, a NewAccount) (*Identity, error) {
	return s.createWithLink(w, r, blog.TokenSetup, token, a)
}

// AcceptInvite uses an invitation to create an account, and logs it in.
func (s *Service) AcceptInvite(w http.ResponseWriter, r *http.Request, token string, a NewAccount) (*Identity, error) {
	return s.createWithLink(w, r, blog.TokenInvite, token, a)
}

func (s *Service) createWithLink(w http.ResponseWriter, r *http.Request, kind blog.TokenKind, token string, a NewAccount) (*Identity, error) {
	ctx := r.Context()
	if _, err := s.CheckLink(ctx, kind, token); err != nil {
		return nil, err
	}
	u, err := s.prepare(a)
	if err != nil {
		return nil, err
	}
	if err := s.store.CreateUserWithToken(ctx, HashToken(token), kind, s.clock.Now(), u); err != nil {
		return nil, err
	}
	return s.startSession(w, r, u, blog.StageFull)
}

// ResetPassword uses a reset link to set a new password; every session of
// the user ends. It does not log in: with two-factor on, the code is still
// needed.
func (s *Service) ResetPassword(ctx context.Context, token, password string) (*blog.User, error) {
	t, err := s.CheckLink(ctx, blog.TokenReset, token)
	if err != nil {
		return nil, err
	}
	u, err := s.store.UserByID(ctx, t.UserID)
	if err != nil {
		return nil, err
	}
	if err := CheckPassword(password, u.Username, u.Email); err != nil {
		return nil, err
	}
	h, err := s.hasher.Hash(password)
	if err != nil {
		return nil, blog.Wrap(blog.EINTERNAL, err, "hashing a password")
	}
	return s.store.ResetPasswordWithToken(ctx, HashToken(token), s.clock.Now(), h)
}
