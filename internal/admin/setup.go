package admin

import (
	"net/http"

	"octavo/internal/blog"
)

// Setup creates the blog's owner with a setup link, and logs them in.
func (a *Admin) Setup(w http.ResponseWriter, r *http.Request) {
	acct, form, err := readAccount(r)
	if err == nil {
		_, err = a.auth.CompleteSetup(w, r, tokenOf(r), acct)
	}
	switch {
	case err == nil:
		redirect(w, r, "/admin/?done=welcome")
	case blog.ErrorCode(err) == blog.ENOTFOUND:
		a.badLink(w, r, err, "Create the owner", setupAdvice)
	default:
		a.fail(w, r, err, "setup", view{Title: "Create the owner", Data: form})
	}
}
