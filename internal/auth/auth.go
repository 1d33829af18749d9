// Package auth is Octavo's accounts and security: argon2id passwords and
// the password policy, server-side sessions with idle and absolute expiry,
// CSRF tokens, login rate limits, TOTP two-factor with recovery codes,
// one-time links (owner setup, invitations, password resets), and the one
// table of what each role may do, with the middleware that enforces it.
//
// Everything that says "now" asks the one blog.Clock it is given, so tests
// set the time. Secrets that reach a browser (session tokens, one-time
// links, recovery codes) are stored as SHA-256 hashes only.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"log/slog"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"octavo/internal/blog"
)

// Lifetimes of sessions and one-time links, unless Options say otherwise.
const (
	DefaultIdleTimeout     = 7 * 24 * time.Hour  // a session unused this long ends
	DefaultAbsoluteTimeout = 30 * 24 * time.Hour // every session ends this long after login
	SecondFactorTimeout    = 5 * time.Minute     // to type the code after the password
	SetupLinkTTL           = time.Hour
	InviteLinkTTL          = 7 * 24 * time.Hour
	ResetLinkTTL           = 24 * time.Hour
)

// Options configure a Service.
type Options struct {
	Store blog.Accounts
	Clock blog.Clock
	// Params are the argon2id parameters of new hashes (DefaultParams when
	// zero; tests pass TestParams).
	Params Params
	// BaseURL is the blog's public URL, for the one-time links.
	BaseURL string
	// TrustedProxies are the addresses whose X-Forwarded-For and
	// X-Forwarded-Proto headers are believed (see ParseProxies).
	TrustedProxies Proxies
	// IdleTimeout and AbsoluteTimeout bound sessions (defaults above).
	IdleTimeout, AbsoluteTimeout time.Duration
	// AccountLimit and IPLimit bound failed logins (DefaultAccountLimit,
	// DefaultIPLimit when zero).
	AccountLimit, IPLimit Limit
	// Issuer names the blog in authenticator apps ("Octavo" when empty).
	Issuer string
	Log    *slog.Logger
}

// Service is accounts and security for one blog.
type Service struct {
	store    blog.Accounts
	clock    blog.Clock
	hasher   *Hasher
	base     string
	proxies  Proxies
	idle     time.Duration
	absolute time.Duration
	account  Limit
	ip       Limit
	issuer   string
	log      *slog.Logger

	lastCleanup atomic.Int64 // Unix ms of the last sweep of old rows
}

// New returns a Service.
func New(o Options) *Service {
	if o.Clock == nil {
		o.Clock = blog.SystemClock{}
	}
	if o.Params == (Params{}) {
		o.Params = DefaultParams
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = DefaultIdleTimeout
	}
	if o.AbsoluteTimeout <= 0 {
		o.AbsoluteTimeout = DefaultAbsoluteTimeout
	}
	if o.AccountLimit == (Limit{}) {
		o.AccountLimit = DefaultAccountLimit
	}
	if o.IPLimit == (Limit{}) {
		o.IPLimit = DefaultIPLimit
	}
	if o.Issuer == "" {
		o.Issuer = "Octavo"
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: o.Store, clock: o.Clock, hasher: NewHasher(o.Params), base: strings.TrimSuffix(o.BaseURL, "/"),
		proxies: o.TrustedProxies, idle: o.IdleTimeout, absolute: o.AbsoluteTimeout, account: o.AccountLimit, ip: o.IPLimit,
		issuer: o.Issuer, log: o.Log}
}

// Store returns the accounts store.
func (s *Service) Store() blog.Accounts { return s.store }

// Now is the service's clock's time.
func (s *Service) Now() time.Time { return s.clock.Now() }

// Hasher returns the password hasher.
func (s *Service) Hasher() *Hasher { return s.hasher }

// Proxies returns the trusted proxies.
func (s *Service) Proxies() Proxies { return s.proxies }

// newToken returns a fresh random token (32 bytes, base64url, 43
// characters): session cookies, one-time links, CSRF secrets.
func newToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken is how a token is stored: its SHA-256, in hex. Tokens are 256
// random bits, so a fast hash is enough; a slow one would only slow down
// every request.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// link is an absolute URL of the admin with a token as its last segment.
func (s *Service) link(path, token string) string {
	return s.base + path + url.PathEscape(token)
}

// cleanup sweeps expired sessions and old failed logins, at most every
// ten minutes per process, on the back of a login: no goroutine needed.
func (s *Service) cleanup(ctx context.Context) {
	now := s.clock.Now()
	last := s.lastCleanup.Load()
	if now.UnixMilli()-last < (10*time.Minute).Milliseconds() || !s.lastCleanup.CompareAndSwap(last, now.UnixMilli()) {
		return
	}
	if _, err := s.store.DeleteExpiredSessions(ctx, now, now.Add(-s.idle)); err != nil {
		s.log.Warn("removing expired sessions", "error", err)
	}
	if err := s.store.PruneLoginFailures(ctx, now.Add(-max(s.account.Window, s.ip.Window, secondFactorLimit.Window))); err != nil {
		s.log.Warn("pruning failed logins", "error", err)
	}
}
