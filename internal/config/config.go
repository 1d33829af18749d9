// Package config holds the server configuration: where the data lives, the
// address to listen on, the base URL, the cache size. Each value comes from
// a flag, else the environment (OCTAVO_*), else octavo.toml in the data
// folder, else its default. Site settings (title, menu…) are not here: they
// live in the database.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// Config is the server configuration.
type Config struct {
	DataDir string `toml:"data"`
	// Database is a database URL (postgres://…, sqlite:PATH); empty means
	// the SQLite file octavo.db in DataDir.
	Database  string `toml:"database"`
	Addr      string `toml:"addr"`
	BaseURL   string `toml:"base_url"`
	CacheMB   int    `toml:"cache_mb"`
	LogFormat string `toml:"log_format"`
	LogLevel  string `toml:"log_level"`
	AccessLog bool   `toml:"access_log"`
	NoSeed    bool   `toml:"no_seed"`
	// MetricsAddr is where /metrics listens (e.g. 127.0.0.1:9090); empty
	// keeps metrics off. It is never served on the public address.
	MetricsAddr string `toml:"metrics_addr"`
	// Pprof adds /debug/pprof/ to the metrics listener.
	Pprof bool `toml:"pprof"`
	// ShutdownTimeout bounds how long in-flight requests may finish after
	// SIGTERM or SIGINT.
	ShutdownTimeout time.Duration `toml:"shutdown_timeout"`
	// TrustedProxies are the reverse proxies (addresses or networks,
	// separated by commas) whose X-Forwarded-For and X-Forwarded-Proto
	// are believed; empty: none.
	TrustedProxies string `toml:"trusted_proxies"`
	// Content serves a folder of Markdown files instead of the database
	// (docs/content-folder.md); Dev adds live reload and shows the
	// folder's problems in the pages.
	Content string `toml:"content"`
	Dev     bool   `toml:"dev"`
	// MediaMaxMB is the largest media upload, in MiB.
	MediaMaxMB int `toml:"media_max_mb"`
}

// MaxMediaMB bounds media-max-mb: an upload form's whole body is read
// (and its CSRF token checked) within 64 MiB.
const MaxMediaMB = 60

// Defaults are the values used when nothing else says otherwise.
func Defaults() Config {
	return Config{DataDir: "octavo-data", Addr: "127.0.0.1:8080", CacheMB: 32, LogFormat: "text", LogLevel: "info",
		ShutdownTimeout: 10 * time.Second, MediaMaxMB: 20}
}

// key describes one setting for flags, environment and help.
type key struct {
	name, env, usage string
	ptr              any
}

func keys(c *Config) []key {
	return []key{
		{"data", "OCTAVO_DATA", "folder for the database, media and theme overrides", &c.DataDir},
		{"database", "OCTAVO_DATABASE", "database URL: postgres://… or sqlite:PATH (default: DATA/octavo.db)", &c.Database},
		{"addr", "OCTAVO_ADDR", "address to listen on, HOST:PORT", &c.Addr},
		{"base-url", "OCTAVO_BASE_URL", "public URL of the blog for absolute links (default http://ADDR)", &c.BaseURL},
		{"cache-mb", "OCTAVO_CACHE_MB", "page cache size in MiB (default 32; pages are kept gzip-compressed, ~5 KB each)", &c.CacheMB},
		{"log-format", "OCTAVO_LOG_FORMAT", "log format: text or json", &c.LogFormat},
		{"log-level", "OCTAVO_LOG_LEVEL", "log level: debug, info, warn or error", &c.LogLevel},
		{"access-log", "OCTAVO_ACCESS_LOG", "log every request with a request id (default off: a line costs about as much as a cached page)", &c.AccessLog},
		{"no-seed", "OCTAVO_NO_SEED", "do not write demo content into a new blog", &c.NoSeed},
		{"metrics-addr", "OCTAVO_METRICS_ADDR", "serve Prometheus /metrics on this separate HOST:PORT (default: off)", &c.MetricsAddr},
		{"pprof", "OCTAVO_PPROF", "also serve /debug/pprof/ on the metrics address", &c.Pprof},
		{"shutdown-timeout", "OCTAVO_SHUTDOWN_TIMEOUT", "how long in-flight requests may finish after SIGTERM (default 10s)", &c.ShutdownTimeout},
		{"trusted-proxies", "OCTAVO_TRUSTED_PROXIES", "reverse proxies whose X-Forwarded-For/-Proto are believed, e.g. 127.0.0.1,10.0.0.0/8 (default: none)", &c.TrustedProxies},
		{"content", "OCTAVO_CONTENT", "serve this folder of Markdown files instead of the database (see docs/content-folder.md)", &c.Content},
		{"dev", "OCTAVO_DEV", "with --content: live reload, drafts shown, the folder's problems on every page", &c.Dev},
		{"media-max-mb", "OCTAVO_MEDIA_MAX_MB", "largest media upload in MiB (default 20, at most 60)", &c.MediaMaxMB},
	}
}

