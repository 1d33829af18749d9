package static

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ManifestName is the file in the output folder that records what the
// last build wrote, so the next one rewrites only what changed.
const ManifestName = ".octavo-manifest.json"

// StaleName is a marker in the output folder while a watched build has
// written files its manifest does not describe yet (see
// Options.LaterManifest); a build that finds it trusts none of the
// manifest's hashes.
const StaleName = ".octavo-manifest-stale"

const staleNote = "octavo build --watch has written files that .octavo-manifest.json does not describe yet.\n"

// manifestVersion changes when the manifest's layout does; an older one
// is ignored (the build then renders everything, and rewrites only files
// whose bytes differ).
const manifestVersion = 1

// manifest is .octavo-manifest.json.
type manifest struct {
	Version int `json:"version"`
	// Stamp sums what every page depends on besides the content: the
	// program, the base URL, the theme, the gzip level.
	Stamp string `json:"stamp"`
	// Gzip is the level of the .gz files written (0: none).
	Gzip int `json:"gzip"`
	// Keys are the dependency keys of the pages with their hashes at the
	// last build; pages name them by index.
	Keys []keyHash `json:"keys"`
	// Pages are the rendered URL paths: the hash of their bytes and the
	// indexes of their keys.
	Pages map[string]pageEntry `json:"pages"`
	// Files are every other file written (assets, copied files, redirect
	// pages, 404.html, _redirects…), by path in the output, with the hash
	// of their bytes (copied files: size and time of the source).
	Files map[string]string `json:"files"`
	// Posts maps each post's id to its path, to notice changed slugs.
	Posts map[string]string `json:"posts"`
	// Moved are the redirects left by changed slugs: old path → new.
	Moved map[string]string `json:"moved,omitempty"`
}

type keyHash struct {
	Key  string `json:"k"`
	Hash string `json:"h"`
}

type pageEntry struct {
	Hash string `json:"h"`
	Deps []int  `json:"d,omitempty"`
}

func newManifest() *manifest {
	return &manifest{Version: manifestVersion, Pages: map[string]pageEntry{}, Files: map[string]string{},
		Posts: map[string]string{}, Moved: map[string]string{}}
}

// readManifest reads the manifest of out; a missing or unreadable one is
// an empty manifest (and a full build).
func readManifest(out string) (*manifest, error) {
	b, err := os.ReadFile(filepath.Join(out, ManifestName))
	if errors.Is(err, os.ErrNotExist) {
		return newManifest(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	m := newManifest()
	if err := json.Unmarshal(b, m); err != nil || m.Version != manifestVersion {
		return newManifest(), nil
	}
	if m.Pages == nil {
		m.Pages = map[string]pageEntry{}
	}
	if m.Files == nil {
		m.Files = map[string]string{}
	}
	if m.Posts == nil {
		m.Posts = map[string]string{}
	}
	if m.Moved == nil {
		m.Moved = map[string]string{}
	}
	if _, err := os.Stat(filepath.Join(out, StaleName)); err == nil {
		// A watched build stopped before writing its manifest: keep the
		// list of what was written, trust no hash.
		m.forget()
	}
	return m, nil
}

// forget drops the manifest's hashes, keeping the lists of pages and
// files (what is gone is still removed).
func (m *manifest) forget() {
	m.Stamp = ""
	for p, e := range m.Pages {
		m.Pages[p] = pageEntry{Deps: e.Deps}
	}
	for f := range m.Files {
		m.Files[f] = ""
	}
}

// write saves the manifest atomically.
func (m *manifest) write(out string) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	tmp := filepath.Join(out, ManifestName+".tmp")
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	return os.Rename(tmp, filepath.Join(out, ManifestName))
}

// keyHashes returns the key table as a map.
func (m *manifest) keyHashes() map[string]string {
	out := make(map[string]string, len(m.Keys))
	for _, k := range m.Keys {
		out[k.Key] = k.Hash
	}
	return out
}
