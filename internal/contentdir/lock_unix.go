//go:build unix

package contentdir

import (
	"io"
	"os"
	"syscall"
)

// lockFile takes an exclusive lock on path without waiting, so that two
// processes never write one cache.
func lockFile(path string) (io.Closer, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}
