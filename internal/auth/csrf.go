package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"mime"
	"net/http"
)

// CSRF. Every state-changing request must carry a token (the form field
// CSRFField, or the header CSRFHeader for scripts) that only a page of the
// admin could have put there: the HMAC-SHA256 of a secret that lives in an
// HttpOnly cookie. Logged in, the secret is the session token itself, so
// the token changes with every login and dies with the session; logged
// out (the login, setup, invitation and reset forms), it is a random
// pre-session cookie. A cross-site page can neither read the cookie nor
// the token in our pages, so it cannot forge the request; SameSite=Lax
// cookies and a refusal of Sec-Fetch-Site: cross-site are further walls.
const (
	CSRFField  = "csrf"
	CSRFHeader = "X-CSRF-Token"
	// maxFormBytes bounds a form body read to find the token;
	// maxMultipartBytes a multipart one (uploads), of which
	// maxMultipartMemory is kept in memory and the rest in temporary files.
	maxFormBytes       = 1 << 20
	maxMultipartBytes  = 64 << 20
	maxMultipartMemory = 8 << 20
)

// csrfToken derives the form token from a secret.
func csrfToken(secret string) string {
	if secret == "" {
		return ""
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("octavo csrf v1"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// safeMethod reports whether a method changes nothing by contract.
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// errFormTooLarge is why checkCSRF refused a form larger than it reads.
var errFormTooLarge = errors.New("form too large")

// checkCSRF reports whether an unsafe request carries a token made from
// one of the secrets (the session's; on public pages also the
// pre-session cookie's). It reads the form (bounded: maxFormBytes, or
// maxMultipartBytes for uploads) unless the token came in the header;
// a form over that bound is refused with errFormTooLarge.
func checkCSRF(w http.ResponseWriter, r *http.Request, secrets ...string) (bool, error) {
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return false, nil
	}
	got := r.Header.Get(CSRFHeader)
	if got == "" {
		ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if ct == "multipart/form-data" {
			r.Body = http.MaxBytesReader(w, r.Body, maxMultipartBytes)
			if err := r.ParseMultipartForm(maxMultipartMemory); err != nil {
				return false, tooLarge(err)
			}
		} else {
			r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
			if err := r.ParseForm(); err != nil {
				return false, tooLarge(err)
			}
		}
		got = r.PostFormValue(CSRFField)
	}
	if got == "" {
		return false, nil
	}
	for _, s := range secrets {
		if want := csrfToken(s); want != "" && hmac.Equal([]byte(got), []byte(want)) {
			return true, nil
		}
	}
	return false, nil
}

// tooLarge is errFormTooLarge when err says the body was over its bound.
func tooLarge(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errFormTooLarge
	}
	return nil
}
