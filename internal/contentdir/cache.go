package contentdir

import (
	"bufio"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"unsafe"

	"octavo/internal/markdown"
)

// The render cache keeps what reading a file produced (its front matter,
// problems and rendered HTML) between runs, so that a new process reads
// and renders only the files that changed. It lives in a folder of its own:
//
//	index.gob  the parsed metadata of every file, by path
//	html.bin   the rendered excerpt, HTML and table of contents of each
//	           file, appended; the index says where. The excerpt comes
//	           first, so that a list page reads it alone.
//
// Rendered HTML is read back when a page needs it, so the process never
// holds every post's HTML at once. Without a cache folder, records are
// kept in memory.

// cacheFormat changes when the cache's layout or what is cached changes:
// an older cache is then dropped. It includes the Markdown pipeline's
// version, and shortcodeVersion for what shortcodes make.
const (
	cacheFormat      = 3
	shortcodeVersion = 1
)

func cacheVersion() string {
	return strconv.Itoa(cacheFormat) + "." + strconv.Itoa(markdown.Version) + "." + strconv.Itoa(shortcodeVersion)
}

// record is what the cache knows of one file: enough to build the site
// without opening it while its size and modification time stay the same.
type record struct {
	Size    int64
	ModTime int64  // nanoseconds
	Hash    string // SHA-256 of the file, hex
	Meta    meta
	// BodyLine is the line the body starts on.
	BodyLine int
	Problems []Problem // the file's own problems (front matter, shortcodes)
	Broken   bool      // a problem stops the file from being published
	Refs     []string  // targets of ref/relref shortcodes, by number
	// Where the rendered form is: Off and Len in html.bin (Len 0: none);
	// the excerpt is its first ExcerptLen bytes.
	Off, Len   int64
	ExcerptLen int64
	HasMore    bool
	WordCount  int
	Version    int
	// Summary is the excerpt's text, cut near 240 bytes: the static
	// search index lists it without reading the rendered HTML back.
	Summary string
}

// renderStore keeps rendered records: in html.bin or in memory.
type renderStore struct {
	mu   sync.Mutex
	dir  string // "" in memory
	blob *os.File
	size int64
	mem  [][]byte // in memory: Off is an index here
	lock io.Closer
}

// openCache opens (or creates) the cache in dir and returns its index.
// When dir is empty, or the cache is in use by another process, records
// are kept in memory and the index is empty.
func openCache(dir string) (*renderStore, map[string]record, error) {
	if dir == "" {
		return &renderStore{}, map[string]record{}, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, nil, fmt.Errorf("cache folder: %w", err)
	}
	lock, err := lockFile(filepath.Join(dir, "lock"))
	if err != nil {
		return &renderStore{}, map[string]record{}, errCacheBusy
	}
	s := &renderStore{dir: dir, lock: lock}
	index := map[string]record{}
	var size int64
	if f, err := os.Open(filepath.Join(dir, "index.gob")); err == nil {
		var hdr cacheIndex
		if gob.NewDecoder(bufio.NewReader(f)).Decode(&hdr) == nil && hdr.Version == cacheVersion() {
			index, size = hdr.Files, hdr.BlobSize
		}
		f.Close()
	}
	blob, err := os.OpenFile(filepath.Join(dir, "html.bin"), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		lock.Close()
		return nil, nil, fmt.Errorf("cache: %w", err)
	}
	if st, err := blob.Stat(); err != nil || st.Size() < size || len(index) == 0 {
		// A blob shorter than the index says (or no index): start over.
		if err := blob.Truncate(0); err != nil {
			blob.Close()
			lock.Close()
			return nil, nil, fmt.Errorf("cache: %w", err)
		}
		index, size = map[string]record{}, 0
	}
	s.blob, s.size = blob, size
	var live int64
	for _, r := range index {
		live += r.Len
	}
	if s.size > 2*live+16<<20 {
		if err := s.compact(index); err != nil {
			s.close()
			return nil, nil, err
		}
	}
	return s, index, nil
}

// errCacheBusy means another process holds the cache.
var errCacheBusy = errors.New("the render cache is in use by another octavo process; keeping rendered Markdown in memory")

// cacheIndex is index.gob.
type cacheIndex struct {
	Version  string
	BlobSize int64
	Files    map[string]record
}

