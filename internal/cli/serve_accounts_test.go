package cli_test

import (
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestServePrintsSetupLink: a blog without an owner prints a one-time
// setup link at start; once the owner exists, it does not.
func TestServePrintsSetupLink(t *testing.T) {
	data := filepath.Join(t.TempDir(), "blog")
	s := startServe(t, "--data", data)
	link := regexp.MustCompile(regexp.QuoteMeta(s.url) + `/admin/setup/[A-Za-z0-9_-]{43}`).FindString(s.stdout.String())
	if link == "" || !strings.Contains(s.stdout.String(), "no owner yet") {
		t.Fatalf("no setup link in:\n%s", s.stdout)
	}
	if status, page := get(t, link); status != http.StatusOK || !strings.Contains(page, "Create the owner") {
		t.Errorf("setup page: %d", status)
	}
	if status, page := get(t, s.url+"/admin/login"); status != http.StatusOK || !strings.Contains(page, `name="password"`) {
		t.Errorf("login page: %d", status)
	}
	if err := s.stop(); err != nil {
		t.Fatal(err)
	}
	if out, err := runIn(t, "the owner's passphrase\n", "user", "add", "--data", data, "--username", "olive", "--role", "owner", "--password-stdin"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	s2 := startServe(t, "--data", data)
	if strings.Contains(s2.stdout.String(), "/admin/setup/") {
		t.Errorf("a blog with an owner printed a setup link:\n%s", s2.stdout)
	}
}

func TestServeRefusesBadTrustedProxies(t *testing.T) {
	out, err := runIn(t, "", "serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--trusted-proxies", "10.0.0.0/8,proxy.local")
	if err == nil || !strings.Contains(err.Error(), `trusted-proxies: trusted proxy "proxy.local"`) {
		t.Errorf("want a refusal naming the bad entry, got %v\n%s", err, out)
	}
}
