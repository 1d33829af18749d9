package content_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"octavo/internal/blog"
	"octavo/internal/content"
	"octavo/internal/markdown"
	"octavo/internal/store/sqlite"
)

// TestSchedulerWakesWhenTheClockMoves: with a clock that says when it
// moves, the scheduler publishes a due post as soon as the clock passes
// its time, instead of at its next periodic look (30 s later).
func TestSchedulerWakesWhenTheClockMoves(t *testing.T) {
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "octavo.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	clock := blog.NewManualClock(t0)
	changed := make(chan []string, 16)
	svc := content.New(s, markdown.New(), clock, func(k []string) { changed <- k })
	p := &blog.Post{Title: "Later", Body: "x", Status: blog.StatusScheduled, PublishedAt: t0.Add(time.Minute)}
	if err := svc.Save(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	<-changed // the save's own keys
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { svc.RunScheduler(ctx, slog.New(slog.DiscardHandler)); close(done) }()
	t.Cleanup(func() { cancel(); <-done })

	clock.Advance(2 * time.Minute)
	select {
	case keys := <-changed:
		if !slices.Contains(keys, blog.DepPost(p.ID)) || !slices.Contains(keys, blog.DepList) {
			t.Errorf("keys %v", keys)
		}
	case <-time.After(10 * time.Second): // far below the 30 s the scheduler sleeps without a wake-up
		t.Fatal("the scheduler did not wake when the clock moved")
	}
	got, err := s.PostByID(context.Background(), p.ID)
	if err != nil || got.Status != blog.StatusPublished {
		t.Errorf("after the move: %v %v", got.Status, err)
	}
}
