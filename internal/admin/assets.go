package admin

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"octavo/internal/mimetype"
	"octavo/internal/render"
)

//go:embed static
var staticFS embed.FS

// AssetPrefix is where the admin's assets are served.
const AssetPrefix = "/admin/assets/"

// asset is a stylesheet or script of the admin.
type asset struct {
	url         string // /admin/assets/admin.1a2b3c4d5e.css
	contentType string
	body        []byte
}

// assets are the admin's static files, by name and by hashed file name.
type assets struct {
	byName map[string]*asset
	byFile map[string]*asset
}

func loadAssets() (*assets, error) {
	as := &assets{byName: map[string]*asset{}, byFile: map[string]*asset{}}
	entries, err := fs.ReadDir(staticFS, "static")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		body, err := fs.ReadFile(staticFS, "static/"+e.Name())
		if err != nil {
			return nil, err
		}
		as.add(e.Name(), body)
	}
	// The editor's preview highlights code with the public theme's own
	// palettes (its variables are set in admin.css).
	code, err := render.CodeCSS()
	if err != nil {
		return nil, err
	}
	as.add("code.css", code)
	for _, need := range []string{"admin.css", "admin.js"} {
		if as.byName[need] == nil {
			return nil, fmt.Errorf("admin: static/%s is missing", need)
		}
	}
	return as, nil
}

// add serves body as name under a hashed file name.
func (as *assets) add(name string, body []byte) {
	sum := sha256.Sum256(body)
	ext := path.Ext(name)
	file := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:])[:10] + ext
	a := &asset{url: AssetPrefix + file, contentType: mimetype.ByExtension(ext), body: body}
	if a.contentType == "" {
		a.contentType = "application/octet-stream"
	}
	as.byName[name] = a
	as.byFile[file] = a
}

// url is the hashed URL of an asset (a template function).
func (as *assets) url(name string) (string, error) {
	a := as.byName[name]
	if a == nil {
		return "", fmt.Errorf("admin: no asset %q", name)
	}
	return a.url, nil
}
