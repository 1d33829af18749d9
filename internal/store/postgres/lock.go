package postgres

import (
	"context"
	"fmt"
	"time"
)

// schedulerLockKey is the advisory lock held by the one process that runs
// scheduled publishing.
const schedulerLockKey = 0x6f637461766f7363 // "octavosc": not the migration lock

// leadCheckInterval is how often a leader checks that the connection
// holding its lock still answers: a lock dies with its connection (a
// database restart, a cut network), and another process may take it.
var leadCheckInterval = 5 * time.Second

// TryLead takes the scheduler's advisory lock on a connection of its own
// and keeps it until release is called or the connection dies: one process
// at a time runs scheduled work. ok is false when another process holds it.
// lost is closed when the connection holding the lock stops answering (it
// is checked every few seconds): the lock is gone then, and the caller
// must stop leading, release, and try again.
func (s *Store) TryLead(ctx context.Context) (lost <-chan struct{}, release func(), ok bool, err error) {
	conn, err := s.DB().Conn(ctx)
	if err != nil {
		return nil, nil, false, fmt.Errorf("taking the scheduler lock: %w", err)
	}
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, schedulerLockKey).Scan(&ok); err != nil || !ok {
		conn.Close()
		return nil, nil, false, err
	}
	gone := make(chan struct{})
	stop := make(chan struct{})
	checked := make(chan struct{})
	go func() {
		defer close(checked)
		t := time.NewTicker(leadCheckInterval)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			pctx, cancel := context.WithTimeout(context.Background(), listenPingLimit)
			err := conn.PingContext(pctx)
			cancel()
			if err != nil {
				close(gone)
				return
			}
		}
	}()
	return gone, func() {
		close(stop)
		<-checked
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, _ = conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, schedulerLockKey)
		conn.Close()
	}, true, nil
}