// put stores a rendered form and returns where it is: n bytes at off, of
// which the excerpt is the first en.
func (s *renderStore) put(html, excerpt, toc string) (off, n, en int64, err error) {
	buf := make([]byte, 0, len(html)+len(excerpt)+len(toc)+3*binary.MaxVarintLen64)
	for i, part := range []string{excerpt, html, toc} {
		buf = binary.AppendUvarint(buf, uint64(len(part)))
		buf = append(buf, part...)
		if i == 0 {
			en = int64(len(buf))
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.blob == nil {
		s.mem = append(s.mem, buf)
		return int64(len(s.mem) - 1), int64(len(buf)), en, nil
	}
	off = s.size
	if _, err := s.blob.WriteAt(buf, off); err != nil {
		return 0, 0, 0, fmt.Errorf("cache: %w", err)
	}
	s.size += int64(len(buf))
	return off, int64(len(buf)), en, nil
}

// get reads a rendered form back.
func (s *renderStore) get(off, n int64) (html, excerpt, toc string, err error) {
	var parts [3]string
	err = s.read(off, n, parts[:])
	return parts[1], parts[0], parts[2], err
}

// getExcerpt reads the excerpt of a rendered form back: its first en bytes.
func (s *renderStore) getExcerpt(off, en int64) (string, error) {
	var parts [1]string
	err := s.read(off, en, parts[:])
	return parts[0], err
}

// read reads the first n bytes of the record at off and decodes as many
// parts as parts holds.
func (s *renderStore) read(off, n int64, parts []string) error {
	var buf []byte
	if s.blob == nil {
		s.mu.Lock()
		if off < 0 || off >= int64(len(s.mem)) || n > int64(len(s.mem[off])) {
			s.mu.Unlock()
			return errors.New("cache: no such record")
		}
		buf = s.mem[off][:n]
		s.mu.Unlock()
	} else {
		buf = make([]byte, n)
		if _, err := s.blob.ReadAt(buf, off); err != nil {
			return fmt.Errorf("cache: %w", err)
		}
	}
	for i := range parts {
		l, k := binary.Uvarint(buf)
		if k <= 0 || uint64(len(buf)-k) < l {
			return errors.New("cache: a damaged record")
		}
		if l > 0 {
			if s.blob == nil {
				parts[i] = string(buf[k : k+int(l)])
			} else {
				// buf was read for this call and is never written again:
				// the strings share it instead of copying 20 KB a post.
				parts[i] = unsafe.String(&buf[k], int(l))
			}
		}
		buf = buf[k+int(l):]
	}
	return nil
}

// save writes the index. Records no file uses any more stay in html.bin
// until a later open compacts it.
func (s *renderStore) save(index map[string]record) error {
	if s.blob == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	tmp := filepath.Join(s.dir, "index.gob.tmp")
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	if err := gob.NewEncoder(w).Encode(cacheIndex{Version: cacheVersion(), BlobSize: s.size, Files: index}); err != nil {
		f.Close()
		return fmt.Errorf("cache: %w", err)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("cache: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	return os.Rename(tmp, filepath.Join(s.dir, "index.gob"))
}

// compact rewrites html.bin with only the records of index, before any
// record is read.
func (s *renderStore) compact(index map[string]record) error {
	tmp := filepath.Join(s.dir, "html.bin.tmp")
	nf, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	var off int64
	for k, r := range index {
		if r.Len == 0 {
			continue
		}
		buf := make([]byte, r.Len)
		if _, err := s.blob.ReadAt(buf, r.Off); err != nil {
			nf.Close()
			return fmt.Errorf("cache: %w", err)
		}
		if _, err := nf.WriteAt(buf, off); err != nil {
			nf.Close()
			return fmt.Errorf("cache: %w", err)
		}
		r.Off = off
		index[k] = r
		off += r.Len
	}
	if err := os.Rename(tmp, filepath.Join(s.dir, "html.bin")); err != nil {
		nf.Close()
		return fmt.Errorf("cache: %w", err)
	}
	s.blob.Close()
	s.blob, s.size = nf, off
	return nil
}

// close releases the cache.
func (s *renderStore) close() error {
	var err error
	if s.blob != nil {
		err = s.blob.Close()
	}
	if s.lock != nil {
		s.lock.Close()
	}
	return err
}
