package postgres

import "time"

// SetLeadCheckInterval makes leaders check their lock every d until the
// returned function is called.
func SetLeadCheckInterval(d time.Duration) (restore func()) {
	old := leadCheckInterval
	leadCheckInterval = d
	return func() { leadCheckInterval = old }
}
