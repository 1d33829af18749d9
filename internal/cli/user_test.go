package cli_test

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"octavo/internal/auth"
	"octavo/internal/blog"
	"octavo/internal/cli"
	"octavo/internal/store/sqlite"
)

// runIn runs the octavo command with stdin.
func runIn(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := cli.Run(context.Background(), args, cli.Env{
		Getenv: func(string) string { return "" },
		Stdin:  strings.NewReader(stdin),
		Stdout: &out, Stderr: &out,
	})
	return out.String(), err
}

var linkRE = regexp.MustCompile(`http://127\.0\.0\.1:8080/admin/(reset|invite)/[A-Za-z0-9_-]{43}\n`)

func TestUserCommands(t *testing.T) {
	data := t.TempDir()
	d := []string{"--data", data}
	out, err := runIn(t, "", append([]string{"user", "list"}, d...)...)
	if err != nil || !strings.Contains(out, "No accounts yet") {
		t.Fatalf("list of a new blog: %v\n%s", err, out)
	}
	out, err = runIn(t, "a fine long passphrase\n", append([]string{"user", "add", "--username", "Ada", "--email", "ada@example.org", "--name", "Ada L", "--role", "owner", "--password-stdin"}, d...)...)
	if err != nil || !strings.Contains(out, "Created ada (owner).") {
		t.Fatalf("add: %v\n%s", err, out)
	}
	out, err = runIn(t, "", append([]string{"user", "add", "--username", "bob", "--role", "editor"}, d...)...)
	if err != nil || !strings.Contains(out, "Created bob (editor). To choose the password") || !linkRE.MatchString(out) {
		t.Fatalf("add without a password: %v\n%s", err, out)
	}
	for _, tt := range []struct {
		stdin string
		args  []string
		want  string
	}{
		{"", []string{"user", "add", "--username", "x1", "--role", "admin"}, `--role "admin"`},
		{"", []string{"user", "add", "--role", "author"}, "give --username and --role"},
		{"password123456\n", []string{"user", "add", "--username", "carol", "--role", "author", "--password-stdin"}, "too common"},
		{"another long passphrase\n", []string{"user", "add", "--username", "ada", "--role", "author", "--password-stdin"}, "taken"},
		{"", []string{"user", "passwd"}, "name the user"},
		{"", []string{"user", "passwd", "nobody"}, "No user"},
		{"", []string{"user", "invite"}, "give --role"},
		{"", []string{"user", "sideways"}, `unknown action "sideways"`},
		{"", []string{"user"}, "give an action"},
	} {
		out, err := runIn(t, tt.stdin, append(tt.args, d...)...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: want an error with %q, got %v\n%s", tt.args, tt.want, err, out)
		}
	}
	out, err = runIn(t, "", append([]string{"user", "invite", "--role", "author"}, d...)...)
	if err != nil || !strings.Contains(out, "Invitation to join as author") || !strings.Contains(out, "/admin/invite/") {
		t.Errorf("invite: %v\n%s", err, out)
	}
	out, err = runIn(t, "", append([]string{"user", "passwd", "ada"}, d...)...)
	if err != nil || !strings.Contains(out, "To set a new password for ada") || !strings.Contains(out, "/admin/reset/") {
		t.Errorf("passwd without a password: %v\n%s", err, out)
	}
	out, err = runIn(t, "the new long passphrase\n", append([]string{"user", "passwd", "ada@example.org", "--password-stdin"}, d...)...)
	if err != nil || !strings.Contains(out, "Set the password of ada") {
		t.Errorf("passwd: %v\n%s", err, out)
	}
	out, err = runIn(t, "", append([]string{"user", "list"}, d...)...)
	if err != nil || !regexp.MustCompile(`(?m)^ada\s+owner\s+ada@example\.org\s+Ada L\s+off`).MatchString(out) ||
		!regexp.MustCompile(`(?m)^bob\s+editor\s+-\s+bob\s+off`).MatchString(out) {
		t.Errorf("list: %v\n%s", err, out)
	}

	// The password set on the command line is the one that logs in.
	st, err := sqlite.Open(context.Background(), filepath.Join(data, "octavo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	u, err := st.UserByLogin(context.Background(), "ada")
	if err != nil {
		t.Fatal(err)
	}
	h := auth.NewHasher(auth.TestParams)
	if ok, _ := h.Verify(u.PasswordHash, "the new long passphrase"); !ok || u.DisplayName != "Ada L" || u.Role != blog.RoleOwner {
		t.Errorf("stored user %+v", u)
	}
	if b, _ := st.UserByLogin(context.Background(), "bob"); b == nil || b.PasswordHash != "" {
		t.Errorf("bob must have no password until he sets one: %+v", b)
	}
}
