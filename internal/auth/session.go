package auth

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"octavo/internal/blog"
)

// Cookie names. Over TLS they carry the __Host- prefix, which browsers
// accept only with Secure, Path=/ and no Domain: a neighbouring subdomain
// cannot plant or overwrite them.
const (
	sessionCookie = "octavo_session"
	csrfCookie    = "octavo_csrf"
)

// touchEvery is how stale a session's last activity may get before a
// request writes it again: the idle expiry is exact to this much, and a
// busy admin does not write on every request.
const touchEvery = time.Minute

// Identity is who made a request: the user and the session.
type Identity struct {
	User    *blog.User
	Session *blog.Session
	token   string // the session's token, from the cookie (CSRF tokens derive from it)
}

// errBadLogin is the one answer to every wrong login, whether the account
// exists or not.
var errBadLogin = blog.Errorf(blog.EUNAUTHORIZED, "The username, email address or password is wrong.")

func (s *Service) cookieName(r *http.Request, base string) string {
	if s.proxies.IsSecure(r) {
		return "__Host-" + base
	}
	return base
}

func (s *Service) setCookie(w http.ResponseWriter, r *http.Request, base, value string, expires time.Time) {
	c := &http.Cookie{
		Name:     s.cookieName(r, base),
		Value:    value,
		Path:     "/",
		HttpOnly: true,
		Secure:   s.proxies.IsSecure(r),
		SameSite: http.SameSiteLaxMode,
	}
	switch {
	case value == "":
		c.MaxAge = -1
	case !expires.IsZero():
		c.Expires = expires.UTC()
	}
	http.SetCookie(w, c)
}

func (s *Service) cookie(r *http.Request, base string) string {
	c, err := r.Cookie(s.cookieName(r, base))
	if err != nil {
		return ""
	}
	return c.Value
}

