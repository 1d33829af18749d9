package cli_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"octavo/internal/blog"
	"octavo/internal/store"
	"octavo/internal/store/postgres/pgtest"
	"octavo/internal/store/sqlstore"
)

// The kill test's writers save posts through the admin editor of a served
// process: a post (POST /admin/posts), then two edits of it (POST
// /admin/posts/{id} with the version the writer last saw), then the next
// post. What a post says is a function of (round, writer, post, version),
// so the checker can tell a whole post from a half-written one.
const (
	killWriters  = 4
	killVersions = 3
	killOwner    = "kill-owner"
	killPassword = "a long passphrase for the kill test"
)

// killPost is what writer w's post n of round r says at version v.
func killPost(r, w, n, v int) (title, body string, tags []string) {
	title = fmt.Sprintf("Kill r%d w%d n%d v%d", r, w, n, v)
	var b strings.Builder
	fmt.Fprintf(&b, "Written by writer %d, post %d, version %d: marker %s.\n\n", w, n, v, killMarker(r, w, n))
	for i := range 20 {
		fmt.Fprintf(&b, "Paragraph %d of version %d, long enough to span several database pages when many are written at once.\n\n", i, v)
	}
	return title, b.String(), []string{"kill", fmt.Sprintf("writer %d", w), fmt.Sprintf("version %d", v)}
}

// killMarker is a word only the post's body has, to search for.
func killMarker(r, w, n int) string { return fmt.Sprintf("kr%dw%dn%d", r, w, n) }

// parseKillTitle reads (round, writer, post, version) back from a title.
func parseKillTitle(title string) (r, w, n, v int, ok bool) {
	_, err := fmt.Sscanf(title, "Kill r%d w%d n%d v%d", &r, &w, &n, &v)
	return r, w, n, v, err == nil
}

// killDB is the database of a kill test: the SQLite file of a data folder,
// or a PostgreSQL database (with a data folder of its own).
type killDB struct{ database, data string }

// args are the flags that name the database.
func (d killDB) args() []string {
	if d.database == "" {
		return []string{"--data", d.data}
	}
	return []string{"--data", d.data, "--database", d.database}
}

// TestKillDuringWrites SIGKILLs `octavo serve` (the real binary) while
// several clients save posts through the admin editor's forms, on SQLite
// and on PostgreSQL, twice in a row. After each kill the server starts
// again on the same database the normal way (migrations, the same
// command), and every write it acknowledged with its 303 is there at that
// version or a later one, whole: the post, its tags, its newest revision,
// the restarted server's search finding it; no write is there in part (no
// tag, revision or search row without its post), and SQLite's integrity
// check passes.
func TestKillDuringWrites(t *testing.T) {
	for _, tc := range []struct {
		name string
		db   func(t *testing.T) killDB
	}{
		{"sqlite", func(t *testing.T) killDB { return killDB{data: t.TempDir()} }},
		{"postgres", func(t *testing.T) killDB { return killDB{database: pgtest.NewDatabase(t), data: t.TempDir()} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := tc.db(t)
			out, err := runIn(t, killPassword+"\n", append([]string{"user", "add", "--username", killOwner, "--role", "owner", "--password-stdin"}, db.args()...)...)
			if err != nil {
				t.Fatalf("adding the owner: %v\n%s", err, out)
			}
			acked := map[string]int{} // post id → the newest version acknowledged
			serve := append(db.args(), "--no-seed")
			srv := startProcess(t, serve...)
			// One login for every writer and round, as several tabs of
			// one browser: the session is in the database, so it
			// outlives the kills.
			c, err := killLogin(srv.url)
			if err != nil {
				t.Fatalf("%v; logs:\n%s", err, srv.logs)
			}
			defer c.http.CloseIdleConnections()
			for round, killAfter := range []int{25, 40} {
				n, inFlight := writeAndKill(t, c, srv, round, killAfter, acked)
				srv = startProcess(t, serve...)
				unacked := checkAfterKill(t, srv, db, acked)
				t.Logf("round %d: killed after %d acknowledged writes with %d in flight; %d of those committed", round+1, n, inFlight, unacked)
			}
		})
	}
}

// killEvent is what a writer tells the test: a request begun, a request
// acknowledged (version > 0), or a request failed.
type killEvent struct {
	w       int
	begin   bool
	id      string
	version int
	err     error
}

