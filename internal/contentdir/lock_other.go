//go:build !unix

package contentdir

import (
	"io"
	"os"
)

// lockFile takes an exclusive lock on path: here, by creating it, so a
// lock left by a crashed process must be removed by hand.
func lockFile(path string) (io.Closer, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, err
	}
	return removeOnClose{f}, nil
}

type removeOnClose struct{ f *os.File }

func (r removeOnClose) Close() error {
	r.f.Close()
	return os.Remove(r.f.Name())
}
