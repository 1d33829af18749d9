// Command publish measures publish-to-visible-everywhere latency on a
// shared database: it publishes a post through the content service of its
// own process (as `octavo new post --publish` and the admin of any process
// do: the write, then NOTIFY of its dependency keys) and polls every
// server given until each one's front page and the post's own page show
// it, many times, and prints p50/p95/p99/max.
//
//	go run ./bench/publish -database postgres://… -server http://127.0.0.1:8081 -server http://127.0.0.1:8082 [-n 100]
//
// The clock starts just before the save and stops, for each server, at the
// first answer that shows the post on both pages; the latency of a publish
// is the slower server's. The time of the save itself (render, write,
// commit, NOTIFY) and the time from its return to visible everywhere are
// printed too, and the save split at its commit. A poll is a plain GET
// (Accept-Encoding: gzip, as browsers send); each server is polled by its
// own goroutine, every -every. -trace prints every publish's times, to set
// beside the servers' debug logs (when each received the keys). Probe posts
// are published in the past hour (so they top the front page), tagged
// "latency-probe"; -cleanup trashes and deletes them afterwards.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"octavo/internal/blog"
	"octavo/internal/content"
	"octavo/internal/markdown"
	"octavo/internal/store"
)

type servers []string

func (s *servers) String() string     { return strings.Join(*s, ",") }
func (s *servers) Set(v string) error { *s = append(*s, strings.TrimSuffix(v, "/")); return nil }