// writeAndKill has killWriters writers save posts on srv through c until
// srv dies; it SIGKILLs srv once killAfter saves are acknowledged
// and others are in flight (sent, not answered), and records every
// acknowledged one in acked. It returns how many there were, and how many
// requests were in flight at the kill.
func writeAndKill(t *testing.T, c *killClient, srv *process, round, killAfter int, acked map[string]int) (count, inFlight int) {
	t.Helper()
	defer c.http.CloseIdleConnections() // connections to the killed process
	events := make(chan killEvent)
	var wg sync.WaitGroup
	for w := range killWriters {
		wg.Go(func() {
			for n := 0; ; n++ {
				id := ""
				for v := 1; v <= killVersions; v++ {
					title, body, tags := killPost(round, w, n, v)
					form := url.Values{"title": {title}, "slug": {killMarker(round, w, n)}, "body": {body},
						"tags": {strings.Join(tags, ", ")}, "status": {"published"}, "op": {"save"}}
					path := "/admin/posts"
					if v > 1 {
						path += "/" + id
						form.Set("version", strconv.Itoa(v-1))
					}
					events <- killEvent{w: w, begin: true}
					saved, err := c.save(srv.url+path, form)
					if err == nil && id != "" && saved != id {
						err = fmt.Errorf("POST %s: saved as %s", path, saved)
					}
					if err != nil {
						events <- killEvent{w: w, err: err}
						return
					}
					id = saved
					events <- killEvent{w: w, id: id, version: v}
				}
			}
		})
	}
	go func() { wg.Wait(); close(events) }()

	busy := map[int]bool{} // writers with a request sent and not answered
	killed := false
	for e := range events {
		switch {
		case e.begin:
			busy[e.w] = true
		case e.err != nil:
			busy[e.w] = false
			if !killed {
				t.Errorf("writer %d, before the kill: %v", e.w, e.err)
			}
		default:
			busy[e.w] = false
			acked[e.id] = max(acked[e.id], e.version)
			count++
		}
		if count >= killAfter && countTrue(busy) > 0 && !killed {
			inFlight = countTrue(busy)
			if err := srv.cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			killed = true
		}
	}
	// The loop ends when every writer has seen its request fail: the
	// answers that came before the process died are all counted.
	if !killed {
		t.Fatalf("the writers stopped after %d acknowledgements, before the kill; logs:\n%s", count, srv.logs)
	}
	err := srv.cmd.Wait()
	if ws, ok := srv.cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the server did not die of SIGKILL: %v; logs:\n%s", err, srv.logs)
	}
	return count, inFlight
}

func countTrue(m map[int]bool) int {
	n := 0
	for _, b := range m {
		if b {
			n++
		}
	}
	return n
}

// killClient is a browser without JavaScript logged in to the admin.
// Cookies do not tell ports apart, so its session goes to every process
// of the test.
type killClient struct {
	http *http.Client
	csrf string
}

var (
	killCSRFRE  = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	killSavedRE = regexp.MustCompile(`^/admin/posts/([0-9a-f-]{36})\?done=published$`)
)

