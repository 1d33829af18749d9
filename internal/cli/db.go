package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"time"

	"octavo/internal/store"
)

const dbUsage = `Usage:
  octavo db copy --from DATABASE --to DATABASE
  octavo db checksum [--data DIR | --database URL]

copy moves a whole blog between databases: every table (posts, pages,
tags, users, redirects, settings, and whatever else the schema holds), in
one transaction on the target, read from one snapshot of the source. The
target must be empty (a new SQLite file, or a new PostgreSQL database made
with createdb); it is brought to the current schema first, and the source
must be at that schema too (octavo migrate up). After the copy every
table's checksum is compared on both sides. Stop the servers writing to the
source first: a copy is a snapshot.

checksum prints a checksum of every table: the same rows give the same
checksum on SQLite and PostgreSQL.

A DATABASE is sqlite:PATH, postgres://USER@HOST/DB or postgresql://…
For example:
  octavo db copy --from sqlite:octavo-data/octavo.db --to postgres://octavo@db.internal/octavo

Flags:
`

func db(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("db", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	var from, to string
	var f dbFlags
	fs.StringVar(&from, "from", "", "copy: the database to copy (sqlite:PATH or postgres://…)")
	fs.StringVar(&to, "to", "", "copy: the empty database to copy into (sqlite:PATH or postgres://…)")
	f.register(fs)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), dbUsage)
		fs.PrintDefaults()
	}
	action, err := parseSub(fs, args, "")
	if err != nil {
		return err
	}
	switch action {
	case "copy":
		if from == "" || to == "" {
			return errors.New("db copy: give both --from and --to (see octavo db --help)")
		}
		return dbCopy(ctx, from, to, env.Stdout)
	case "checksum":
		url, dir := f.resolve(env.Getenv)
		return dbChecksum(ctx, url, dir, env.Stdout)
	case "":
		fs.Usage()
		return errors.New("db: give an action: copy or checksum")
	}
	fs.Usage()
	return fmt.Errorf("db: unknown action %q: use copy or checksum", action)
}

func dbCopy(ctx context.Context, fromURL, toURL string, out io.Writer) error {
	// Both must name a database explicitly: no data-folder default here.
	for _, u := range []string{fromURL, toURL} {
		if _, _, err := store.Parse(u, ""); err != nil {
			return err
		}
	}
	fromName, toName := store.Describe(fromURL, ""), store.Describe(toURL, "")
	if fromName == toName {
		return fmt.Errorf("db copy: --from and --to are the same database (%s)", fromName)
	}
	// The source is read as it is (never migrated by a copy); the target is
	// created or brought to the current schema.
	src, _, err := connectExisting(ctx, fromURL, "")
	if err != nil {
		return err
	}
	defer src.Close()
	existed, err := store.Exists(toURL, "")
	if err != nil {
		return err
	}
	dst, err := store.Open(ctx, toURL, "")
	if err != nil {
		return err
	}
	defer dst.Close()
	rep, err := store.Copy(ctx, src, dst)
	if err != nil {
		if !existed {
			// Leave no half-made SQLite file behind.
			dst.Close()
			store.Remove(toURL)
		}
		return fmt.Errorf("db copy %s → %s: %w", fromName, toName, err)
	}
	fmt.Fprintf(out, "Copied %s → %s: %d rows in %d tables in %s\n", fromName, toName, rep.Rows(), len(rep.Tables), rep.Took.Round(time.Millisecond))
	for _, t := range rep.Tables {
		fmt.Fprintf(out, "  %-24s %8d rows  %s\n", t.Name, t.Rows, t.Checksum[:16])
	}
	fmt.Fprintln(out, "Every table has the same checksum on both sides.")
	return nil
}

func dbChecksum(ctx context.Context, url, dir string, out io.Writer) error {
	s, name, err := connectExisting(ctx, url, dir)
	if err != nil {
		return err
	}
	defer s.Close()
	sums, err := store.Checksums(ctx, s)
	if err != nil {
		return fmt.Errorf("database %s: %w", name, err)
	}
	names := make([]string, 0, len(sums))
	for n := range sums {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(out, "%s  %s\n", sums[n], n)
	}
	return nil
}
