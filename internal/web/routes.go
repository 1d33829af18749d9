package web

import (
	"net/http"

	"octavo/internal/auth"
)

// Handler returns the whole route table of the public site, wrapped in the
// middleware.
//
// Public pages all go through showPage: the renderer owns the public URL
// space (render.Render), so that `octavo build` and the server agree on it.
// /metrics is not here: MetricsHandler serves it on its own listener.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /assets/", s.showAsset)
	mux.HandleFunc("GET /search", s.showSearch)
	mux.HandleFunc("GET /media/{file}", s.showMedia)
	mux.HandleFunc("GET /", s.showPage)
	if a := s.admin; a != nil {
		// The admin. Each route names the permission it needs (the table
		// is auth.Rules); Gate adds the admin's security headers, finds the
		// session, refuses a POST without its CSRF token and checks the
		// role, before the handler runs.
		mux.Handle("GET /admin", http.RedirectHandler("/admin/", http.StatusMovedPermanently))
		mux.HandleFunc("GET /admin/assets/{file}", a.ShowAsset)
		mux.Handle("GET /admin/login", a.Gate(auth.Public, a.ShowLogin))
		mux.Handle("POST /admin/login", a.Gate(auth.Public, a.Login))
		mux.Handle("GET /admin/login/code", a.Gate(auth.SecondFactor, a.ShowLoginCode))
		mux.Handle("POST /admin/login/code", a.Gate(auth.SecondFactor, a.LoginCode))
		mux.Handle("POST /admin/logout", a.Gate(auth.Public, a.Logout))
		mux.Handle("GET /admin/setup/{token}", a.Gate(auth.Public, a.ShowSetup))
		mux.Handle("POST /admin/setup/{token}", a.Gate(auth.Public, a.Setup))
		mux.Handle("GET /admin/invite/{token}", a.Gate(auth.Public, a.ShowInvitation))
		mux.Handle("POST /admin/invite/{token}", a.Gate(auth.Public, a.AcceptInvitation))
		mux.Handle("GET /admin/reset/{token}", a.Gate(auth.Public, a.ShowReset))
		mux.Handle("POST /admin/reset/{token}", a.Gate(auth.Public, a.ResetPassword))
		mux.Handle("GET /admin/{$}", a.Gate(auth.PermAdmin, a.ShowHome))
		mux.Handle("GET /admin/account", a.Gate(auth.PermAdmin, a.ShowAccount))
		mux.Handle("POST /admin/account/password", a.Gate(auth.PermAdmin, a.ChangePassword))
		mux.Handle("GET /admin/account/two-factor", a.Gate(auth.PermAdmin, a.ShowTwoFactor))
		mux.Handle("POST /admin/account/two-factor", a.Gate(auth.PermAdmin, a.EnableTwoFactor))
		mux.Handle("POST /admin/account/two-factor/disable", a.Gate(auth.PermAdmin, a.DisableTwoFactor))
		mux.Handle("POST /admin/account/sessions/{id}/end", a.Gate(auth.PermAdmin, a.EndSession))
		mux.Handle("POST /admin/account/sessions/end-all", a.Gate(auth.PermAdmin, a.EndAllSessions))
		mux.Handle("GET /admin/users", a.Gate(auth.PermUsers, a.ListUsers))
		mux.Handle("POST /admin/users/invite", a.Gate(auth.PermUsers, a.InviteUser))
		mux.Handle("POST /admin/users/{id}/reset-link", a.Gate(auth.PermUsers, a.MakeResetLink))
		mux.Handle("POST /admin/users/{id}/role", a.Gate(auth.PermUsers, a.ChangeRole))
		mux.Handle("GET /admin/settings", a.Gate(auth.PermSettings, a.ShowSettings))
		mux.Handle("POST /admin/settings", a.Gate(auth.PermSettings, a.SaveSettings))
		mux.Handle("GET /admin/tags", a.Gate(auth.PermTags, a.ListTags))
		mux.Handle("POST /admin/tags/rename", a.Gate(auth.PermTags, a.RenameTag))
		mux.Handle("GET /admin/redirects", a.Gate(auth.PermEditPosts, a.ListRedirects))
		mux.Handle("POST /admin/redirects", a.Gate(auth.PermEditPosts, a.AddRedirect))
		mux.Handle("POST /admin/redirects/delete", a.Gate(auth.PermEditPosts, a.DeleteRedirect))
		// The editor. Posts and pages share the routes of a stored entry
		// (/admin/posts/{id}…); the handlers check auth.CanEditPost and
		// auth.CanSetStatus for the entry itself.
		mux.Handle("GET /admin/posts", a.Gate(auth.PermWriteDrafts, a.ListPosts))
		mux.Handle("GET /admin/pages", a.Gate(auth.PermPages, a.ListPosts))
		mux.Handle("GET /admin/posts/new", a.Gate(auth.PermWriteDrafts, a.NewPost))
		mux.Handle("GET /admin/pages/new", a.Gate(auth.PermPages, a.NewPost))
		mux.Handle("POST /admin/posts", a.Gate(auth.PermWriteDrafts, a.SavePost))
		mux.Handle("POST /admin/pages", a.Gate(auth.PermPages, a.SavePost))
		mux.Handle("POST /admin/preview", a.Gate(auth.PermWriteDrafts, a.PreviewBody))
		mux.Handle("POST /admin/autosave", a.Gate(auth.PermWriteDrafts, a.Autosave))
		mux.Handle("GET /admin/posts/{id}", a.Gate(auth.PermWriteDrafts, a.EditPost))
		mux.Handle("POST /admin/posts/{id}", a.Gate(auth.PermWriteDrafts, a.SavePost))
		mux.Handle("GET /admin/posts/{id}/preview", a.Gate(auth.PermWriteDrafts, a.ShowPostPreview))
		mux.Handle("GET /admin/posts/{id}/revisions", a.Gate(auth.PermWriteDrafts, a.ListRevisions))
		mux.Handle("GET /admin/posts/{id}/revisions/{rev}", a.Gate(auth.PermWriteDrafts, a.ShowRevision))
		mux.Handle("POST /admin/posts/{id}/revisions/{rev}/restore", a.Gate(auth.PermWriteDrafts, a.RestoreRevision))
		mux.Handle("POST /admin/posts/{id}/trash", a.Gate(auth.PermWriteDrafts, a.TrashPost))
		mux.Handle("POST /admin/posts/{id}/restore", a.Gate(auth.PermWriteDrafts, a.RestorePost))
		mux.Handle("GET /admin/posts/{id}/delete", a.Gate(auth.PermWriteDrafts, a.ShowDeletePost))
		mux.Handle("POST /admin/posts/{id}/delete", a.Gate(auth.PermWriteDrafts, a.DeletePost))
		mux.Handle("GET /admin/media", a.Gate(auth.PermMedia, a.ListMedia))
		mux.Handle("POST /admin/media", a.Gate(auth.PermWriteDrafts, a.UploadMedia))
		mux.Handle("GET /admin/media/upload", a.Gate(auth.PermWriteDrafts, a.ShowMediaUpload))
		mux.Handle("POST /admin/media/{hash}/delete", a.Gate(auth.PermMedia, a.DeleteMedia))
	}
	return s.observe(s.cachedFirst(s.recoverPanics(s.limitRequest(mux))))
}

// cachedFirst answers a GET or HEAD of a cached page before the route
// table and the other middleware: a cached path was routed to showPage and
// passed limitRequest when it was rendered, so they would decide the same
// again. Only showPage (and Warm, which renders like it) store pages, so a
// path of another route is never found here.
func (s *Server) cachedFirst(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			if e := s.cache.lookup(r.URL.Path); e != nil {
				e.write(w, r)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
