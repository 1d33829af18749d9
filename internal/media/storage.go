package media

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"octavo/internal/blog"
)

// Storage keeps the bytes of media files by name (a name ParseMediaName
// accepts: the media library never stores anything else). The local folder
// is the one implementation for now; an object store can be another.
type Storage interface {
	// Put stores data under name, whole or not at all.
	Put(ctx context.Context, name string, data []byte) error
	// Get opens the file name; ENOTFOUND when there is none.
	Get(ctx context.Context, name string) (Object, error)
	// Delete removes the file name; a missing file is not an error.
	Delete(ctx context.Context, name string) error
}

// Object is a stored file being read.
type Object interface {
	io.ReadSeekCloser
	Size() int64
}

// Local stores media files in a folder (DATA/media), each under a
// subfolder named by the first two digits of its hash, so that no folder
// grows too large: media/3f/3f…9c.jpg, media/3f/3f…9c-480.jpg.
type Local struct {
	Dir string
}

// path is where name lives; ok is false for a name that is not a media
// name (which can therefore never reach the file system).
func (l Local) path(name string) (string, bool) {
	hash, _, _, ok := blog.ParseMediaName(name)
	if !ok {
		return "", false
	}
	return filepath.Join(l.Dir, hash[:2], name), true
}

// File is the path of the file name in the folder; ok is false for a
// name that is not a media name.
func (l Local) File(name string) (path string, ok bool) { return l.path(name) }

func notFound(name string) error {
	return blog.Errorf(blog.ENOTFOUND, "No media file %s.", name)
}

// Put writes data to a temporary file in the same folder and renames it
// into place, so a reader never sees half a file.
func (l Local) Put(_ context.Context, name string, data []byte) error {
	p, ok := l.path(name)
	if !ok {
		return blog.Errorf(blog.EINVALID, "%q is not a media file name", name)
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return blog.Wrap(blog.EINTERNAL, err, "storing a media file failed")
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".upload-*")
	if err != nil {
		return blog.Wrap(blog.EINTERNAL, err, "storing a media file failed")
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil {
		os.Remove(f.Name())
		return blog.Wrap(blog.EINTERNAL, err, "storing a media file failed")
	}
	return nil
}

type localObject struct {
	*os.File
	size int64
}

func (o localObject) Size() int64 { return o.size }

// Get opens a stored file.
func (l Local) Get(_ context.Context, name string) (Object, error) {
	p, ok := l.path(name)
	if !ok {
		return nil, notFound(name)
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, notFound(name)
	}
	if err != nil {
		return nil, blog.Wrap(blog.EINTERNAL, err, "reading a media file failed")
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, notFound(name)
	}
	return localObject{f, st.Size()}, nil
}

// Delete removes a stored file.
func (l Local) Delete(_ context.Context, name string) error {
	p, ok := l.path(name)
	if !ok {
		return nil
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return blog.Wrap(blog.EINTERNAL, err, "deleting a media file failed")
	}
	return nil
}