// Authenticate returns the identity of the session cookie of r, or nil
// when there is none or it has ended (idle or absolute expiry, by the
// service's clock). An ended session is deleted and its cookie cleared.
func (s *Service) Authenticate(w http.ResponseWriter, r *http.Request) (*Identity, error) {
	token := s.cookie(r, sessionCookie)
	if token == "" || len(token) > 100 {
		return nil, nil
	}
	ctx := r.Context()
	ss, err := s.store.SessionByToken(ctx, HashToken(token))
	if blog.IsNotFound(err) {
		s.setCookie(w, r, sessionCookie, "", time.Time{})
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	if s.ended(ss, now) {
		if err := s.store.DeleteSession(ctx, ss.UserID, ss.ID); err != nil && !blog.IsNotFound(err) {
			return nil, err
		}
		s.setCookie(w, r, sessionCookie, "", time.Time{})
		return nil, nil
	}
	u, err := s.store.UserByID(ctx, ss.UserID)
	if err != nil {
		return nil, err
	}
	if now.Sub(ss.LastSeenAt) >= touchEvery {
		if err := s.store.TouchSession(ctx, ss.ID, now); err != nil {
			return nil, err
		}
		ss.LastSeenAt = now
	}
	return &Identity{User: u, Session: ss, token: token}, nil
}

// ended reports whether a session is over at now.
func (s *Service) ended(ss *blog.Session, now time.Time) bool {
	return !now.Before(ss.ExpiresAt) || (ss.Stage == blog.StageFull && now.Sub(ss.LastSeenAt) >= s.idle)
}

// startSession creates a session of stage for u and sets its cookie.
func (s *Service) startSession(w http.ResponseWriter, r *http.Request, u *blog.User, stage blog.SessionStage) (*Identity, error) {
	now := s.clock.Now()
	token := newToken()
	ttl := s.absolute
	if stage == blog.StageSecondFactor {
		ttl = SecondFactorTimeout
	}
	ss := &blog.Session{TokenHash: HashToken(token), UserID: u.ID, Stage: stage, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(ttl), IP: s.proxies.ClientIP(r).String(), UserAgent: truncate(r.UserAgent(), 300)}
	if err := s.store.CreateSession(r.Context(), ss); err != nil {
		return nil, err
	}
	s.setCookie(w, r, sessionCookie, token, ss.ExpiresAt)
	return &Identity{User: u, Session: ss, token: token}, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

// NormalizeLogin is how a username or email address is compared: trimmed
// and in lower case.
func NormalizeLogin(login string) string { return strings.ToLower(strings.TrimSpace(login)) }

// Login checks a username or email address and a password and starts a
// session: a full one, or, for an account with two-factor on, one that
// waits for the code (Identity.Session.Stage). A wrong login gets the same
// EUNAUTHORIZED error, after the same argon2 work, whether the account
// exists or not; too many failures (per login name and per address) get a
// *LimitError before any password is checked.
func (s *Service) Login(w http.ResponseWriter, r *http.Request, login, password string) (*Identity, error) {
	ctx := r.Context()
	now := s.clock.Now()
	login = NormalizeLogin(login)
	if len(login) > 254 {
		login = login[:254]
	}
	scopes := map[string]Limit{"login:" + login: s.account, ipScope(s.proxies.ClientIP(r)): s.ip}
	if err := s.checkLimits(ctx, now, scopes); err != nil {
		return nil, err
	}
	defer s.cleanup(context.WithoutCancel(ctx))
	// No stored password is longer than MaxPasswordBytes (CheckPassword),
	// so a longer one is wrong; it is not hashed whole (that would be an
	// attack on the hasher), but the work is the same.
	tooLong := len(password) > MaxPasswordBytes
	if tooLong {
		password = password[:MaxPasswordBytes]
	}
	u, err := s.store.UserByLogin(ctx, login)
	switch {
	case blog.IsNotFound(err) || login == "" || (err == nil && tooLong):
		s.hasher.VerifyDummy(password)
		u = nil
	case err != nil:
		return nil, err
	}
	if u != nil {
		ok, rehash := s.hasher.Verify(u.PasswordHash, password)
		if !ok {
			u = nil
		} else if rehash {
			if h, err := s.hasher.Hash(password); err == nil {
				if err := s.store.RehashPassword(ctx, u.ID, u.PasswordHash, h); err != nil {
					s.log.Warn("rehashing a password", "user", u.Username, "error", err)
				}
			}
		}
	}
	if u == nil {
		if err := s.fail(ctx, now, scopes); err != nil {
			return nil, err
		}
		return nil, errBadLogin
	}
	if err := s.store.ClearLoginFailures(ctx, "login:"+login); err != nil {
		return nil, err
	}
	stage := blog.StageFull
	if _, err := s.store.TOTP(ctx, u.ID); err == nil {
		stage = blog.StageSecondFactor
	} else if !blog.IsNotFound(err) {
		return nil, err
	}
	return s.startSession(w, r, u, stage)
}

// SecondFactor completes a login that waits for its code: a TOTP code of
// the account's authenticator, or one of its unused recovery codes. On
// success the waiting session is replaced by a full one (a new token).
func (s *Service) SecondFactor(w http.ResponseWriter, r *http.Request, pending *Identity, code string) (*Identity, error) {
	if pending == nil || pending.Session.Stage != blog.StageSecondFactor {
		return nil, blog.Errorf(blog.EUNAUTHORIZED, "Log in with your password first.")
	}
	ctx := r.Context()
	now := s.clock.Now()
	u := pending.User
	scopes := map[string]Limit{"second-factor:" + u.Username: secondFactorLimit, ipScope(s.proxies.ClientIP(r)): s.ip}
	if err := s.checkLimits(ctx, now, scopes); err != nil {
		return nil, err
	}
	ok, err := s.checkSecondFactor(ctx, u.ID, code, now)
	if err != nil {
		return nil, err
	}
	if !ok {
		if err := s.fail(ctx, now, scopes); err != nil {
			return nil, err
		}
		return nil, blog.Errorf(blog.EUNAUTHORIZED, "That code is not right. Use the 6-digit code your authenticator app shows now, or a recovery code.")
	}
	if err := s.store.ClearLoginFailures(ctx, "second-factor:"+u.Username); err != nil {
		return nil, err
	}
	if err := s.store.DeleteSession(ctx, u.ID, pending.Session.ID); err != nil && !blog.IsNotFound(err) {
		return nil, err
	}
	return s.startSession(w, r, u, blog.StageFull)
}

// Logout ends the request's session and clears its cookie.
func (s *Service) Logout(w http.ResponseWriter, r *http.Request, id *Identity) error {
	s.setCookie(w, r, sessionCookie, "", time.Time{})
	if id == nil {
		return nil
	}
	err := s.store.DeleteSession(r.Context(), id.User.ID, id.Session.ID)
	if blog.IsNotFound(err) {
		return nil
	}
	return err
}

// Sessions lists the user's full sessions, most recently active first,
// leaving out those that have ended.
func (s *Service) Sessions(ctx context.Context, id *Identity) ([]*blog.Session, error) {
	all, err := s.store.UserSessions(ctx, id.User.ID)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	var out []*blog.Session
	for _, ss := range all {
		if ss.Stage == blog.StageFull && !s.ended(ss, now) {
			out = append(out, ss)
		}
	}
	return out, nil
}

// EndSession ends another session of the same user.
func (s *Service) EndSession(ctx context.Context, id *Identity, sessionID int64) error {
	if sessionID == id.Session.ID {
		return blog.Errorf(blog.EINVALID, "To end this session, log out.")
	}
	return s.store.DeleteSession(ctx, id.User.ID, sessionID)
}

// LogoutEverywhere ends every session of the user, this one included.
func (s *Service) LogoutEverywhere(w http.ResponseWriter, r *http.Request, id *Identity) error {
	s.setCookie(w, r, sessionCookie, "", time.Time{})
	return s.store.DeleteUserSessions(r.Context(), id.User.ID, 0)
}

// IsLimit reports whether err is a rate limit, and returns it.
func IsLimit(err error) (*LimitError, bool) {
	var le *LimitError
	ok := errors.As(err, &le)
	return le, ok
}
