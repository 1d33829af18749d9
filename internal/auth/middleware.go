package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"octavo/internal/blog"
)

// LoginPath is where a visitor who must log in is sent.
const LoginPath = "/admin/login"

// SecondFactorPath is where a login that waits for its code is sent.
const SecondFactorPath = "/admin/login/code"

// Denied answers a refused request: status 403 with a message that says
// why (the admin renders its own page).
type Denied func(w http.ResponseWriter, r *http.Request, status int, message string)

// requestState is what Protect learnt about a request.
type requestState struct {
	id        *Identity
	preSecret string // the pre-session CSRF cookie's value
}

type stateKey struct{}

// FromContext returns the identity Protect put into the request's
// context: nil for a visitor who is not logged in.
func FromContext(ctx context.Context) *Identity {
	st, _ := ctx.Value(stateKey{}).(*requestState)
	if st == nil {
		return nil
	}
	return st.id
}

// CSRFToken returns the token the request's forms must carry: derived
// from the session when logged in, else from the pre-session cookie.
func CSRFToken(r *http.Request) string {
	st, _ := r.Context().Value(stateKey{}).(*requestState)
	if st == nil {
		return ""
	}
	if st.id != nil {
		return csrfToken(st.id.token)
	}
	return csrfToken(st.preSecret)
}

// Protect returns the middleware of a route that needs perm. In order:
//
//  1. it finds the session (Authenticate) and gives a visitor without one
//     a pre-session CSRF cookie;
//  2. it refuses (403, through denied) any unsafe method (POST…) without a
//     valid CSRF token, before the handler runs, so nothing changes;
//  3. for a route that needs a role's permission, it sends a visitor who
//     is not logged in to the login page (303, with the page to come back
//     to), a login that waits for its code to the code page, and refuses
//     (403) a user whose role lacks perm (see Rules).
//
// Public routes skip step 3; SecondFactor routes admit only a login that
// waits for its code.
func (s *Service) Protect(perm Permission, denied Denied) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			id, err := s.Authenticate(w, r)
			if err != nil {
				s.log.Error("reading a session", "path", r.URL.Path, "error", err)
				denied(w, r, http.StatusServiceUnavailable, blog.ErrorMessage(err))
				return
			}
			st := &requestState{id: id, preSecret: s.cookie(r, csrfCookie)}
			if id == nil && (st.preSecret == "" || len(st.preSecret) > 100) {
				st.preSecret = newToken()
				s.setCookie(w, r, csrfCookie, st.preSecret, s.clock.Now().Add(s.absolute))
			}
			r = r.WithContext(context.WithValue(r.Context(), stateKey{}, st))

			if !safeMethod(r.Method) {
				secrets := []string{}
				if id != nil {
					secrets = append(secrets, id.token)
				}
				if id == nil || perm == Public {
					secrets = append(secrets, st.preSecret)
				}
				ok, err := checkCSRF(w, r, secrets...)
				if r.MultipartForm != nil {
					// Parsed on this copy of the request, which the server
					// does not see: its temporary files are removed here.
					defer r.MultipartForm.RemoveAll()
				}
				if errors.Is(err, errFormTooLarge) {
					denied(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("The form is larger than %d MB, the most a form may send, so nothing was changed.", maxMultipartBytes>>20))
					return
				}
				if !ok {
					denied(w, r, http.StatusForbidden, "This form has expired or did not come from this site, so nothing was changed. Go back, reload the page and try again.")
					return
				}
			}

			switch perm {
			case Public:
			case SecondFactor:
				if id == nil || id.Session.Stage != blog.StageSecondFactor {
					http.Redirect(w, r, LoginPath, http.StatusSeeOther)
					return
				}
			default:
				switch {
				case id == nil:
					http.Redirect(w, r, LoginPath+"?next="+url.QueryEscape(nextPath(r)), http.StatusSeeOther)
					return
				case id.Session.Stage != blog.StageFull:
					http.Redirect(w, r, SecondFactorPath, http.StatusSeeOther)
					return
				case !Can(id.User.Role, perm):
					denied(w, r, http.StatusForbidden, "Your role ("+string(id.User.Role)+") does not allow this.")
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

// nextPath is where to come back to after logging in: the page asked for
// (a GET), else the admin's home.
func nextPath(r *http.Request) string {
	if safeMethod(r.Method) {
		return r.URL.RequestURI()
	}
	return "/admin/"
}

// SafeNext returns next when it is a path of the admin (never another
// site: no scheme, no //host, no backslashes), else "/admin/".
func SafeNext(next string) string {
	if !strings.HasPrefix(next, "/admin/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/admin/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return "/admin/"
	}
	return next
}
