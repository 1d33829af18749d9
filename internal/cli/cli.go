// Package cli is the octavo command: one file per subcommand. main calls
// Run, and so do tests.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"octavo/internal/blog"
)

// Env is what a command gets from the outside world.
type Env struct {
	Getenv func(string) string
	Stdin  io.Reader // os.Stdin when nil
	Stdout io.Writer
	Stderr io.Writer
	// Ready, when set, is told the address the server listens on (tests).
	Ready func(addr string)
	// Clock, when set, is serve's clock instead of the system's (tests
	// that move time forward).
	Clock blog.Clock
}

// Version is set at build time with -ldflags "-X octavo/internal/cli.Version=…".
var Version = "dev"

const usage = `octavo runs a blog.

Usage:
  octavo serve [flags]     run the blog (see octavo serve --help)
  octavo build [flags]     write the blog as static files (see octavo build --help)
  octavo migrate [status|up] [--data DIR | --database URL]
                           show or apply schema migrations
  octavo db copy --from DATABASE --to DATABASE
                           copy a whole blog, e.g. from SQLite to PostgreSQL
  octavo new post "Title"  create a draft (see octavo new --help)
  octavo user add|passwd|invite|list
                           manage accounts (see octavo user --help)
  octavo version           print the version

With no configuration, serve keeps everything in ./octavo-data/ and writes
demo content into a new blog.
`

// Run executes the octavo command line.
func Run(ctx context.Context, args []string, env Env) error {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, usage)
		return errors.New("no command given")
	}
	var err error
	switch args[0] {
	case "serve":
		err = serve(ctx, args[1:], env)
	case "build":
		err = build(ctx, args[1:], env)
	case "new":
		err = newPost(ctx, args[1:], env)
	case "migrate":
		err = migrate(ctx, args[1:], env)
	case "user":
		err = user(ctx, args[1:], env)
	case "db":
		err = db(ctx, args[1:], env)
	case "version", "--version":
		fmt.Fprintln(env.Stdout, "octavo", Version)
	case "help", "-h", "--help":
		fmt.Fprint(env.Stdout, usage)
	default:
		fmt.Fprint(env.Stderr, usage)
		return fmt.Errorf("unknown command %q", args[0])
	}
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

// newLogger makes the process logger: text or JSON, at a level.
func newLogger(w io.Writer, format, level string) *slog.Logger {
	var lv slog.Level
	_ = lv.UnmarshalText([]byte(strings.ToUpper(level)))
	opts := &slog.HandlerOptions{Level: lv}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