// notifier is a store that tells other processes of writes (PostgreSQL).
type notifier interface {
	Notify(ctx context.Context, keys []string) error
}

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "publish:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("publish", flag.ContinueOnError)
	database := fs.String("database", "", "database URL the servers share (postgres://…)")
	var srv servers
	fs.Var(&srv, "server", "base URL of a server to poll (repeat)")
	n := fs.Int("n", 100, "posts to publish")
	every := fs.Duration("every", 5*time.Millisecond, "pause between two rounds of polls")
	gap := fs.Duration("gap", 200*time.Millisecond, "pause between two publishes")
	timeout := fs.Duration("timeout", 10*time.Second, "give up on a publish after this long")
	cleanup := fs.Bool("cleanup", true, "delete the probe posts at the end")
	trace := fs.Bool("trace", false, "print each publish's times (UTC start, offsets from it) to compare with the servers' debug logs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *database == "" || len(srv) == 0 {
		fs.Usage()
		return errors.New("-database and at least one -server are required")
	}
	st, err := store.Open(ctx, *database, "")
	if err != nil {
		return err
	}
	defer st.Close()
	changed := func([]string) {}
	if nt, ok := st.(notifier); ok {
		changed = func(keys []string) {
			if err := nt.Notify(ctx, keys); err != nil {
				fmt.Fprintln(os.Stderr, "publish: notify:", err)
			}
		}
	} else {
		fmt.Fprintln(os.Stderr, "publish: this database tells no other process of writes; servers will not see them")
	}
	ts := &timedStore{Store: st.(content.Store)}
	var notified time.Time
	svc := content.New(ts, markdown.New(), blog.SystemClock{}, func(keys []string) {
		notified = time.Now()
		changed(keys)
	})
	client := &http.Client{Timeout: 5 * time.Second}
	stamp := time.Now().UTC().Format("150405")
	var lat, writes, after, prepares, commits, keying, polls []time.Duration
	var probes []*blog.Post
	defer func() {
		if !*cleanup {
			return
		}
		for _, p := range probes {
			p.Status = blog.StatusTrashed
			if err := svc.Save(ctx, p); err == nil {
				_, _ = st.DeletePost(ctx, p.ID)
			}
		}
	}()
	for i := range *n {
		title := fmt.Sprintf("Latency probe %s-%03d", stamp, i)
		p := &blog.Post{Title: title, Body: "Published by bench/publish.", Status: blog.StatusPublished,
			PublishedAt: time.Now().Add(-time.Second), Tags: []blog.Tag{{Name: "latency-probe"}}}
		for _, base := range srv { // the front page cached everywhere: a stale copy to drop
			shows(ctx, client, base+"/", title)
		}
		start := time.Now()
		if err := svc.Save(ctx, p); err != nil {
			return err
		}
		saved := time.Since(start)
		probes = append(probes, p)
		// Each server is polled by a goroutine of its own, so that a slow
		// answer from one does not delay noticing the other.
		seen := make([]time.Duration, len(srv))
		slowest := make([]time.Duration, len(srv))
		errs := make([]error, len(srv))
		var wg sync.WaitGroup
		for j, base := range srv {
			wg.Go(func() {
				for {
					t := time.Now()
					ok := shows(ctx, client, base+"/", title) && shows(ctx, client, base+p.Path, title)
					slowest[j] = max(slowest[j], time.Since(t))
					if ok {
						seen[j] = time.Since(start)
						return
					}
					if time.Since(start) > *timeout {
						errs[j] = fmt.Errorf("%q not visible on %s after %s", title, base, *timeout)
						return
					}
					time.Sleep(*every)
				}
			})
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return err
		}
		lat = append(lat, slices.Max(seen))
		writes = append(writes, saved)
		after = append(after, slices.Max(seen)-saved)
		prepares = append(prepares, ts.writing.Sub(start))
		commits = append(commits, ts.committed.Sub(ts.writing))
		keying = append(keying, notified.Sub(ts.committed))
		polls = append(polls, slices.Max(slowest))
		if *trace {
			fmt.Fprintf(out, "%s %s writing +%.1f ms, committed +%.1f ms, NOTIFY +%.1f..%.1f ms, visible %s; slowest poll %.1f ms\n",
				start.UTC().Format("15:04:05.000"), p.Path, ms(ts.writing.Sub(start)), ms(ts.committed.Sub(start)), ms(notified.Sub(start)), ms(saved),
				visible(srv, seen), ms(slices.Max(slowest)))
		}
		time.Sleep(*gap)
	}
	fmt.Fprintf(out, "publish-to-visible on %d servers, %d publishes: %s (the save itself: %s; from its commit to visible everywhere: %s)\n",
		len(srv), len(lat), quantiles(lat), quantiles(writes), quantiles(after))
	fmt.Fprintf(out, "the save split: checks and render %s; the write to its commit %s; commit to NOTIFY (the keys) %s; slowest poll request of a publish %s\n",
		quantiles(prepares), quantiles(commits), quantiles(keying), quantiles(polls))
	return nil
}

// timedStore notes when the last SavePost began (the post checked and
// rendered) and returned (its commit).
type timedStore struct {
	content.Store
	writing, committed time.Time
}

func (t *timedStore) SavePost(ctx context.Context, p *blog.Post) error {
	t.writing = time.Now()
	err := t.Store.SavePost(ctx, p)
	t.committed = time.Now()
	return err
}

// visible describes when each server first showed a publish.
func visible(srv []string, seen []time.Duration) string {
	var parts []string
	for j, base := range srv {
		parts = append(parts, fmt.Sprintf("%s +%.1f ms", base, ms(seen[j])))
	}
	return strings.Join(parts, ", ")
}

// quantiles sorts d and describes it: p50, p95, p99, max in ms.
func quantiles(d []time.Duration) string {
	slices.Sort(d)
	q := func(f float64) time.Duration { return d[min(len(d)-1, int(f*float64(len(d))))] }
	return fmt.Sprintf("p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms", ms(q(0.50)), ms(q(0.95)), ms(q(0.99)), ms(d[len(d)-1]))
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// shows reports whether the page at url answers 200 and contains title
// (HTML-escaped as the theme writes it; probe titles have nothing to escape).
func shows(ctx context.Context, c *http.Client, url, title string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	resp, err := c.Do(req) // Go's transport asks for gzip and inflates it
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return err == nil && resp.StatusCode == http.StatusOK && strings.Contains(string(body), title)
}