// Load reads the configuration of `octavo serve` from args (flags),
// getenv and DATA/octavo.toml. It returns flag.ErrHelp after printing help
// to out when asked.
func Load(name string, args []string, getenv func(string) string, out io.Writer) (Config, error) {
	c := Defaults()
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	var fromFlags Config
	ks := keys(&fromFlags)
	for _, k := range ks {
		usage := fmt.Sprintf("%s (env %s)", k.usage, k.env)
		switch p := k.ptr.(type) {
		case *string:
			fs.StringVar(p, k.name, "", usage)
		case *int:
			fs.IntVar(p, k.name, 0, usage)
		case *bool:
			fs.BoolVar(p, k.name, false, usage)
		case *time.Duration:
			fs.DurationVar(p, k.name, 0, usage)
		}
	}
	fs.Usage = func() {
		fmt.Fprintf(out, "Usage: octavo %s [flags]\n\nEach flag can also be set by its environment variable or by the key of the\nsame name (with _ for -) in DATA/octavo.toml. Defaults: data=%s addr=%s cache-mb=%d.\n\n", name, c.DataDir, c.Addr, c.CacheMB)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q (see octavo %s --help)", fs.Arg(0), name)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	// The data folder decides where octavo.toml is, so it is resolved first.
	if set["data"] {
		c.DataDir = fromFlags.DataDir
	} else if v := getenv("OCTAVO_DATA"); v != "" {
		c.DataDir = v
	}
	if b, err := os.ReadFile(filepath.Join(c.DataDir, "octavo.toml")); err == nil {
		md, err := toml.Decode(string(b), &c)
		if err != nil {
			return c, fmt.Errorf("%s: %w", filepath.Join(c.DataDir, "octavo.toml"), err)
		}
		if und := md.Undecoded(); len(und) > 0 {
			return c, fmt.Errorf("%s: unknown key %q", filepath.Join(c.DataDir, "octavo.toml"), und[0].String())
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return c, fmt.Errorf("data folder %s: %w", c.DataDir, err)
	}
	target := keys(&c)
	for i, k := range ks {
		v := getenv(k.env)
		if set[k.name] {
			copyValue(target[i].ptr, k.ptr)
			continue
		}
		if v == "" || k.name == "data" {
			continue
		}
		if err := setFromString(target[i].ptr, v); err != nil {
			return c, fmt.Errorf("%s=%q: %w", k.env, v, err)
		}
	}
	return c, c.Validate()
}

func copyValue(dst, src any) {
	switch d := dst.(type) {
	case *string:
		*d = *src.(*string)
	case *int:
		*d = *src.(*int)
	case *bool:
		*d = *src.(*bool)
	case *time.Duration:
		*d = *src.(*time.Duration)
	}
}

func setFromString(dst any, v string) error {
	switch d := dst.(type) {
	case *string:
		*d = v
	case *int:
		n, err := strconv.Atoi(v)
		if err != nil {
			return errors.New("not a whole number")
		}
		*d = n
	case *bool:
		b, err := strconv.ParseBool(v)
		if err != nil {
			return errors.New("not true or false")
		}
		*d = b
	case *time.Duration:
		v, err := time.ParseDuration(v)
		if err != nil {
			return errors.New("not a duration such as 10s or 1m")
		}
		*d = v
	}
	return nil
}

// Validate checks the configuration and says what is wrong.
func (c *Config) Validate() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("addr %q: want HOST:PORT (e.g. 127.0.0.1:8080): %v", c.Addr, err)
	}
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			return fmt.Errorf("metrics-addr %q: want HOST:PORT (e.g. 127.0.0.1:9090): %v", c.MetricsAddr, err)
		}
	}
	if c.Pprof && c.MetricsAddr == "" {
		return errors.New("pprof: needs metrics-addr (pprof is only served on the metrics listener)")
	}
	if c.ShutdownTimeout < 0 {
		return fmt.Errorf("shutdown-timeout %s: must not be negative", c.ShutdownTimeout)
	}
	if c.MediaMaxMB < 1 || c.MediaMaxMB > MaxMediaMB {
		return fmt.Errorf("media-max-mb %d: must be from 1 to %d", c.MediaMaxMB, MaxMediaMB)
	}
	if c.CacheMB < 1 {
		return fmt.Errorf("cache-mb %d: must be at least 1", c.CacheMB)
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("base-url %q: want an absolute http(s) URL such as https://blog.example.org", c.BaseURL)
		}
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		return fmt.Errorf("log-format %q: want text or json", c.LogFormat)
	}
	switch strings.ToLower(c.LogLevel) {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("log-level %q: want debug, info, warn or error", c.LogLevel)
	}
	return nil
}

// ResolvedBaseURL is the base URL, or http:// + the listen address when
// none is configured (with a wildcard host shown as 127.0.0.1).
func (c *Config) ResolvedBaseURL(listenAddr string) string {
	if c.BaseURL != "" {
		return strings.TrimSuffix(c.BaseURL, "/")
	}
	host, port, err := net.SplitHostPort(listenAddr)
	if err != nil {
		return "http://" + listenAddr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port)
}
