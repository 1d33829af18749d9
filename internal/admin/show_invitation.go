package admin

import (
	"net/http"

	"octavo/internal/blog"
)

const inviteAdvice = "Ask the blog's owner for a new invitation."

// ShowInvitation shows the form that creates an invited account.
func (a *Admin) ShowInvitation(w http.ResponseWriter, r *http.Request) {
	t, err := a.auth.CheckLink(r.Context(), blog.TokenInvite, tokenOf(r))
	if err != nil {
		a.badLink(w, r, err, "Accept the invitation", inviteAdvice)
		return
	}
	a.render(w, r, http.StatusOK, "invite", view{Title: "Accept the invitation", Data: accountForm{Role: t.Role, Action: r.URL.Path}})
}
