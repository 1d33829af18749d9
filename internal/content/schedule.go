package content

import (
	"context"
	"log/slog"
	"time"

	"octavo/internal/blog"
)

// PublishDue publishes the scheduled posts whose time has come by the
// service's clock and drops the pages they change: the lists, their tags,
// their neighbours and the posts themselves. It returns how many it
// published.
func (s *Service) PublishDue(ctx context.Context) (int, error) {
	posts, err := s.store.PublishDue(ctx, s.clock.Now())
	if err != nil || len(posts) == 0 {
		return 0, err
	}
	keys := []string{blog.DepList}
	for _, p := range posts {
		keys = append(keys, blog.DepPost(p.ID))
		for _, t := range p.Tags {
			keys = append(keys, blog.DepTag(t.Slug))
		}
		n, err := s.neighbourKeys(ctx, p)
		if err != nil {
			return 0, err
		}
		keys = append(keys, n...)
	}
	s.changed(keys)
	return len(posts), nil
}

// farFuture is a "now" after every post's time, for questions about all
// posts, scheduled ones included; zeroTime leaves a range end open.
var (
	farFuture = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	zeroTime  time.Time
)

// maxScheduleSleep bounds how long the scheduler sleeps, so a post
// scheduled by another process (or with the clock changed) is still
// published on time, give or take this.
const maxScheduleSleep = 30 * time.Second

// RunScheduler publishes scheduled posts at their time until ctx ends: it
// sleeps until the next scheduled post (at most maxScheduleSleep), then
// publishes what is due. Errors are logged and retried; it never stops the
// server. A clock that says when it moves (blog.ManualClock, in tests)
// wakes it at once.
func (s *Service) RunScheduler(ctx context.Context, log *slog.Logger) {
	mover, _ := s.clock.(interface{ Moved() <-chan struct{} })
	for {
		var moved <-chan struct{} // nil: never
		if mover != nil {
			moved = mover.Moved() // before looking, so no move is missed
		}
		if n, err := s.PublishDue(ctx); err != nil {
			log.Warn("scheduler: publishing due posts failed", "error", err)
		} else if n > 0 {
			log.Info("scheduler: published scheduled posts", "count", n)
		}
		wait := maxScheduleSleep
		if next, ok, err := s.store.NextDue(ctx); err == nil && ok {
			if d := next.Sub(s.clock.Now()); d < wait {
				wait = max(d, 10*time.Millisecond)
			}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-moved:
			t.Stop()
		case <-t.C:
		}
	}
}
