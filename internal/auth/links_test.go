package auth

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"octavo/internal/blog"
)

// tokenOf is the token at the end of a one-time link.
func tokenOf(t *testing.T, l *Link, path string) string {
	t.Helper()
	tok, ok := strings.CutPrefix(l.URL, "https://blog.example.org"+path)
	if !ok || len(tok) != 43 {
		t.Fatalf("link %q", l.URL)
	}
	return tok
}

func TestSetupLink(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	l, err := e.svc.SetupLink(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !l.Expires.Equal(t0.Add(time.Hour)) {
		t.Errorf("expires %v", l.Expires)
	}
	tok := tokenOf(t, l, SetupPath)
	// Only the hash is stored.
	var n int
	if err := e.store.DB().QueryRow(`SELECT COUNT(*) FROM account_tokens WHERE token_hash = ?`, HashToken(tok)).Scan(&n); err != nil || n != 1 {
		t.Fatalf("stored hash: %d %v", n, err)
	}
	if err := e.store.DB().QueryRow(`SELECT COUNT(*) FROM account_tokens WHERE token_hash = ?`, tok).Scan(&n); err != nil || n != 0 {
		t.Fatalf("the raw token must not be stored")
	}
	create := func(tok, name string) (*Identity, error) {
		return e.svc.CompleteSetup(httptest.NewRecorder(), request("POST", SetupPath+tok, "192.0.2.1:1"), tok,
			NewAccount{Username: name, Email: name + "@example.org", Password: goodPassword})
	}
	if _, err := create(tok, "x"); blog.ErrorCode(err) != blog.EINVALID {
		t.Errorf("a bad username: %v", err)
	}
	if _, err := e.svc.CheckLink(ctx, blog.TokenSetup, tok); err != nil {
		t.Errorf("a refused form must not spend the link: %v", err)
	}
	id, err := create(tok, "Owner")
	if err != nil {
		t.Fatal(err)
	}
	if id.User.Role != blog.RoleOwner || id.User.Username != "owner" || id.Session.Stage != blog.StageFull {
		t.Errorf("setup made %+v", id.User)
	}
	if _, err := create(tok, "second"); blog.ErrorCode(err) != blog.ENOTFOUND {
		t.Errorf("setup link used twice: %v", err)
	}
	if _, err := e.svc.SetupLink(ctx); blog.ErrorCode(err) != blog.ECONFLICT {
		t.Errorf("a setup link once an owner exists: %v", err)
	}
}

func TestSetupLinkExpires(t *testing.T) {
	e := newEnv(t)
	l, err := e.svc.SetupLink(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tok := tokenOf(t, l, SetupPath)
	e.clock.T = t0.Add(time.Hour - time.Millisecond)
	if _, err := e.svc.CheckLink(context.Background(), blog.TokenSetup, tok); err != nil {
		t.Errorf("a minute before expiry: %v", err)
	}
	e.clock.T = t0.Add(time.Hour)
	_, err = e.svc.CompleteSetup(httptest.NewRecorder(), request("POST", "/", "192.0.2.1:1"), tok,
		NewAccount{Username: "owner", Password: goodPassword})
	if blog.ErrorCode(err) != blog.ENOTFOUND {
		t.Errorf("an hour later: %v", err)
	}
	if ok, _ := e.store.HasOwner(context.Background()); ok {
		t.Error("an expired link created an owner")
	}
}

func TestInviteLink(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	owner := e.addUser(t, "owner", blog.RoleOwner)
	if _, err := e.svc.InviteLink(ctx, owner.ID, "admin"); blog.ErrorCode(err) != blog.EINVALID {
		t.Errorf("an unknown role: %v", err)
	}
	l, err := e.svc.InviteLink(ctx, owner.ID, blog.RoleEditor)
	if err != nil {
		t.Fatal(err)
	}
	if !l.Expires.Equal(t0.Add(InviteLinkTTL)) {
		t.Errorf("expires %v", l.Expires)
	}
	tok := tokenOf(t, l, InvitePath)
	accept := func(name string) (*Identity, error) {
		return e.svc.AcceptInvite(httptest.NewRecorder(), request("POST", InvitePath+tok, "192.0.2.1:1"), tok,
			NewAccount{Username: name, Password: goodPassword})
	}
	if _, err := accept("owner"); blog.ErrorCode(err) != blog.ECONFLICT {
		t.Errorf("a taken username: %v", err)
	}
	id, err := accept("eddie")
	if err != nil || id.User.Role != blog.RoleEditor || id.User.DisplayName != "eddie" {
		t.Fatalf("accept: %+v %v", id, err)
	}
	if _, err := accept("eddie2"); blog.ErrorCode(err) != blog.ENOTFOUND {
		t.Errorf("an invitation used twice: %v", err)
	}
}

func TestResetLink(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	owner := e.addUser(t, "owner", blog.RoleOwner)
	ada := e.addUser(t, "ada", blog.RoleAuthor)
	_, c, _ := e.login(t, "ada", goodPassword, "192.0.2.1:1")
	if _, err := e.svc.ResetLink(ctx, owner.ID, 999); blog.ErrorCode(err) != blog.ENOTFOUND {
		t.Errorf("a reset link for nobody: %v", err)
	}
	l, err := e.svc.ResetLink(ctx, owner.ID, ada.ID)
	if err != nil {
		t.Fatal(err)
	}
	tok := tokenOf(t, l, ResetPath)
	if _, err := e.svc.ResetPassword(ctx, tok, "ada"); blog.ErrorCode(err) != blog.EINVALID {
		t.Errorf("a weak new password: %v", err)
	}
	u, err := e.svc.ResetPassword(ctx, tok, "a brand new passphrase")
	if err != nil || u.ID != ada.ID {
		t.Fatalf("reset: %v %v", u, err)
	}
	if e.authenticate(t, c) != nil {
		t.Error("a reset must end the user's sessions")
	}
	if _, _, err := e.login(t, "ada", "a brand new passphrase", "192.0.2.1:1"); err != nil {
		t.Error(err)
	}
	if _, err := e.svc.ResetPassword(ctx, tok, "yet another passphrase"); blog.ErrorCode(err) != blog.ENOTFOUND {
		t.Errorf("a reset link used twice: %v", err)
	}
	// A setup token is not a reset token.
	if _, err := e.svc.CheckLink(ctx, blog.TokenSetup, tok); blog.ErrorCode(err) != blog.ENOTFOUND {
		t.Errorf("a reset link as a setup link: %v", err)
	}
}
