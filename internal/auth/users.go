package auth

import (
	"context"
	"net/mail"
	"strings"
	"unicode/utf8"

	"octavo/internal/blog"
)

// NewAccount is what a new account is made of: the setup and invitation
// forms and `octavo user add` fill it in.
type NewAccount struct {
	Username    string
	Email       string // optional
	DisplayName string // the username when empty
	Password    string
}

// prepare checks a new account and returns its user, password hashed. The
// error is an EINVALID *blog.Error that names the field.
func (s *Service) prepare(a NewAccount) (*blog.User, error) {
	u, err := s.prepareFields(a)
	if err != nil {
		return nil, err
	}
	if err := CheckPassword(a.Password, u.Username, u.Email); err != nil {
		return nil, err
	}
	h, err := s.hasher.Hash(a.Password)
	if err != nil {
		return nil, blog.Wrap(blog.EINTERNAL, err, "hashing a password")
	}
	u.PasswordHash = h
	return u, nil
}

// prepareFields checks a new account's username, email address and
// display name.
func (s *Service) prepareFields(a NewAccount) (*blog.User, error) {
	u := &blog.User{Username: NormalizeLogin(a.Username), Email: NormalizeLogin(a.Email), DisplayName: strings.TrimSpace(a.DisplayName)}
	if err := CheckUsername(u.Username); err != nil {
		return nil, err
	}
	if u.Email != "" {
		addr, err := mail.ParseAddress(u.Email)
		if err != nil || addr.Address != u.Email || len(u.Email) > 254 {
			return nil, blog.Errorf(blog.EINVALID, "Email address: %q is not an email address such as ada@example.org.", a.Email)
		}
	}
	if u.DisplayName == "" {
		u.DisplayName = u.Username
	}
	if utf8.RuneCountInString(u.DisplayName) > 100 {
		return nil, blog.Errorf(blog.EINVALID, "Display name: at most 100 characters.")
	}
	u.CreatedAt = s.clock.Now()
	return u, nil
}

// CheckUsername says what is wrong with a (normalized) username: 2 to 40
// characters, lower-case letters, digits, '.', '-' and '_', starting with
// a letter or a digit. No '@', so a login is an email exactly when it has
// one.
func CheckUsername(name string) error {
	if len(name) < 2 || len(name) > 40 {
		return blog.Errorf(blog.EINVALID, "Username: use 2 to 40 characters.")
	}
	for i, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		case i > 0 && (r == '.' || r == '-' || r == '_'):
		default:
			return blog.Errorf(blog.EINVALID, "Username: use lower-case letters, digits, '.', '-' and '_', starting with a letter or a digit.")
		}
	}
	return nil
}

// AddUser creates an account with a role (`octavo user add`).
func (s *Service) AddUser(ctx context.Context, a NewAccount, role blog.Role) (*blog.User, error) {
	return s.addUser(ctx, a, role, s.prepare)
}

// AddUserWithoutPassword creates an account that cannot log in until a
// password is set (`octavo user add` without a password, which then
// prints a reset link).
func (s *Service) AddUserWithoutPassword(ctx context.Context, a NewAccount, role blog.Role) (*blog.User, error) {
	return s.addUser(ctx, a, role, s.prepareFields)
}

// addUser checks role, makes the user with prepare and stores it.
func (s *Service) addUser(ctx context.Context, a NewAccount, role blog.Role, prepare func(NewAccount) (*blog.User, error)) (*blog.User, error) {
	if !ValidRole(role) {
		return nil, blog.Errorf(blog.EINVALID, "Role: %q is not one of owner, editor, author, contributor.", role)
	}
	u, err := prepare(a)
	if err != nil {
		return nil, err
	}
	u.Role = role
	if err := s.store.CreateUser(ctx, u); err != nil {
		return nil, err
	}
	return u, nil
}

// SetPassword sets a user's password without the old one (`octavo user
// passwd`, run by whoever holds the server) and ends all their sessions.
func (s *Service) SetPassword(ctx context.Context, login, password string) (*blog.User, error) {
	u, err := s.store.UserByLogin(ctx, NormalizeLogin(login))
	if err != nil {
		return nil, err
	}
	if err := CheckPassword(password, u.Username, u.Email); err != nil {
		return nil, err
	}
	h, err := s.hasher.Hash(password)
	if err != nil {
		return nil, blog.Wrap(blog.EINTERNAL, err, "hashing a password")
	}
	return u, s.store.SetPasswordHash(ctx, u.ID, h, 0)
}

// ChangePassword changes the logged-in user's password, given the
// current one, and ends their other sessions.
func (s *Service) ChangePassword(ctx context.Context, id *Identity, current, password string) error {
	if ok, _ := s.hasher.Verify(id.User.PasswordHash, current); !ok {
		return blog.Errorf(blog.EINVALID, "The current password is wrong.")
	}
	if err := CheckPassword(password, id.User.Username, id.User.Email); err != nil {
		return err
	}
	h, err := s.hasher.Hash(password)
	if err != nil {
		return blog.Wrap(blog.EINTERNAL, err, "hashing a password")
	}
	return s.store.SetPasswordHash(ctx, id.User.ID, h, id.Session.ID)
}

// SetRole changes a user's role; by must hold PermUsers. The store keeps
// the blog from losing its last owner.
func (s *Service) SetRole(ctx context.Context, by *Identity, userID int64, role blog.Role) error {
	if by == nil || !Can(by.User.Role, PermUsers) {
		return blog.Errorf(blog.EFORBIDDEN, "Only the owner changes roles.")
	}
	if !ValidRole(role) {
		return blog.Errorf(blog.EINVALID, "Role: %q is not one of owner, editor, author, contributor.", role)
	}
	return s.store.SetUserRole(ctx, userID, role)
}
