package postgres

import (
	"context"
	"fmt"
)

// schedulerLockKey is the advisory lock held by the one process that runs
// scheduled publishing.
const schedulerLockKey = 0x6f637461766f7363 // "octavosc": not the migration lock

// TryLead takes the scheduler's advisory lock on a connection of its own
// and keeps it until release is called or the connection dies: one process
// at a time runs scheduled work. ok is false when another process holds it.
func (s *Store) TryLead(ctx context.Context) (release func(), ok bool, err error) {
	conn, err := s.DB().Conn(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("taking the scheduler lock: %w", err)
	}
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, schedulerLockKey).Scan(&ok); err != nil || !ok {
		conn.Close()
		return nil, false, err
	}
	return func() {
		_, _ = conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock($1)`, schedulerLockKey)
		conn.Close()
	}, true, nil
}
