package auth

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"image/png"
	"net/url"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"octavo/internal/blog"
)

// TOTP parameters: RFC 6238 with the values every authenticator app
// supports: HMAC-SHA1, 6 digits, 30-second steps, and one step of clock
// drift allowed either way.
const (
	totpPeriod = 30
	totpSkew   = 1
	// RecoveryCodes is how many recovery codes a user gets.
	RecoveryCodes = 10
)

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// TOTPSetup is what a user needs to add the account to an authenticator
// app: the secret (to type), the otpauth:// URL and a QR code of it (a PNG
// data URL).
type TOTPSetup struct {
	Secret string
	URL    string
	QR     string
}

// NewTOTPSetup makes a fresh secret (160 bits, as RFC 4226 recommends) for u.
func (s *Service) NewTOTPSetup(u *blog.User) (*TOTPSetup, error) {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	return s.TOTPSetupFor(u, b32.EncodeToString(b))
}

// TOTPSetupFor describes an existing secret (a form shown again).
func (s *Service) TOTPSetupFor(u *blog.User, secret string) (*TOTPSetup, error) {
	secret = normalizeSecret(secret)
	if raw, err := b32.DecodeString(secret); err != nil || len(raw) < 16 || len(raw) > 64 {
		return nil, blog.Errorf(blog.EINVALID, "The two-factor secret is not valid: start again.")
	}
	v := url.Values{}
	v.Set("secret", secret)
	v.Set("issuer", s.issuer)
	v.Set("algorithm", "SHA1")
	v.Set("digits", "6")
	v.Set("period", "30")
	link := (&url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + s.issuer + ":" + u.Username, RawQuery: v.Encode()}).String()
	key, err := otp.NewKeyFromURL(link)
	if err != nil {
		return nil, blog.Wrap(blog.EINTERNAL, err, "making the two-factor QR code")
	}
	img, err := key.Image(264, 264)
	if err != nil {
		return nil, blog.Wrap(blog.EINTERNAL, err, "making the two-factor QR code")
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, blog.Wrap(blog.EINTERNAL, err, "making the two-factor QR code")
	}
	return &TOTPSetup{Secret: secret, URL: link, QR: "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes())}, nil
}

func normalizeSecret(s string) string {
	return strings.ToUpper(strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '=' {
			return -1
		}
		return r
	}, s))
}

// TOTPCode is the code an authenticator app shows for secret at t.
func TOTPCode(secret string, t time.Time) (string, error) {
	return totp.GenerateCodeCustom(normalizeSecret(secret), t, totpOpts)
}

// matchTOTP returns the time step whose code code is, within the allowed
// drift around now, or false.
func matchTOTP(secret, code string, now time.Time) (int64, bool) {
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != 6 {
		return 0, false
	}
	step := now.Unix() / totpPeriod
	for d := int64(-totpSkew); d <= totpSkew; d++ {
		want, err := totp.GenerateCodeCustom(secret, time.Unix((step+d)*totpPeriod, 0), totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step + d, true
		}
	}
	return 0, false
}

// EnableTOTP turns two-factor on for the logged-in user, who proves they
// know the password and that the authenticator app has the secret (a code
// of it). It returns the recovery codes, which are shown once and stored
// only as hashes.
func (s *Service) EnableTOTP(ctx context.Context, id *Identity, secret, code, password string) ([]string, error) {
	if ok, _ := s.hasher.Verify(id.User.PasswordHash, password); !ok {
		return nil, blog.Errorf(blog.EINVALID, "The current password is wrong.")
	}
	secret = normalizeSecret(secret)
	if raw, err := b32.DecodeString(secret); err != nil || len(raw) < 16 {
		return nil, blog.Errorf(blog.EINVALID, "The two-factor secret is not valid: start again.")
	}
	now := s.clock.Now()
	step, ok := matchTOTP(secret, code, now)
	if !ok {
		return nil, blog.Errorf(blog.EINVALID, "That code is not right: type the 6-digit code your authenticator app shows now for this account.")
	}
	codes := make([]string, RecoveryCodes)
	hashes := make([]string, RecoveryCodes)
	for i := range codes {
		b := make([]byte, 10) // 80 bits
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		c := b32.EncodeToString(b) // 16 characters
		codes[i] = c[0:4] + "-" + c[4:8] + "-" + c[8:12] + "-" + c[12:16]
		hashes[i] = HashToken(c)
	}
	if err := s.store.EnableTOTP(ctx, &blog.TOTP{UserID: id.User.ID, Secret: secret, LastStep: step, EnabledAt: now}, hashes); err != nil {
		return nil, err
	}
	return codes, nil
}

// DisableTOTP turns two-factor off, with the current password.
func (s *Service) DisableTOTP(ctx context.Context, id *Identity, password string) error {
	if ok, _ := s.hasher.Verify(id.User.PasswordHash, password); !ok {
		return blog.Errorf(blog.EINVALID, "The current password is wrong.")
	}
	return s.store.DisableTOTP(ctx, id.User.ID)
}

// TwoFactorStatus reports whether a user has two-factor on, and how many
// recovery codes are left.
func (s *Service) TwoFactorStatus(ctx context.Context, userID int64) (on bool, codesLeft int, err error) {
	if _, err := s.store.TOTP(ctx, userID); blog.IsNotFound(err) {
		return false, 0, nil
	} else if err != nil {
		return false, 0, err
	}
	n, err := s.store.RecoveryCodesLeft(ctx, userID)
	return true, n, err
}

// checkSecondFactor checks a TOTP code (once per time step) or spends a
// recovery code.
func (s *Service) checkSecondFactor(ctx context.Context, userID int64, code string, now time.Time) (bool, error) {
	t, err := s.store.TOTP(ctx, userID)
	if blog.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if step, ok := matchTOTP(t.Secret, code, now); ok {
		return s.store.UseTOTPStep(ctx, userID, step)
	}
	rc := strings.ToUpper(strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, code))
	if len(rc) != 16 {
		return false, nil
	}
	return s.store.UseRecoveryCode(ctx, userID, HashToken(rc), now)
}
