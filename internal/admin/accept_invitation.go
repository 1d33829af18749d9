package admin

import (
	"net/http"

	"octavo/internal/blog"
)

// AcceptInvitation creates an invited account, and logs it in.
func (a *Admin) AcceptInvitation(w http.ResponseWriter, r *http.Request) {
	t, err := a.auth.CheckLink(r.Context(), blog.TokenInvite, tokenOf(r))
	if err != nil {
		a.badLink(w, r, err, "Accept the invitation", inviteAdvice)
		return
	}
	acct, form, err := readAccount(r)
	form.Role = t.Role
	if err == nil {
		_, err = a.auth.AcceptInvite(w, r, tokenOf(r), acct)
	}
	switch {
	case err == nil:
		redirect(w, r, "/admin/?done=welcome")
	case blog.ErrorCode(err) == blog.ENOTFOUND:
		a.badLink(w, r, err, "Accept the invitation", inviteAdvice)
	default:
		a.fail(w, r, err, "invite", view{Title: "Accept the invitation", Data: form})
	}
}
