package web

import "net/http"

// Handler returns the whole route table, wrapped in the middleware.
//
// Public pages all go through showPage: the renderer owns the public URL
// space (render.Render), so that `octavo build` and the server agree on it.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /assets/", s.showAsset)
	mux.HandleFunc("GET /", s.showPage)
	return s.recoverPanics(s.limitRequest(mux))
}
