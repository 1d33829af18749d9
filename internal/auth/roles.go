package auth

import (
	"slices"

	"octavo/internal/blog"
)

// Permission is something a route or an action needs.
type Permission string

// The permissions. Public and SecondFactor are not held by roles: Public
// routes are open to everyone (the login form), SecondFactor routes only to
// a login that waits for its code.
const (
	Public       Permission = "public"
	SecondFactor Permission = "second-factor"

	PermAdmin       Permission = "admin"         // the dashboard and one's own account
	PermWriteDrafts Permission = "posts.drafts"  // write own drafts, submit them for review
	PermPublishOwn  Permission = "posts.publish" // publish, edit and unpublish own posts
	PermEditPosts   Permission = "posts.all"     // edit and publish anyone's posts
	PermPages       Permission = "pages"         // pages
	PermTags        Permission = "tags"          // tags
	PermMedia       Permission = "media"         // the media library
	PermUsers       Permission = "users"         // invite users, reset links, roles
	PermSettings    Permission = "settings"      // site settings
)

// Rule is one line of the permission table.
type Rule struct {
	Permission  Permission
	Description string
	Roles       []blog.Role
}

var (
	allRoles   = []blog.Role{blog.RoleOwner, blog.RoleEditor, blog.RoleAuthor, blog.RoleContributor}
	authorUp   = []blog.Role{blog.RoleOwner, blog.RoleEditor, blog.RoleAuthor}
	editorUp   = []blog.Role{blog.RoleOwner, blog.RoleEditor}
	ownerOnly  = []blog.Role{blog.RoleOwner}
	permission = []Rule{
		{PermAdmin, "use the admin: dashboard, own account, password, two-factor, sessions", allRoles},
		{PermWriteDrafts, "write own drafts and submit them for review", allRoles},
		{PermPublishOwn, "publish, edit and unpublish own posts", authorUp},
		{PermEditPosts, "edit, publish and trash anyone's posts", editorUp},
		{PermPages, "write and publish pages", editorUp},
		{PermTags, "manage tags", editorUp},
		{PermMedia, "manage the media library", editorUp},
		{PermUsers, "invite users, make password-reset links, change roles", ownerOnly},
		{PermSettings, "change the site settings", ownerOnly},
	}
)

// Rules returns the permission table: every permission a role can hold,
// with who holds it. It is the one place where roles are given rights.
func Rules() []Rule { return slices.Clone(permission) }

// Can reports whether role holds perm. Unknown roles hold nothing.
func Can(role blog.Role, perm Permission) bool {
	for _, r := range permission {
		if r.Permission == perm {
			return slices.Contains(r.Roles, role)
		}
	}
	return false
}

// Roles lists the roles, most powerful first.
func Roles() []blog.Role { return slices.Clone(allRoles) }

// ValidRole reports whether r is a role.
func ValidRole(r blog.Role) bool { return slices.Contains(allRoles, r) }

// CanEditPost reports whether u may change p: editors and the owner any
// post or page; authors their own posts; contributors their own posts
// while they are drafts or pending review (once published, they are the
// editors').
func CanEditPost(u *blog.User, p *blog.Post) bool {
	if p.Kind == blog.KindPage {
		return Can(u.Role, PermPages)
	}
	switch {
	case Can(u.Role, PermEditPosts):
		return true
	case p.AuthorID != u.ID:
		return false
	case Can(u.Role, PermPublishOwn):
		return true
	case Can(u.Role, PermWriteDrafts):
		return p.Status == blog.StatusDraft || p.Status == blog.StatusPending
	}
	return false
}

// CanSetStatus reports whether u may give p the status st: contributors
// only draft and pending (submit for review); authors anything for their
// own posts; editors and the owner anything.
func CanSetStatus(u *blog.User, p *blog.Post, st blog.Status) bool {
	if !CanEditPost(u, p) {
		return false
	}
	if st == blog.StatusDraft || st == blog.StatusPending {
		return true
	}
	if p.Kind == blog.KindPage {
		return Can(u.Role, PermPages)
	}
	return Can(u.Role, PermEditPosts) || (p.AuthorID == u.ID && Can(u.Role, PermPublishOwn))
}