// killLogin logs in as the owner through the login form.
func killLogin(base string) (*killClient, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, err
	}
	c := &killClient{http: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: killWriters}, Jar: jar, Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	if err := c.page(base + "/admin/login"); err != nil {
		return nil, err
	}
	res, err := c.http.PostForm(base+"/admin/login", url.Values{"login": {killOwner}, "password": {killPassword}, "csrf": {c.csrf}})
	if err != nil {
		return nil, err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/" {
		return nil, fmt.Errorf("login: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	return c, c.page(base + "/admin/account") // the session's CSRF token
}

// page gets an admin page and keeps its CSRF token.
func (c *killClient) page(url string) error {
	res, err := c.http.Get(url)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	m := killCSRFRE.FindSubmatch(b)
	if err != nil || res.StatusCode != http.StatusOK || m == nil {
		return fmt.Errorf("GET %s: %d, no CSRF token (%v)", url, res.StatusCode, err)
	}
	c.csrf = string(m[1])
	return nil
}

// save posts the editor's form and returns the id of the post saved. The
// save is acknowledged when the answer is the redirect to the editor.
func (c *killClient) save(url string, form url.Values) (id string, err error) {
	form.Set("csrf", c.csrf)
	res, err := c.http.PostForm(url, form)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	m := killSavedRE.FindStringSubmatch(res.Header.Get("Location"))
	if res.StatusCode != http.StatusSeeOther || m == nil {
		page, _ := io.ReadAll(res.Body)
		return "", fmt.Errorf("POST %s: %d to %q\n%.400s", url, res.StatusCode, res.Header.Get("Location"), page)
	}
	return m[1], nil
}

// checkAfterKill checks every post the writers made, on the database srv
// (started again after the kill) serves: each acknowledged one is there at
// its acknowledged version or a later one (a save in flight may have
// committed without its answer arriving), and every one is whole. It
// returns how many posts are at a version newer than acknowledged.
func checkAfterKill(t *testing.T, srv *process, d killDB, acked map[string]int) (unacked int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	st, err := store.Open(ctx, d.database, d.data)
	if err != nil {
		t.Fatalf("opening the database after the kill: %v", err)
	}
	defer st.Close()
	db := st.(interface{ Core() *sqlstore.Store }).Core().DB()
	if d.database == "" {
		var res string
		if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil || res != "ok" {
			t.Fatalf("SQLite integrity check after the kill: %q, %v", res, err)
		}
	}
	rows, err := db.QueryContext(ctx, `SELECT id FROM posts WHERE title LIKE 'Kill %'`)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	present := map[string]bool{}
	for _, id := range ids {
		present[id] = true
		if checkWholePost(ctx, t, st, srv, id, acked[id]) > acked[id] {
			unacked++
		}
	}
	for id, v := range acked {
		if !present[id] {
			t.Errorf("post %s (version %d acknowledged) is missing after the kill", id, v)
		}
	}
	// No tag, revision or index entry of a write that did not commit.
	for _, q := range []string{
		`SELECT COUNT(*) FROM revisions r WHERE NOT EXISTS (SELECT 1 FROM posts p WHERE p.id = r.post_id AND r.version <= p.version)`,
		`SELECT COUNT(*) FROM post_search s WHERE NOT EXISTS (SELECT 1 FROM posts p WHERE p.id = s.post_id)`,
		`SELECT COUNT(*) FROM post_tags pt WHERE NOT EXISTS (SELECT 1 FROM posts p WHERE p.id = pt.post_id)`,
	} {
		var n int
		if err := db.QueryRowContext(ctx, q).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if n != 0 {
			t.Errorf("%d rows left by uncommitted writes: %s", n, q)
		}
	}
	return unacked
}

// checkWholePost checks that post id says what its writer wrote at its
// version, in the post, its tags and its newest revision, that srv's
// search finds it (and only it) by its marker, and that its version is at
// least minVersion. It returns the post's version.
func checkWholePost(ctx context.Context, t *testing.T, st store.Store, srv *process, id string, minVersion int) int {
	t.Helper()
	p, err := st.PostByID(ctx, id)
	if err != nil {
		t.Errorf("post %s: %v", id, err)
		return 0
	}
	r, w, n, v, ok := parseKillTitle(p.Title)
	if !ok {
		t.Errorf("post %s: title %q is not one the writers make", id, p.Title)
		return 0
	}
	if v != p.Version || p.Version < minVersion {
		t.Errorf("post %s: version %d with the title of version %d; %d was acknowledged", id, p.Version, v, minVersion)
	}
	_, body, tags := killPost(r, w, n, v)
	if p.Body != body || p.Status != blog.StatusPublished {
		t.Errorf("post %s (%s): body is not version %d's, or status %q is not published", id, p.Title, v, p.Status)
	}
	if !strings.Contains(p.Rendered.HTML, killMarker(r, w, n)) {
		t.Errorf("post %s (%s): rendered HTML lacks its marker: %.80q", id, p.Title, p.Rendered.HTML)
	}
	var got []string
	for _, tag := range p.Tags {
		got = append(got, tag.Name)
	}
	slices.Sort(got)
	slices.Sort(tags)
	if !slices.Equal(got, tags) {
		t.Errorf("post %s (%s): tags %q, want %q", id, p.Title, got, tags)
	}
	revs, err := st.Revisions(ctx, id)
	if err != nil || len(revs) != p.Version || revs[0].Version != p.Version || revs[0].Title != p.Title || revs[0].Body != body {
		t.Errorf("post %s (%s): %d revisions (newest %+v, err %v), want %d with the newest equal to the post", id, p.Title, len(revs), firstRev(revs), err, p.Version)
	}
	status, page := get(t, srv.url+"/search?q="+killMarker(r, w, n))
	if status != http.StatusOK || !strings.Contains(page, ">1 post matches.<") || !strings.Contains(page, ">"+p.Title+"</a></h2>") {
		t.Errorf("post %s (%s): the restarted server's search for %s does not find it alone (%d):\n%.600s", id, p.Title, killMarker(r, w, n), status, page)
	}
	return p.Version
}

func firstRev(revs []blog.Revision) string {
	if len(revs) == 0 {
		return "none"
	}
	return "v" + strconv.Itoa(revs[0].Version) + " " + revs[0].Title
}
