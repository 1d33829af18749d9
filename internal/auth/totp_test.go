package auth

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"octavo/internal/blog"
)

// TestTOTPVectors checks the code generator against RFC 6238's test
// vectors (appendix B, SHA-1, last 6 of the 8 digits).
func TestTOTPVectors(t *testing.T) {
	secret := b32.EncodeToString([]byte("12345678901234567890"))
	for unix, want := range map[int64]string{59: "287082", 1111111109: "081804", 1234567890: "005924", 2000000000: "279037"} {
		got, err := TOTPCode(secret, time.Unix(unix, 0))
		if err != nil || got != want {
			t.Errorf("TOTPCode at %d = %s %v, want %s", unix, got, err, want)
		}
	}
}

func TestTwoFactorLogin(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ada := e.addUser(t, "ada", blog.RoleAuthor)
	id, _, err := e.login(t, "ada", goodPassword, "192.0.2.1:1")
	if err != nil {
		t.Fatal(err)
	}
	setup, err := e.svc.NewTOTPSetup(ada)
	if err != nil {
		t.Fatal(err)
	}
	if len(setup.Secret) != 32 || !strings.HasPrefix(setup.QR, "data:image/png;base64,") ||
		!strings.HasPrefix(setup.URL, "otpauth://totp/Octavo:ada?") || !strings.Contains(setup.URL, "secret="+setup.Secret) {
		t.Errorf("setup %+v", setup)
	}
	// Enabling needs the password and a current code.
	code, _ := TOTPCode(setup.Secret, e.clock.T)
	if _, err := e.svc.EnableTOTP(ctx, id, setup.Secret, code, "wrong password!"); blog.ErrorCode(err) != blog.EINVALID {
		t.Errorf("enable with a wrong password: %v", err)
	}
	stale, _ := TOTPCode(setup.Secret, e.clock.T.Add(-2*time.Minute))
	if _, err := e.svc.EnableTOTP(ctx, id, setup.Secret, stale, goodPassword); blog.ErrorCode(err) != blog.EINVALID {
		t.Errorf("enable with a stale code: %v", err)
	}
	codes, err := e.svc.EnableTOTP(ctx, id, setup.Secret, code, goodPassword)
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != RecoveryCodes || len(codes[0]) != 19 {
		t.Fatalf("recovery codes %v", codes)
	}
	if on, left, _ := e.svc.TwoFactorStatus(ctx, ada.ID); !on || left != RecoveryCodes {
		t.Errorf("status: %v %d", on, left)
	}

	// The password alone now gives a session that waits for the code.
	e.clock.T = t0.Add(5 * time.Minute)
	pending, pc, err := e.login(t, "ada", goodPassword, "192.0.2.1:1")
	if err != nil || pending.Session.Stage != blog.StageSecondFactor {
		t.Fatalf("login: %+v %v", pending, err)
	}
	second := func(c string) (*Identity, error) {
		w := httptest.NewRecorder()
		return e.svc.SecondFactor(w, request("POST", SecondFactorPath, "192.0.2.1:1", pc), pending, c)
	}
	if _, err := second("000000"); blog.ErrorCode(err) != blog.EUNAUTHORIZED {
		t.Errorf("a wrong code: %v", err)
	}
	old, _ := TOTPCode(setup.Secret, e.clock.T.Add(-90*time.Second))
	if _, err := second(old); err == nil {
		t.Error("a code three steps old was accepted")
	}
	// One step of drift either way is allowed.
	drift, _ := TOTPCode(setup.Secret, e.clock.T.Add(-30*time.Second))
	full, err := second(drift)
	if err != nil || full.Session.Stage != blog.StageFull || full.Session.TokenHash == pending.Session.TokenHash {
		t.Fatalf("code: %+v %v", full, err)
	}
	if e.authenticate(t, pc) != nil {
		t.Error("the waiting session must be replaced")
	}

	// The same code cannot be used again (replay), nor an older one.
	pending, pc, _ = e.login(t, "ada", goodPassword, "192.0.2.1:1")
	if _, err := second(drift); err == nil {
		t.Error("a code was accepted twice")
	}
	now, _ := TOTPCode(setup.Secret, e.clock.T)
	if _, err := second(now); err != nil {
		t.Errorf("the next step's code: %v", err)
	}

	// A recovery code works once, typed loosely.
	pending, pc, _ = e.login(t, "ada", goodPassword, "192.0.2.1:1")
	loose := strings.ToLower(strings.ReplaceAll(codes[3], "-", " "))
	if _, err := second(loose); err != nil {
		t.Errorf("recovery code %q: %v", loose, err)
	}
	pending, pc, _ = e.login(t, "ada", goodPassword, "192.0.2.1:1")
	if _, err := second(codes[3]); err == nil {
		t.Error("a recovery code worked twice")
	}
	if _, left, _ := e.svc.TwoFactorStatus(ctx, ada.ID); left != RecoveryCodes-1 {
		t.Errorf("codes left %d", left)
	}

	// A waiting session expires after five minutes.
	e.clock.T = e.clock.T.Add(time.Hour)
	pending, pc, _ = e.login(t, "ada", goodPassword, "192.0.2.1:1")
	e.clock.T = e.clock.T.Add(SecondFactorTimeout)
	if e.authenticate(t, pc) != nil {
		t.Error("a waiting session outlived its five minutes")
	}

	// Disabling needs the password.
	if err := e.svc.DisableTOTP(ctx, full, "nope nope nope"); blog.ErrorCode(err) != blog.EINVALID {
		t.Errorf("disable with a wrong password: %v", err)
	}
	if err := e.svc.DisableTOTP(ctx, full, goodPassword); err != nil {
		t.Fatal(err)
	}
	if id, _, err := e.login(t, "ada", goodPassword, "192.0.2.1:1"); err != nil || id.Session.Stage != blog.StageFull {
		t.Errorf("login after disabling: %v %v", id, err)
	}
}

func TestSecondFactorRateLimit(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ada := e.addUser(t, "ada", blog.RoleAuthor)
	id, _, _ := e.login(t, "ada", goodPassword, "192.0.2.1:1")
	setup, _ := e.svc.NewTOTPSetup(ada)
	code, _ := TOTPCode(setup.Secret, e.clock.T)
	if _, err := e.svc.EnableTOTP(ctx, id, setup.Secret, code, goodPassword); err != nil {
		t.Fatal(err)
	}
	e.clock.T = t0.Add(time.Minute)
	pending, pc, _ := e.login(t, "ada", goodPassword, "192.0.2.1:1")
	for range 5 {
		e.svc.SecondFactor(httptest.NewRecorder(), request("POST", SecondFactorPath, "192.0.2.1:1", pc), pending, "123456")
	}
	right, _ := TOTPCode(setup.Secret, e.clock.T)
	_, err := e.svc.SecondFactor(httptest.NewRecorder(), request("POST", SecondFactorPath, "192.0.2.1:1", pc), pending, right)
	if _, ok := IsLimit(err); !ok {
		t.Errorf("after 5 wrong codes even the right one must wait: %v", err)
	}
}
