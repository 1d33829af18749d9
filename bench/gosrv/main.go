// Command gosrv is the baseline of bench/serve: a minimal net/http server
// answering from memory with the same bytes Octavo serves, the gzip form
// when the client accepts it. It does what a lean Go server does and no
// more: Content-Type, Content-Length and Content-Encoding, computed once.
//
//	gosrv -addr 127.0.0.1:PORT -route /=home.html -route /2015/01/post/=post.html
//
// With -same-work it also does the protocol work Octavo must do on every
// hit, to tell what that work costs from what Octavo's own code costs: the
// server timeouts octavo serve sets, and the four caching headers
// (ETag, Last-Modified, Cache-Control, Vary), as fixed values.
//
// Each FILE is served with FILE.gz beside it as the gzip form.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

type page struct {
	plain, gz             []byte
	plainLength, gzLength []string
}

type routes map[string]*page

func (r routes) String() string { return fmt.Sprint(len(r), " routes") }

func (r routes) Set(v string) error {
	path, file, ok := strings.Cut(v, "=")
	if !ok {
		return fmt.Errorf("want PATH=FILE, got %q", v)
	}
	plain, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	gz, err := os.ReadFile(file + ".gz")
	if err != nil {
		return err
	}
	r[path] = &page{plain: plain, gz: gz,
		plainLength: []string{strconv.Itoa(len(plain))}, gzLength: []string{strconv.Itoa(len(gz))}}
	return nil
}

var (
	cacheControl = []string{"public, max-age=0, must-revalidate"}
	vary         = []string{"Accept-Encoding"}
	etag         = []string{`"u3zYa7Lf-Cx62gXgzUsAdFW2"`}
	lastModified = []string{"Wed, 25 Nov 2026 00:44:53 GMT"}
	htmlType     = []string{"text/html; charset=utf-8"}
	gzipEnc      = []string{"gzip"}
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8090", "address to listen on")
	same := flag.Bool("same-work", false, "set octavo serve's timeouts and send its four caching headers")
	pages := routes{}
	flag.Var(pages, "route", "PATH=FILE to serve (repeatable); FILE.gz is the gzip form")
	flag.Parse()
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := pages[r.URL.Path]
		if p == nil {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		if *same {
			h["Cache-Control"] = cacheControl
			h["Vary"] = vary
			h["Etag"] = etag
			h["Last-Modified"] = lastModified
		}
		h["Content-Type"] = htmlType
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			h["Content-Encoding"] = gzipEnc
			h["Content-Length"] = p.gzLength
			w.Write(p.gz)
			return
		}
		h["Content-Length"] = p.plainLength
		w.Write(p.plain)
	})
	srv := &http.Server{Addr: *addr, Handler: handler}
	if *same {
		srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout = 5*time.Second, 30*time.Second, 60*time.Second, 2*time.Minute
	}
	log.Fatal(srv.ListenAndServe())
}
