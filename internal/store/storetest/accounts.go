package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"octavo/internal/blog"
	"octavo/internal/content"
)

// accountTests check users, sessions, one-time links, two-factor and
// failed logins (blog.Accounts).
var accountTests = []struct {
	name string
	fn   func(*testing.T, blog.Accounts)
}{
	{"Users", testAccountUsers},
	{"Sessions", testAccountSessions},
	{"Tokens", testAccountTokens},
	{"TokenRace", testAccountTokenRace},
	{"TwoFactor", testAccountTwoFactor},
	{"LoginFailures", testAccountLoginFailures},
}

// accountsSuite runs accountTests, each in a subtest on a fresh store of
// its own (open), so that one's users do not meet another's.
func accountsSuite(open Open) func(*testing.T, Store, *content.Service, *blog.FixedClock) {
	return func(t *testing.T, _ Store, _ *content.Service, _ *blog.FixedClock) {
		for _, tt := range accountTests {
			t.Run(tt.name, func(t *testing.T) {
				s := open(t)
				a, ok := s.(blog.Accounts)
				if !ok {
					t.Fatalf("%T does not implement blog.Accounts", s)
				}
				tt.fn(t, a)
			})
		}
	}
}

func mustUser(t *testing.T, a blog.Accounts, name string, role blog.Role) *blog.User {
	t.Helper()
	u := &blog.User{Username: name, Email: name + "@example.org", DisplayName: name, Role: role, PasswordHash: "hash-" + name, CreatedAt: t0}
	if err := a.CreateUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

func wantCode(t *testing.T, what string, err error, code blog.Code) {
	t.Helper()
	if code == "" {
		if err != nil {
			t.Errorf("%s: want no error, got %v", what, err)
		}
		return
	}
	if blog.ErrorCode(err) != code {
		t.Errorf("%s: want code %q, got %v", what, code, err)
	}
}

func testAccountUsers(t *testing.T, a blog.Accounts) {
	ctx := context.Background()
	if ok, err := a.HasOwner(ctx); err != nil || ok {
		t.Fatalf("HasOwner of a new blog: %v %v", ok, err)
	}
	zed := mustUser(t, a, "zed", blog.RoleOwner)
	ada := mustUser(t, a, "ada", blog.RoleAuthor)
	if ok, err := a.HasOwner(ctx); err != nil || !ok {
		t.Fatalf("HasOwner: %v %v", ok, err)
	}
	u, err := a.UserByID(ctx, ada.ID)
	if err != nil || u.Username != "ada" || u.Email != "ada@example.org" || u.Role != blog.RoleAuthor || u.PasswordHash != "hash-ada" || !u.CreatedAt.Equal(t0) {
		t.Errorf("UserByID: %+v %v", u, err)
	}
	for _, login := range []string{"ada", "ada@example.org"} {
		if u, err := a.UserByLogin(ctx, login); err != nil || u.ID != ada.ID {
			t.Errorf("UserByLogin(%q): %+v %v", login, u, err)
		}
	}
	_, err = a.UserByLogin(ctx, "nobody")
	wantCode(t, "UserByLogin(nobody)", err, blog.ENOTFOUND)
	_, err = a.UserByID(ctx, 9999)
	wantCode(t, "UserByID(9999)", err, blog.ENOTFOUND)
	// A user without an email address is found by username only.
	bare := &blog.User{Username: "bare", DisplayName: "Bare", Role: blog.RoleContributor}
	if err := a.CreateUser(ctx, bare); err != nil {
		t.Fatal(err)
	}
	if _, err := a.UserByLogin(ctx, ""); blog.ErrorCode(err) != blog.ENOTFOUND {
		t.Errorf("UserByLogin(\"\") must not find the user without email: %v", err)
	}
	users, err := a.ListUsers(ctx)
	if err != nil || len(users) != 3 || users[0].Username != "ada" || users[1].Username != "bare" || users[2].Username != "zed" || users[1].Email != "" {
		t.Errorf("ListUsers: %v %v", users, err)
	}

	// The last owner stays an owner.
	wantCode(t, "demoting the last owner", a.SetUserRole(ctx, zed.ID, blog.RoleEditor), blog.ECONFLICT)
	if err := a.SetUserRole(ctx, ada.ID, blog.RoleOwner); err != nil {
		t.Fatal(err)
	}
	if err := a.SetUserRole(ctx, zed.ID, blog.RoleEditor); err != nil {
		t.Fatalf("demoting one of two owners: %v", err)
	}
	if u, _ := a.UserByID(ctx, zed.ID); u.Role != blog.RoleEditor {
		t.Errorf("role after change: %s", u.Role)
	}
	wantCode(t, "SetUserRole(9999)", a.SetUserRole(ctx, 9999, blog.RoleEditor), blog.ENOTFOUND)

	// A new password ends the other sessions.
	keep, other := newSession(t, a, ada.ID, "keep"), newSession(t, a, ada.ID, "other")
	zedSession := newSession(t, a, zed.ID, "zed")
	if err := a.SetPasswordHash(ctx, ada.ID, "new-hash", keep.ID); err != nil {
		t.Fatal(err)
	}
	if u, _ := a.UserByID(ctx, ada.ID); u.PasswordHash != "new-hash" {
		t.Errorf("hash after change: %q", u.PasswordHash)
	}
	for _, c := range []struct {
		ss   *blog.Session
		want blog.Code
	}{{keep, ""}, {other, blog.ENOTFOUND}, {zedSession, ""}} {
		_, err := a.SessionByToken(ctx, c.ss.TokenHash)
		wantCode(t, "session "+c.ss.TokenHash+" after a password change", err, c.want)
	}
	wantCode(t, "SetPasswordHash(9999)", a.SetPasswordHash(ctx, 9999, "x", 0), blog.ENOTFOUND)

	// A rehash swaps the hash only if it is still the old one, and keeps
	// the sessions.
	if err := a.RehashPassword(ctx, ada.ID, "stale-hash", "rehashed"); err != nil {
		t.Fatal(err)
	}
	if u, _ := a.UserByID(ctx, ada.ID); u.PasswordHash != "new-hash" {
		t.Errorf("a rehash of a changed password must do nothing, got %q", u.PasswordHash)
	}
	if err := a.RehashPassword(ctx, ada.ID, "new-hash", "rehashed"); err != nil {
		t.Fatal(err)
	}
	if u, _ := a.UserByID(ctx, ada.ID); u.PasswordHash != "rehashed" {
		t.Errorf("hash after rehash: %q", u.PasswordHash)
	}
	if _, err := a.SessionByToken(ctx, keep.TokenHash); err != nil {
		t.Errorf("a rehash must keep the sessions: %v", err)
	}
}

func newSession(t *testing.T, a blog.Accounts, userID int64, token string) *blog.Session {
	t.Helper()
	ss := &blog.Session{TokenHash: "hash-of-" + token, UserID: userID, Stage: blog.StageFull, CreatedAt: t0,
		ExpiresAt: t0.Add(30 * 24 * time.Hour), IP: "192.0.2.1", UserAgent: "Test/1.0"}
	if err := a.CreateSession(context.Background(), ss); err != nil {
		t.Fatal(err)
	}
	if ss.ID == 0 {
		t.Fatal("CreateSession set no ID")
	}
	return ss
}

func testAccountSessions(t *testing.T, a blog.Accounts) {
	ctx := context.Background()
	ada, bob := mustUser(t, a, "ada", blog.RoleOwner), mustUser(t, a, "bob", blog.RoleEditor)
	s1 := newSession(t, a, ada.ID, "one")
	s2 := &blog.Session{TokenHash: "hash-of-two", UserID: ada.ID, Stage: blog.StageSecondFactor, CreatedAt: t0.Add(time.Minute),
		ExpiresAt: t0.Add(6 * time.Minute)}
	if err := a.CreateSession(ctx, s2); err != nil {
		t.Fatal(err)
	}
	sb := newSession(t, a, bob.ID, "bob")

	got, err := a.SessionByToken(ctx, "hash-of-one")
	if err != nil || got.ID != s1.ID || got.UserID != ada.ID || got.Stage != blog.StageFull || !got.CreatedAt.Equal(t0) ||
		!got.LastSeenAt.Equal(t0) || !got.ExpiresAt.Equal(s1.ExpiresAt) || got.IP != "192.0.2.1" || got.UserAgent != "Test/1.0" {
		t.Errorf("SessionByToken: %+v %v", got, err)
	}
	_, err = a.SessionByToken(ctx, "hash-of-nothing")
	wantCode(t, "SessionByToken(unknown)", err, blog.ENOTFOUND)

	// Touching moves last_seen_at forward only.
	if err := a.TouchSession(ctx, s1.ID, t0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := a.TouchSession(ctx, s1.ID, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.SessionByToken(ctx, "hash-of-one"); !got.LastSeenAt.Equal(t0.Add(2 * time.Hour)) {
		t.Errorf("last seen %v, want %v", got.LastSeenAt, t0.Add(2*time.Hour))
	}
	list, err := a.UserSessions(ctx, ada.ID)
	if err != nil || len(list) != 2 || list[0].ID != s1.ID || list[1].ID != s2.ID {
		t.Errorf("UserSessions: %v %v", list, err)
	}

	// A user ends only their own sessions.
	wantCode(t, "deleting another user's session", a.DeleteSession(ctx, ada.ID, sb.ID), blog.ENOTFOUND)
	if err := a.DeleteSession(ctx, ada.ID, s2.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, "deleting it twice", a.DeleteSession(ctx, ada.ID, s2.ID), blog.ENOTFOUND)
	s3 := newSession(t, a, ada.ID, "three")
	if err := a.DeleteUserSessions(ctx, ada.ID, s3.ID); err != nil {
		t.Fatal(err)
	}
	if list, _ := a.UserSessions(ctx, ada.ID); len(list) != 1 || list[0].ID != s3.ID {
		t.Errorf("after DeleteUserSessions(except s3): %v", list)
	}
	if err := a.DeleteUserSessions(ctx, ada.ID, 0); err != nil {
		t.Fatal(err)
	}
	if list, _ := a.UserSessions(ctx, ada.ID); len(list) != 0 {
		t.Errorf("after DeleteUserSessions(all): %v", list)
	}
	if list, _ := a.UserSessions(ctx, bob.ID); len(list) != 1 {
		t.Errorf("bob's session must stay: %v", list)
	}

	// Expiry: absolute, then idle.
	old := newSession(t, a, ada.ID, "old") // expires t0+30d, seen t0
	fresh := newSession(t, a, ada.ID, "fresh")
	if err := a.TouchSession(ctx, fresh.ID, t0.Add(10*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	n, err := a.DeleteExpiredSessions(ctx, t0.Add(10*24*time.Hour), t0.Add(3*24*time.Hour))
	if err != nil || n != 2 { // old and bob's, idle since t0
		t.Errorf("DeleteExpiredSessions (idle): %d %v", n, err)
	}
	if _, err := a.SessionByToken(ctx, old.TokenHash); blog.ErrorCode(err) != blog.ENOTFOUND {
		t.Errorf("the idle session must be gone: %v", err)
	}
	n, err = a.DeleteExpiredSessions(ctx, t0.Add(31*24*time.Hour), time.Time{})
	if err != nil || n != 1 {
		t.Errorf("DeleteExpiredSessions (absolute): %d %v", n, err)
	}
}

func testAccountTokens(t *testing.T, a blog.Accounts) {
	ctx := context.Background()
	mk := func(hash string, kind blog.TokenKind, userID int64, role blog.Role, ttl time.Duration) {
		t.Helper()
		if err := a.CreateAccountToken(ctx, &blog.AccountToken{Hash: hash, Kind: kind, UserID: userID, Role: role, CreatedAt: t0, ExpiresAt: t0.Add(ttl)}); err != nil {
			t.Fatal(err)
		}
	}
	mk("setup-1", blog.TokenSetup, 0, "", time.Hour)
	mk("setup-2", blog.TokenSetup, 0, "", time.Hour)
	mk("setup-old", blog.TokenSetup, 0, "", time.Hour)

	tok, err := a.AccountToken(ctx, "setup-1", blog.TokenSetup, t0.Add(59*time.Minute))
	if err != nil || tok.Kind != blog.TokenSetup || !tok.ExpiresAt.Equal(t0.Add(time.Hour)) || !tok.UsedAt.IsZero() {
		t.Errorf("AccountToken: %+v %v", tok, err)
	}
	_, err = a.AccountToken(ctx, "setup-1", blog.TokenSetup, t0.Add(time.Hour))
	wantCode(t, "a link at its expiry", err, blog.ENOTFOUND)
	_, err = a.AccountToken(ctx, "setup-1", blog.TokenInvite, t0)
	wantCode(t, "a link of another kind", err, blog.ENOTFOUND)

	// An expired setup link creates nobody.
	late := &blog.User{Username: "late", DisplayName: "Late", PasswordHash: "h"}
	wantCode(t, "expired setup", a.CreateUserWithToken(ctx, "setup-old", blog.TokenSetup, t0.Add(2*time.Hour), late), blog.ENOTFOUND)
	if late.ID != 0 {
		t.Error("a refused user must have no ID")
	}
	owner := &blog.User{Username: "owner", Email: "owner@example.org", DisplayName: "Owner", Role: blog.RoleContributor, PasswordHash: "h"}
	if err := a.CreateUserWithToken(ctx, "setup-1", blog.TokenSetup, t0.Add(time.Minute), owner); err != nil {
		t.Fatal(err)
	}
	if owner.ID == 0 || owner.Role != blog.RoleOwner {
		t.Errorf("setup made %+v, want an owner", owner)
	}
	again := &blog.User{Username: "again", DisplayName: "Again", PasswordHash: "h"}
	wantCode(t, "a setup link used twice", a.CreateUserWithToken(ctx, "setup-1", blog.TokenSetup, t0.Add(2*time.Minute), again), blog.ENOTFOUND)
	wantCode(t, "a second setup link once an owner exists", a.CreateUserWithToken(ctx, "setup-2", blog.TokenSetup, t0.Add(2*time.Minute), again), blog.ECONFLICT)
	// That refusal rolled back: the second link is still unused.
	if _, err := a.AccountToken(ctx, "setup-2", blog.TokenSetup, t0.Add(3*time.Minute)); err != nil {
		t.Errorf("a refused setup must not spend its link: %v", err)
	}

	// Invitations give their role; a taken username spends nothing.
	mk("invite-1", blog.TokenInvite, 0, blog.RoleEditor, 7*24*time.Hour)
	taken := &blog.User{Username: "owner", DisplayName: "Dup", PasswordHash: "h"}
	wantCode(t, "an invitation for a taken username", a.CreateUserWithToken(ctx, "invite-1", blog.TokenInvite, t0.Add(time.Hour), taken), blog.ECONFLICT)
	ed := &blog.User{Username: "ed", DisplayName: "Ed", PasswordHash: "h"}
	if err := a.CreateUserWithToken(ctx, "invite-1", blog.TokenInvite, t0.Add(time.Hour), ed); err != nil {
		t.Fatalf("the invitation must still work after a refusal: %v", err)
	}
	if got, _ := a.UserByID(ctx, ed.ID); got == nil || got.Role != blog.RoleEditor || !got.CreatedAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("invited user: %+v", got)
	}
	wantCode(t, "an invitation used twice", a.CreateUserWithToken(ctx, "invite-1", blog.TokenInvite, t0.Add(time.Hour),
		&blog.User{Username: "ed2", DisplayName: "Ed", PasswordHash: "h"}), blog.ENOTFOUND)
	wantCode(t, "a reset link cannot create users", a.CreateUserWithToken(ctx, "x", blog.TokenReset, t0, &blog.User{}), blog.EINVALID)

	// A reset link sets the password once and ends every session.
	mk("reset-1", blog.TokenReset, ed.ID, "", 24*time.Hour)
	newSession(t, a, ed.ID, "ed")
	_, err = a.ResetPasswordWithToken(ctx, "reset-1", t0.Add(25*time.Hour), "late-hash")
	wantCode(t, "an expired reset link", err, blog.ENOTFOUND)
	u, err := a.ResetPasswordWithToken(ctx, "reset-1", t0.Add(2*time.Hour), "new-hash")
	if err != nil || u.ID != ed.ID || u.PasswordHash != "new-hash" {
		t.Fatalf("reset: %+v %v", u, err)
	}
	if list, _ := a.UserSessions(ctx, ed.ID); len(list) != 0 {
		t.Errorf("a reset must end the sessions: %v", list)
	}
	_, err = a.ResetPasswordWithToken(ctx, "reset-1", t0.Add(3*time.Hour), "third-hash")
	wantCode(t, "a reset link used twice", err, blog.ENOTFOUND)
	if got, _ := a.UserByID(ctx, ed.ID); got.PasswordHash != "new-hash" {
		t.Errorf("hash %q after a refused second reset", got.PasswordHash)
	}
}

// testAccountTokenRace spends one invitation from many goroutines: exactly
// one account is created.
func testAccountTokenRace(t *testing.T, a blog.Accounts) {
	ctx := context.Background()
	if err := a.CreateAccountToken(ctx, &blog.AccountToken{Hash: "race", Kind: blog.TokenInvite, Role: blog.RoleAuthor, CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			errs[i] = a.CreateUserWithToken(ctx, "race", blog.TokenInvite, t0.Add(time.Minute),
				&blog.User{Username: fmt.Sprintf("racer%d", i), DisplayName: "Racer", PasswordHash: "h"})
		})
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch blog.ErrorCode(err) {
		case blog.ENOTFOUND:
		default:
			if err != nil {
				t.Errorf("unexpected error: %v", err)
				continue
			}
			ok++
		}
	}
	users, _ := a.ListUsers(ctx)
	if ok != 1 || len(users) != 1 {
		t.Errorf("%d spends succeeded and %d users exist, want 1 and 1", ok, len(users))
	}
}

func testAccountTwoFactor(t *testing.T, a blog.Accounts) {
	ctx := context.Background()
	ada := mustUser(t, a, "ada", blog.RoleOwner)
	_, err := a.TOTP(ctx, ada.ID)
	wantCode(t, "TOTP while off", err, blog.ENOTFOUND)
	if err := a.EnableTOTP(ctx, &blog.TOTP{UserID: ada.ID, Secret: "SECRET1", LastStep: 100, EnabledAt: t0}, []string{"c1", "c2", "c3"}); err != nil {
		t.Fatal(err)
	}
	got, err := a.TOTP(ctx, ada.ID)
	if err != nil || got.Secret != "SECRET1" || got.LastStep != 100 || !got.EnabledAt.Equal(t0) {
		t.Errorf("TOTP: %+v %v", got, err)
	}
	for _, c := range []struct {
		step int64
		want bool
	}{{100, false}, {99, false}, {101, true}, {101, false}, {103, true}, {102, false}} {
		if ok, err := a.UseTOTPStep(ctx, ada.ID, c.step); err != nil || ok != c.want {
			t.Errorf("UseTOTPStep(%d) = %v %v, want %v", c.step, ok, err, c.want)
		}
	}
	if n, err := a.RecoveryCodesLeft(ctx, ada.ID); err != nil || n != 3 {
		t.Errorf("RecoveryCodesLeft: %d %v", n, err)
	}
	for _, c := range []struct {
		hash string
		want bool
	}{{"c2", true}, {"c2", false}, {"nope", false}} {
		if ok, err := a.UseRecoveryCode(ctx, ada.ID, c.hash, t0); err != nil || ok != c.want {
			t.Errorf("UseRecoveryCode(%s) = %v %v, want %v", c.hash, ok, err, c.want)
		}
	}
	if n, _ := a.RecoveryCodesLeft(ctx, ada.ID); n != 2 {
		t.Errorf("codes left after one use: %d", n)
	}
	// Enabling again replaces the secret and the codes.
	if err := a.EnableTOTP(ctx, &blog.TOTP{UserID: ada.ID, Secret: "SECRET2", EnabledAt: t0.Add(time.Hour)}, []string{"d1"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.TOTP(ctx, ada.ID); got.Secret != "SECRET2" || got.LastStep != 0 {
		t.Errorf("after re-enabling: %+v", got)
	}
	if ok, _ := a.UseRecoveryCode(ctx, ada.ID, "c1", t0); ok {
		t.Error("an old recovery code must not work after re-enabling")
	}
	if err := a.DisableTOTP(ctx, ada.ID); err != nil {
		t.Fatal(err)
	}
	_, err = a.TOTP(ctx, ada.ID)
	wantCode(t, "TOTP after disabling", err, blog.ENOTFOUND)
	if n, _ := a.RecoveryCodesLeft(ctx, ada.ID); n != 0 {
		t.Errorf("codes left after disabling: %d", n)
	}
	if ok, _ := a.UseTOTPStep(ctx, ada.ID, 500); ok {
		t.Error("UseTOTPStep must refuse when TOTP is off")
	}
}

func testAccountLoginFailures(t *testing.T, a blog.Accounts) {
	ctx := context.Background()
	for i := range 5 {
		if err := a.AddLoginFailure(ctx, []string{"login:ada", "ip:192.0.2.1"}, t0.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.AddLoginFailure(ctx, []string{"ip:192.0.2.1"}, t0.Add(10*time.Minute)); err != nil {
		t.Fatal(err)
	}
	got, err := a.RecentLoginFailures(ctx, "login:ada", t0.Add(time.Minute), 10)
	if err != nil || len(got) != 3 || !got[0].Equal(t0.Add(4*time.Minute)) || !got[2].Equal(t0.Add(2*time.Minute)) {
		t.Errorf("RecentLoginFailures(since t0+1m): %v %v", got, err)
	}
	got, err = a.RecentLoginFailures(ctx, "ip:192.0.2.1", time.Time{}, 2)
	if err != nil || len(got) != 2 || !got[0].Equal(t0.Add(10*time.Minute)) || !got[1].Equal(t0.Add(4*time.Minute)) {
		t.Errorf("RecentLoginFailures(limit 2): %v %v", got, err)
	}
	if err := a.ClearLoginFailures(ctx, "login:ada"); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.RecentLoginFailures(ctx, "login:ada", time.Time{}, 10); len(got) != 0 {
		t.Errorf("after clearing: %v", got)
	}
	if err := a.PruneLoginFailures(ctx, t0.Add(4*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.RecentLoginFailures(ctx, "ip:192.0.2.1", time.Time{}, 10); len(got) != 2 {
		t.Errorf("after pruning: %v", got)
	}
}
