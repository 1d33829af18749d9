package admin

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/textproto"
	"strings"

	"octavo/internal/auth"
	"octavo/internal/blog"
)

// uploaded is one stored file as the upload answers it.
type uploaded struct {
	Name     string `json:"name"`
	URL      string `json:"url"`
	Width    int    `json:"width"`
	Height   int    `json:"height"`
	Created  bool   `json:"created"`
	Markdown string `json:"markdown"`
}

// uploadedPage shows what was uploaded to someone who cannot see the
// library.
type uploadedPage struct{ Files []uploaded }

// wantsJSON reports whether the request came from a script (the editor's
// upload) that wants a JSON answer rather than a page.
func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

// UploadMedia stores the files of a multipart form (field "file", one or
// more) in the media library. A script (Accept: application/json) gets
// {"files": [...]} or {"error": "..."}; a form is sent to the library, or
// shown the Markdown of its files when its user cannot see the library.
// The file is read whatever the request says of its length, and refused
// past the media-max-mb setting.
func (a *Admin) UploadMedia(w http.ResponseWriter, r *http.Request) {
	if a.media == nil {
		http.NotFound(w, r)
		return
	}
	var files []uploaded
	err := a.eachUpload(w, r, func(name string, body io.Reader) error {
		m, created, err := a.media.Upload(r.Context(), name, body, identity(r).User.ID)
		if err != nil {
			return err
		}
		if created && a.content != nil && a.posts != nil {
			// Posts that showed this file before it was uploaded get its
			// srcset and size now.
			if uses, err := a.posts.MediaUses(r.Context(), []string{m.Hash}); err == nil {
				err = a.content.MediaChanged(r.Context(), uses)
				if err != nil {
					a.log.Warn("admin: rendering posts of a new media file", "error", err)
				}
			}
		}
		img := m.Image()
		files = append(files, uploaded{Name: img.Name(), URL: img.Src(), Width: m.Width, Height: m.Height, Created: created,
			Markdown: "![" + altOf(name) + "](" + img.Src() + ")"})
		return nil
	})
	if err == nil && len(files) == 0 {
		err = blog.Errorf(blog.EINVALID, "No file was sent: choose an image to upload.")
	}
	if wantsJSON(r) {
		w.Header().Set("Content-Type", "application/json")
		if err != nil {
			w.WriteHeader(StatusOf(err))
			_ = json.NewEncoder(w).Encode(map[string]string{"error": a.message(r, err)})
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"files": files})
		return
	}
	canLibrary := auth.Can(identity(r).User.Role, auth.PermMedia)
	if err != nil {
		if canLibrary {
			a.listMedia(w, r, StatusOf(err), a.message(r, err))
			return
		}
		a.render(w, r, StatusOf(err), "message", view{Title: "Upload failed", Error: a.message(r, err)})
		return
	}
	if !canLibrary {
		a.render(w, r, http.StatusOK, "media_uploaded", view{Title: "Uploaded", Data: uploadedPage{Files: files}})
		return
	}
	done := "uploaded"
	if len(files) == 1 && !files[0].Created {
		done = "exists"
	}
	redirect(w, r, "/admin/media?done="+done)
}

// altOf is a starting alt text made of a file name: its words, for the
// writer to replace with what the image shows.
func altOf(name string) string {
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		name = name[:i]
	}
	name = strings.Map(func(r rune) rune {
		switch r {
		case '_', '-', '[', ']', '(', ')', '\\', '*', '`':
			return ' '
		}
		return r
	}, name)
	return strings.Join(strings.Fields(name), " ")
}

// eachUpload calls fn with the name (as the client sent it, not cut to its
// base name: a path is refused, not hidden) and the bytes of every file of
// the form's "file" field, stopping at the first error. A form the CSRF
// check has parsed is read from memory and temporary files; one whose
// token came in a header is read as it streams in.
func (a *Admin) eachUpload(w http.ResponseWriter, r *http.Request, fn func(name string, body io.Reader) error) error {
	if r.MultipartForm != nil {
		for _, fh := range r.MultipartForm.File["file"] {
			f, err := fh.Open()
			if err != nil {
				return blog.Wrap(blog.EINVALID, err, "The upload could not be read.")
			}
			err = fn(rawFileName(fh.Header, fh.Filename), f)
			f.Close()
			if err != nil {
				return err
			}
		}
		return nil
	}
	// The whole body is bounded too: the other fields are small.
	r.Body = http.MaxBytesReader(w, r.Body, a.media.MaxBytes()+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		return blog.Wrap(blog.EINVALID, err, "The upload is not a multipart form.")
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return blog.Errorf(blog.ETOOLARGE, "The upload is larger than the limit of %s.", a.media.LimitText())
			}
			return blog.Wrap(blog.EINVALID, err, "The upload could not be read.")
		}
		if part.FormName() == "file" {
			err = fn(rawFileName(part.Header, part.FileName()), part)
		}
		part.Close()
		if err != nil {
			return err
		}
	}
}

// rawFileName is the filename parameter of a part as sent (mime/multipart
// keeps only its base name).
func rawFileName(h map[string][]string, fallback string) string {
	cd := textproto.MIMEHeader(h).Get("Content-Disposition")
	if _, params, err := mime.ParseMediaType(cd); err == nil {
		if n, ok := params["filename"]; ok {
			return n
		}
	}
	return fallback
}
