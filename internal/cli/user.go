package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"octavo/internal/auth"
	"octavo/internal/blog"
	"octavo/internal/config"
	"octavo/internal/store"
)

const userUsage = `Usage:
  octavo user add --username NAME --role ROLE [--email ADDRESS] [--name "DISPLAY NAME"] [--password-stdin]
  octavo user passwd NAME [--password-stdin]
  octavo user invite --role ROLE
  octavo user list

add      create an account. ROLE is owner, editor, author or contributor.
         Without --password-stdin it prints a one-time link (valid 24 hours)
         where the user chooses the password in the browser.
passwd   set a user's password (NAME is the username or email address) and
         end all their sessions; without --password-stdin it prints a
         one-time password-reset link instead.
invite   print a one-time invitation link (valid 7 days) that creates an
         account with ROLE.
list     list the accounts.

--password-stdin reads the password from the first line of standard input,
for scripts: printf '%s\n' "$PASSWORD" | octavo user passwd ada --password-stdin

Links use the configured base URL (--base-url, OCTAVO_BASE_URL or base_url
in DATA/octavo.toml), else http:// and the listen address.

The database is --database URL (env OCTAVO_DATABASE), else the SQLite
file octavo.db in --data DIR (env OCTAVO_DATA, default octavo-data).

Flags:
`

// hashParams are the argon2id parameters of the passwords the CLI sets
// (tests make them cheaper).
var hashParams = auth.DefaultParams

func user(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("user", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var f dbFlags
	f.register(fs)
	var username, email, name, role, baseURL string
	var fromStdin bool
	fs.StringVar(&username, "username", "", "add: the username (2 to 40 letters, digits, '.', '-', '_')")
	fs.StringVar(&email, "email", "", "add: the email address (optional; also logs in)")
	fs.StringVar(&name, "name", "", "add: the display name (default: the username)")
	fs.StringVar(&role, "role", "", "add, invite: owner, editor, author or contributor")
	fs.StringVar(&baseURL, "base-url", "", "public URL of the blog, for links (env OCTAVO_BASE_URL)")
	fs.BoolVar(&fromStdin, "password-stdin", false, "add, passwd: read the password from standard input")
	fs.Usage = func() {
		_, _ = io.WriteString(fs.Output(), userUsage)
		fs.PrintDefaults()
	}
	if len(args) == 0 || (strings.HasPrefix(args[0], "-") && args[0] != "-h" && args[0] != "--help") {
		fs.Usage()
		return errors.New("user: give an action: add, passwd, invite or list")
	}
	action, rest := args[0], args[1:]
	var target string
	if action == "passwd" && len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		target, rest = rest[0], rest[1:]
	}
	if err := fs.Parse(rest); err != nil {
		return err
	}
	if action == "passwd" && target == "" && fs.NArg() == 1 {
		target = fs.Arg(0)
	} else if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (see octavo user --help)", fs.Arg(0))
	}
	switch action {
	case "add", "passwd", "invite", "list":
	case "-h", "--help", "help":
		fs.Usage()
		return nil
	default:
		fs.Usage()
		return fmt.Errorf("user: unknown action %q: use add, passwd, invite or list", action)
	}

	url, dir := f.resolve(env.Getenv)
	st, err := store.Open(ctx, url, dir)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := auth.New(auth.Options{Store: st, Params: hashParams, BaseURL: linkBase(baseURL, dir, env.Getenv)})
	readPassword := func() (string, error) {
		in := env.Stdin
		if in == nil {
			in = os.Stdin
		}
		line, err := bufio.NewReader(io.LimitReader(in, auth.MaxPasswordBytes+2)).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("reading the password: %w", err)
		}
		return strings.TrimRight(line, "\r\n"), nil
	}

	out := env.Stdout
	switch action {
	case "add":
		if username == "" || role == "" {
			return errors.New("user add: give --username and --role (see octavo user --help)")
		}
		if !auth.ValidRole(blog.Role(role)) {
			return fmt.Errorf("user add: --role %q: use owner, editor, author or contributor", role)
		}
		acct := auth.NewAccount{Username: username, Email: email, DisplayName: name}
		if fromStdin {
			if acct.Password, err = readPassword(); err != nil {
				return err
			}
			u, err := svc.AddUser(ctx, acct, blog.Role(role))
			if err != nil {
				return fmt.Errorf("user add: %s", blog.ErrorMessage(err))
			}
			fmt.Fprintf(out, "Created %s (%s).\n", u.Username, u.Role)
			return nil
		}
		u, err := svc.AddUserWithoutPassword(ctx, acct, blog.Role(role))
		if err != nil {
			return fmt.Errorf("user add: %s", blog.ErrorMessage(err))
		}
		l, err := svc.ResetLink(ctx, 0, u.ID)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "Created %s (%s). To choose the password, open this link (it works once, until %s):\n%s\n",
			u.Username, u.Role, l.Expires.Local().Format("2 Jan 2006 15:04 MST"), l.URL)
	case "passwd":
		if target == "" {
			return errors.New("user passwd: name the user: octavo user passwd NAME")
		}
		if fromStdin {
			pw, err := readPassword()
			if err != nil {
				return err
			}
			u, err := svc.SetPassword(ctx, target, pw)
			if err != nil {
				return fmt.Errorf("user passwd: %s", blog.ErrorMessage(err))
			}
			fmt.Fprintf(out, "Set the password of %s; every session of the account has ended.\n", u.Username)
			return nil
		}
		u, err := st.UserByLogin(ctx, auth.NormalizeLogin(target))
		if err != nil {
			return fmt.Errorf("user passwd: %s", blog.ErrorMessage(err))
		}
		l, err := svc.ResetLink(ctx, 0, u.ID)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "To set a new password for %s, open this link (it works once, until %s):\n%s\n",
			u.Username, l.Expires.Local().Format("2 Jan 2006 15:04 MST"), l.URL)
	case "invite":
		if role == "" {
			return errors.New("user invite: give --role (owner, editor, author or contributor)")
		}
		l, err := svc.InviteLink(ctx, 0, blog.Role(role))
		if err != nil {
			return fmt.Errorf("user invite: %s", blog.ErrorMessage(err))
		}
		fmt.Fprintf(out, "Invitation to join as %s (it works once, until %s):\n%s\n", role, l.Expires.Local().Format("2 Jan 2006 15:04 MST"), l.URL)
	case "list":
		users, err := st.ListUsers(ctx)
		if err != nil {
			return err
		}
		if len(users) == 0 {
			fmt.Fprintln(out, "No accounts yet: octavo serve prints a link to create the owner, or use octavo user add.")
			return nil
		}
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "USERNAME\tROLE\tEMAIL\tNAME\tTWO-FACTOR\tCREATED")
		for _, u := range users {
			on, _, err := svc.TwoFactorStatus(ctx, u.ID)
			if err != nil {
				return err
			}
			tf := "off"
			if on {
				tf = "on"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", u.Username, u.Role, dash(u.Email), u.DisplayName, tf, u.CreatedAt.Format("2006-01-02"))
		}
		return tw.Flush()
	}
	return nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// linkBase is the base URL of one-time links: the flag, else the server
// configuration of the data folder (environment, octavo.toml), else
// http:// and the default listen address.
func linkBase(flagValue, dir string, getenv func(string) string) string {
	if flagValue != "" {
		return flagValue
	}
	cfg, err := config.Load("user", []string{"--data", dir}, getenv, io.Discard)
	if err != nil {
		cfg = config.Defaults()
	}
	return cfg.ResolvedBaseURL(cfg.Addr)
}
