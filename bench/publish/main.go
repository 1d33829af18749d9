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
// printed too. A poll is a plain GET (Accept-Encoding: gzip, as
// browsers send), one server after the other, every -every. Probe posts
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
	svc := content.New(st, markdown.New(), blog.SystemClock{}, changed)
	client := &http.Client{Timeout: 5 * time.Second}
	stamp := time.Now().UTC().Format("150405")
	var lat, writes, after []time.Duration
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
		seen := make([]time.Duration, len(srv))
		for {
			for j, base := range srv {
				if seen[j] > 0 {
					continue
				}
				if shows(ctx, client, base+"/", title) && shows(ctx, client, base+p.Path, title) {
					seen[j] = time.Since(start)
				}
			}
			if !slices.Contains(seen, 0) {
				break
			}
			if time.Since(start) > *timeout {
				return fmt.Errorf("%q not visible on every server after %s (seen: %v)", title, *timeout, seen)
			}
			time.Sleep(*every)
		}
		lat = append(lat, slices.Max(seen))
		writes = append(writes, saved)
		after = append(after, slices.Max(seen)-saved)
		time.Sleep(*gap)
	}
	fmt.Fprintf(out, "publish-to-visible on %d servers, %d publishes: %s (the save itself: %s; from its commit to visible everywhere: %s)\n",
		len(srv), len(lat), quantiles(lat), quantiles(writes), quantiles(after))
	return nil
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
