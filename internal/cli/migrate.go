package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"octavo/internal/store"
)

const migrateUsage = `Usage: octavo migrate [status|up] [--data DIR | --database URL]

  status   list the schema migrations and which the database has (default)
  up       apply the pending migrations, each in a transaction

octavo serve applies pending migrations by itself at start-up; migrate up
lets you do it first (e.g. once, before starting several processes), and
status shows where a database stands. A database written by a newer Octavo
is refused.

The database is --database URL (env OCTAVO_DATABASE): sqlite:PATH,
postgres://USER@HOST/DB or postgresql://…; without one, the SQLite file
octavo.db in --data DIR (env OCTAVO_DATA, default octavo-data).

Flags:
`

// dbFlags are the flags that choose a database, as serve chooses it.
type dbFlags struct {
	data, database string
}

func (f *dbFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.data, "data", "", "folder of the SQLite database octavo.db (env OCTAVO_DATA, default octavo-data)")
	fs.StringVar(&f.database, "database", "", "database URL: sqlite:PATH or postgres://… (env OCTAVO_DATABASE)")
}

// resolve applies the environment and defaults: a flag beats its
// environment variable.
func (f *dbFlags) resolve(getenv func(string) string) (url, dir string) {
	url, dir = f.database, f.data
	if url == "" {
		url = getenv("OCTAVO_DATABASE")
	}
	if dir == "" {
		dir = getenv("OCTAVO_DATA")
	}
	if dir == "" {
		dir = "octavo-data"
	}
	return url, dir
}

// parseSub parses the flags of a command that takes one optional action
// word first (octavo migrate up …) and returns the action.
func parseSub(fs *flag.FlagSet, args []string, def string) (string, error) {
	action := def
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		action, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return "", err
	}
	if fs.NArg() > 0 {
		return "", fmt.Errorf("unexpected argument %q (see octavo %s --help)", fs.Arg(0), fs.Name())
	}
	return action, nil
}

func migrate(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var f dbFlags
	f.register(fs)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), migrateUsage)
		fs.PrintDefaults()
	}
	action, err := parseSub(fs, args, "status")
	if err != nil {
		return err
	}
	url, dir := f.resolve(env.Getenv)
	switch action {
	case "status":
		return migrateStatus(ctx, url, dir, env.Stdout)
	case "up":
		return migrateUp(ctx, url, dir, env.Stdout)
	}
	fs.Usage()
	return fmt.Errorf("migrate: unknown action %q: use status or up", action)
}

func migrateStatus(ctx context.Context, url, dir string, out io.Writer) error {
	s, name, err := connectExisting(ctx, url, dir)
	if err != nil {
		return err
	}
	defer s.Close()
	states, err := store.MigrationStatus(ctx, s)
	if err != nil {
		return fmt.Errorf("database %s: %w", name, err)
	}
	fmt.Fprintf(out, "Database %s\n", name)
	current, pending, newer := 0, 0, 0
	for _, st := range states {
		switch {
		case st.Unknown:
			newer++
			current = st.Version
			fmt.Fprintf(out, "  %-32s applied %s, unknown to this octavo (a newer one wrote it)\n", st.Name, st.AppliedAt.Format(time.DateTime+" MST"))
		case st.Applied:
			current = st.Version
			fmt.Fprintf(out, "  %-32s applied %s\n", st.Name, st.AppliedAt.Format(time.DateTime+" MST"))
		default:
			pending++
			fmt.Fprintf(out, "  %-32s pending\n", st.Name)
		}
	}
	latest := store.SchemaVersion(s)
	fmt.Fprintf(out, "Schema version %d; this octavo knows up to %d: ", current, latest)
	switch {
	case newer > 0:
		fmt.Fprintln(out, "the database is newer.")
		return fmt.Errorf("database %s was written by a newer Octavo (schema version %d; this binary knows up to %d): upgrade octavo", name, current, latest)
	case pending > 0:
		fmt.Fprintf(out, "%d pending (octavo migrate up applies them).\n", pending)
	default:
		fmt.Fprintln(out, "up to date.")
	}
	return nil
}

func migrateUp(ctx context.Context, url, dir string, out io.Writer) error {
	name := store.Describe(url, dir)
	if ok, err := store.Exists(url, dir); err == nil && !ok {
		fmt.Fprintf(out, "Creating %s\n", name)
	}
	s, err := store.Connect(ctx, url, dir)
	if err != nil {
		return err
	}
	defer s.Close()
	applied, err := store.Migrate(ctx, s)
	for _, m := range applied {
		fmt.Fprintf(out, "Applied %s\n", m)
	}
	if err != nil {
		return fmt.Errorf("database %s: %w", name, err)
	}
	if len(applied) == 0 {
		fmt.Fprintf(out, "Database %s is up to date (schema version %d).\n", name, store.SchemaVersion(s))
	} else {
		fmt.Fprintf(out, "Database %s is at schema version %d.\n", name, store.SchemaVersion(s))
	}
	return nil
}

// connectExisting connects to a database that must exist already (a
// status or a checksum never creates a SQLite file) without migrating it,
// and returns it with its name for messages.
func connectExisting(ctx context.Context, url, dir string) (store.Store, string, error) {
	name := store.Describe(url, dir)
	ok, err := store.Exists(url, dir)
	if err == nil && !ok {
		err = fmt.Errorf("no database at %s yet (octavo migrate up or octavo serve creates it)", name)
	}
	if err != nil {
		return nil, name, err
	}
	s, err := store.Connect(ctx, url, dir)
	return s, name, err
}
