// Package pgtest gives a test a fresh PostgreSQL database of its own.
//
// Like internal/testkit, it is for tests only: non-test code never imports
// it.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"octavo/internal/testkit"
)

// AdminURL is the server tests create their databases on: the PostgreSQL
// that runs on the project's machines (trust auth), unless
// OCTAVO_TEST_POSTGRES names another.
func AdminURL() string {
	if u := os.Getenv("OCTAVO_TEST_POSTGRES"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// NewDatabase creates an empty database octavo_test_<random> and returns
// its URL; the database is dropped when the test ends. When PostgreSQL
// cannot be reached the test is skipped, or fails when CI or
// OCTAVO_REQUIRE_TOOLS is set (testkit.RequireTool).
func NewDatabase(t testing.TB) string {
	t.Helper()
	admin := AdminURL()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Logf("pgtest: %v", err)
	}
	testkit.RequireTool(t, "PostgreSQL at "+redact(admin), err == nil)
	defer conn.Close(context.Background())

	b := make([]byte, 6)
	rand.Read(b)
	name := "octavo_test_" + hex.EncodeToString(b)
	// An English ICU collation, as many servers have by default, so that a
	// query that forgets the "C" collation sorts differently and fails
	// the suite; plain CREATE DATABASE where ICU is missing.
	if _, err := conn.Exec(ctx, `CREATE DATABASE `+name+` TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US'`); err != nil {
		t.Logf("pgtest: no ICU collation (%v); using the server's default", err)
		if _, err := conn.Exec(ctx, `CREATE DATABASE `+name); err != nil {
			t.Fatalf("pgtest: creating database %s: %v", name, err)
		}
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Errorf("pgtest: dropping database %s: %v", name, err)
			return
		}
		defer conn.Close(context.Background())
		// FORCE ends the connections a failed test may have left open.
		if _, err := conn.Exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			t.Errorf("pgtest: dropping database %s: %v", name, err)
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("pgtest: %s: %v", redact(admin), err)
	}
	u.Path = "/" + name
	return u.String()
}

// redact hides a password in a URL.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
