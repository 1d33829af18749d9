package cli_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"octavo/internal/blog"
	"octavo/internal/content"
	"octavo/internal/markdown"
	"octavo/internal/store/postgres"
	"octavo/internal/store/postgres/pgtest"
)

// TestDatabaseOutage runs `octavo serve` on PostgreSQL through a proxy the
// test cuts: while the database is gone, cached pages are still served,
// uncached ones answer 503 with a message, at once when the server
// refuses connections and within the database URL's connect_timeout when
// they go unanswered, and /healthz says the database is down; a write made meanwhile by another process, whose notification
// this server missed, shows once the server is back, because its listener
// reconnects by itself and flushes the cache; and uncached pages render
// again, with no restart.
func TestDatabaseOutage(t *testing.T) {
	direct := pgtest.NewDatabase(t)
	proxy, proxied := pgtest.NewProxy(t, direct)
	// connect_timeout bounds a connection to a server that does not answer
	// (2 s here; Octavo's default is 5 s).
	u, err := url.Parse(proxied)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("connect_timeout", "2")
	u.RawQuery = q.Encode()
	s := startServe(t, "--database", u.String(), "--data", t.TempDir())
	client := &http.Client{Timeout: 20 * time.Second} // a hang fails the test, not the run
	// The listener flushes the cache when it connects: warm pages after.
	waitForListener(t, direct)

	_, home := get(t, s.url+"/")
	var posts []string
	for _, m := range regexp.MustCompile(`href="(/\d{4}/[^"]+/)"`).FindAllStringSubmatch(home, -1) {
		if !slices.Contains(posts, m[1]) {
			posts = append(posts, m[1])
		}
	}
	if len(posts) < 4 {
		t.Fatalf("the front page links %d posts, want 4", len(posts))
	}
	// warm is cached before each cut; each cut asks for pages never asked
	// for before (a reconnection's flush may come before or after a page
	// rendered while waiting for the database to come back).
	warm, cold := posts[0], posts[1:]
	want := func(path string, status int, contains string) {
		t.Helper()
		resp, err := client.Get(s.url + path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != status || !strings.Contains(string(b), contains) {
			t.Fatalf("%s: %d %q, want %d with %q; logs:\n%s", path, resp.StatusCode, b, status, contains, s.stderr)
		}
	}

	for _, hang := range []bool{false, true} {
		// Cached before the cut (again after the flush of a reconnection).
		want("/", 200, "<html")
		want(warm, 200, "<html")
		proxy.Cut(hang)
		want("/", 200, "<html")
		want(warm, 200, "<html")
		want(cold[0], 503, "The database")
		want("/healthz", 503, "database unavailable")
		if hang {
			want(cold[1], 503, "The database")
			break // the restore is tested below
		}

		// Another process edits the warm post meanwhile; this server's
		// listener is cut off and misses the notification.
		editDirectly(t, direct, warm, "Edited during the outage")
		want(warm, 200, "<html") // still the cached page
		proxy.Restore()
		waitFor(t, client, s.url+cold[0], 200, "<html")
		waitFor(t, client, s.url+warm, 200, "Edited during the outage")
		waitFor(t, client, s.url+"/healthz", 200, "ok")
		cold = cold[1:]
	}
	proxy.Restore()
	waitFor(t, client, s.url+cold[1], 200, "<html")
	waitFor(t, client, s.url+"/healthz", 200, "ok")
	// Each outage is logged once, and so is each return.
	for _, line := range []string{"listening to other processes: connection lost", "listening to other processes again: page cache flushed"} {
		eventually(t, func() bool { return strings.Count(s.stderr.String(), line) == 2 }, func() string {
			return fmt.Sprintf("%q is not logged once per outage:\n%s", line, s.stderr)
		})
	}
}

// editDirectly changes the title of the post at path through a store of
// its own on the database, the way another `octavo serve` would: it saves
// and notifies.
func editDirectly(t *testing.T, databaseURL, path, title string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	st, err := postgres.Open(ctx, databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc := content.New(st, markdown.New(), blog.SystemClock{}, func(keys []string) {
		if err := st.Notify(ctx, keys); err != nil {
			t.Error(err)
		}
	})
	p, err := st.PostByPath(ctx, path, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	p.Title = title
	if err := svc.Save(ctx, p); err != nil {
		t.Fatal(err)
	}
}

// waitFor asks for url until it answers status with contains in its body.
func waitFor(t *testing.T, client *http.Client, url string, status int, contains string) {
	t.Helper()
	var got string
	eventually(t, func() bool {
		resp, err := client.Get(url)
		if err != nil {
			got = err.Error()
			return false
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		got = fmt.Sprintf("%d %.200q", resp.StatusCode, b)
		return resp.StatusCode == status && strings.Contains(string(b), contains)
	}, func() string {
		return fmt.Sprintf("%s: still %s, want %d with %q", url, got, status, contains)
	})
}

// eventually polls ok until it is true, and fails the test with what's
// message when it is not within 15 s (the listener's back-off is 5 s at
// most).
func eventually(t *testing.T, ok func() bool, what func() string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal(what())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitForListener waits until a process listens to notifications on the
// database.
func waitForListener(t *testing.T, databaseURL string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	eventually(t, func() bool {
		err = conn.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'octavo-listener'`).Scan(&n)
		return err == nil && n > 0
	}, func() string { return fmt.Sprintf("no process listens on the database (%v)", err) })
}
