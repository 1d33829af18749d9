package auth

import (
	"context"
	"fmt"
	"time"
)

// Limit allows Max failures in any Window.
type Limit struct {
	Max    int
	Window time.Duration
}

// The default limits. Per account: 5 failed passwords in 15 minutes, then
// wait until the oldest of them is 15 minutes old. Per address: 20 in 15
// minutes (several people behind one NAT, or one attacker trying many
// accounts). Per pending two-factor login: 5 wrong codes.
var (
	DefaultAccountLimit = Limit{Max: 5, Window: 15 * time.Minute}
	DefaultIPLimit      = Limit{Max: 20, Window: 15 * time.Minute}
	secondFactorLimit   = Limit{Max: 5, Window: 15 * time.Minute}
)

// LimitError says that too many attempts failed: try again after Wait.
type LimitError struct {
	Wait time.Duration
}

// Seconds is the wait in whole seconds, rounded up.
func (e *LimitError) Seconds() int {
	return int((e.Wait + time.Second - 1) / time.Second)
}

// Error is the message shown to the visitor.
func (e *LimitError) Error() string {
	n := e.Seconds()
	unit := "seconds"
	if n == 1 {
		unit = "second"
	}
	return fmt.Sprintf("Too many failed attempts. Try again in %d %s.", n, unit)
}

// wait returns how long scope must wait under l at now (0: go ahead).
// The window slides: once Max failures lie within it, the next attempt
// may come when the oldest of those Max leaves it.
func (s *Service) wait(ctx context.Context, scope string, l Limit, now time.Time) (time.Duration, error) {
	times, err := s.store.RecentLoginFailures(ctx, scope, now.Add(-l.Window), l.Max)
	if err != nil || len(times) < l.Max {
		return 0, err
	}
	return times[l.Max-1].Add(l.Window).Sub(now), nil
}

// checkLimits returns a *LimitError when any scope must wait (the longest
// wait), nil to go ahead.
func (s *Service) checkLimits(ctx context.Context, now time.Time, scopes map[string]Limit) error {
	var longest time.Duration
	for scope, l := range scopes {
		w, err := s.wait(ctx, scope, l, now)
		if err != nil {
			return err
		}
		longest = max(longest, w)
	}
	if longest > 0 {
		return &LimitError{Wait: longest}
	}
	return nil
}

// fail records a failure in every scope.
func (s *Service) fail(ctx context.Context, now time.Time, scopes map[string]Limit) error {
	list := make([]string, 0, len(scopes))
	for scope := range scopes {
		list = append(list, scope)
	}
	return s.store.AddLoginFailure(ctx, list, now)
}
