package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"octavo/internal/blog"
	"octavo/internal/config"
	"octavo/internal/search"
	"octavo/internal/store"
	"octavo/internal/store/postgres/pgtest"
	"octavo/internal/store/sqlstore"
	"octavo/internal/web"
)

// The kill test runs this test binary a second time as a writer: with
// killWriterEnv set to a database URL, TestMain runs killWriter instead of
// the tests.
const (
	killWriterEnv = "OCTAVO_KILL_TEST_DATABASE"
	killDataEnv   = "OCTAVO_KILL_TEST_DATA"
	killRoundEnv  = "OCTAVO_KILL_TEST_ROUND"
)

func TestMain(m *testing.M) {
	if db := os.Getenv(killWriterEnv); db != "" {
		round, _ := strconv.Atoi(os.Getenv(killRoundEnv))
		os.Exit(killWriter(db, os.Getenv(killDataEnv), round))
	}
	os.Exit(m.Run())
}

// Each writer of the kill test saves posts through the server's write path:
// a post, then two edits of it, then the next post. What a post says is a
// function of (round, writer, post, version), so the checker can tell a whole
// post from a half-written one.
const (
	killWriters  = 4
	killVersions = 3
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

// killWriter is the child process: it opens the database the way `octavo
// serve` does (openStore, newContent) and saves posts from killWriters
// goroutines until it is killed, printing "begin W" on stdout before each
// Save of writer W and "ack W ID VERSION" after it returns. It gives up by itself after a minute, so that a
// parent that died does not leave it running.
func killWriter(database, dataDir string, round int) int {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	st, err := openStore(ctx, config.Config{Database: database, DataDir: dataDir})
	if err != nil {
		fmt.Fprintln(os.Stderr, "kill writer:", err)
		return 1
	}
	svc := newContent(st, web.NewCache(1<<20), blog.SystemClock{}, log)
	var mu sync.Mutex // one ack line at a time on stdout
	var wg sync.WaitGroup
	for w := range killWriters {
		wg.Go(func() {
			for n := 0; ctx.Err() == nil; n++ {
				p := &blog.Post{Status: blog.StatusPublished}
				for v := 1; v <= killVersions; v++ {
					title, body, tags := killPost(round, w, n, v)
					p.Title, p.Body, p.Slug, p.Tags = title, body, killMarker(round, w, n), nil
					for _, t := range tags {
						p.Tags = append(p.Tags, blog.Tag{Name: t})
					}
					mu.Lock()
					fmt.Fprintf(os.Stdout, "begin %d\n", w)
					mu.Unlock()
					if err := svc.Save(ctx, p); err != nil {
						if ctx.Err() == nil {
							fmt.Fprintln(os.Stderr, "kill writer: save:", err)
						}
						return
					}
					mu.Lock()
					fmt.Fprintf(os.Stdout, "ack %d %s %d\n", w, p.ID, p.Version)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return 0
}

// TestKillDuringWrites SIGKILLs a process in the middle of a stream of
// writes, on SQLite and on PostgreSQL, twice in a row: after each kill the
// database opens the normal way (migrations, and SQLite's integrity check
// passes), every write the process acknowledged is there, whole (the post,
// its tags, its revision and its search index entry agree), and no write is
// there in part.
//
// The writes go through content.Service.Save on the store opened as
// `octavo serve` opens it (openStore, newContent), in a child process (this
// test binary again, see TestMain). To drive the admin editor's HTTP write
// path instead, replace killWriter's loop with POSTs to a served process and
// print the same begin and ack lines around each request; the checks stay
// the same.
func TestKillDuringWrites(t *testing.T) {
	for _, tc := range []struct {
		name string
		db   func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return "sqlite:" + t.TempDir() + "/octavo.db" }},
		{"postgres", func(t *testing.T) string { return pgtest.NewDatabase(t) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			database, dataDir := tc.db(t), t.TempDir()
			acked := map[string]int{} // post id → the newest version acknowledged
			for round, killAfter := range []int{25, 40} {
				n, inFlight := runAndKill(t, database, dataDir, round, killAfter, acked)
				unacked := checkAfterKill(t, database, dataDir, acked)
				t.Logf("round %d: killed after %d acknowledged writes with %d in flight; %d of those committed", round+1, n, inFlight, unacked)
			}
		})
	}
}

// runAndKill starts a writer on the database, SIGKILLs it once it has
// acknowledged killAfter writes and has others in flight (begun, not yet
// acknowledged), and records every acknowledgement it printed before it
// died in acked. It returns how many there were, and how many writes were
// in flight when it was killed.
func runAndKill(t *testing.T, database, dataDir string, round, killAfter int, acked map[string]int) (count, inFlight int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), killWriterEnv+"="+database, killDataEnv+"="+dataDir, killRoundEnv+"="+strconv.Itoa(round))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	defer func() {
		if !killed {
			cmd.Process.Kill()
			cmd.Wait()
		}
	}()
	r := bufio.NewReader(out)
	busy := map[int]bool{} // writers with a Save begun and not acknowledged
	for {
		line, err := r.ReadString('\n')
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		var w, version int
		var id string
		if _, err := fmt.Sscanf(line, "begin %d", &w); err == nil {
			busy[w] = true
		} else if _, err := fmt.Sscanf(line, "ack %d %s %d", &w, &id, &version); err == nil {
			busy[w] = false
			acked[id] = max(acked[id], version)
			count++
		} else {
			t.Fatalf("writer printed %q", line)
		}
		if inFlight = countTrue(busy); count >= killAfter && inFlight > 0 && !killed {
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			killed = true
		}
	}
	// Acknowledgements already in the pipe when the process died count:
	// the loop read them all, up to EOF.
	err = cmd.Wait()
	if !killed {
		t.Fatalf("the writer ended after %d acknowledgements, before it was killed: %v\n%s", count, err, stderr.String())
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the writer did not die of SIGKILL: %v\n%s", cmd.ProcessState, stderr.String())
	}
	return count, countTrue(busy)
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

// checkAfterKill opens the database as the server does and checks every
// post the writers made: each acknowledged one is there at its
// acknowledged version or a later one (an edit in flight may have
// committed without its ack being printed), and every one is whole. It
// returns how many posts are at a version newer than acknowledged.
func checkAfterKill(t *testing.T, database, dataDir string, acked map[string]int) (unacked int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	st, err := openStore(ctx, config.Config{Database: database, DataDir: dataDir})
	if err != nil {
		t.Fatalf("opening the database after the kill: %v", err)
	}
	defer st.Close()
	db := st.(interface{ Core() *sqlstore.Store }).Core().DB()
	if kind, _, _ := store.Parse(database, dataDir); kind == store.KindSQLite {
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
		if checkWholePost(ctx, t, st, id, acked[id]) > acked[id] {
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
// version, in the post, its tags, its newest revision and the search
// index, and that its version is at least minVersion. It returns the
// post's version.
func checkWholePost(ctx context.Context, t *testing.T, st store.Store, id string, minVersion int) int {
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
	if p.Body != body {
		t.Errorf("post %s (%s): body is not version %d's", id, p.Title, v)
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
	q := search.Parse(killMarker(r, w, n))
	found, total, err := st.Search(ctx, blog.SearchQuery{Terms: q.Terms, Now: time.Now(), Limit: 5})
	if err != nil || total != 1 || found[0].ID != id || found[0].Title != p.Title {
		t.Errorf("post %s (%s): search for its marker found %d (%v): %v", id, p.Title, total, err, titles(found))
	}
	return p.Version
}

func firstRev(revs []blog.Revision) string {
	if len(revs) == 0 {
		return "none"
	}
	return "v" + strconv.Itoa(revs[0].Version) + " " + revs[0].Title
}

func titles(ps []*blog.Post) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Title)
	}
	return out
}
