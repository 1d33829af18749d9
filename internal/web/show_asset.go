package web

import "net/http"

// showAsset serves a theme asset under its content-hashed URL, cached for a
// year: a changed file gets a new URL.
func (s *Server) showAsset(w http.ResponseWriter, r *http.Request) {
	e := s.assets[r.URL.Path]
	if e == nil {
		s.showPage(w, r) // the 404 page
		return
	}
	e.write(w, r)
}
