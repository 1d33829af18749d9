// Command octavo runs a blog. Everything is in internal/; see internal/cli.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"octavo/internal/cli"
)

// stopProfiles end the profiles prof.go starts (built with -tags prof).
var stopProfiles []func()

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := cli.Run(ctx, os.Args[1:], cli.Env{Getenv: os.Getenv, Stdout: os.Stdout, Stderr: os.Stderr})
	for _, f := range stopProfiles {
		f()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "octavo:", err)
		os.Exit(1)
	}
}
