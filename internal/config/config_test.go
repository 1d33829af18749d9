package config

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestServeSettings(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "octavo.toml"), []byte("shutdown_timeout = \"3s\"\nmetrics_addr = \"127.0.0.1:9100\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load("serve", []string{"--data", dir}, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.ShutdownTimeout != 3*time.Second || c.MetricsAddr != "127.0.0.1:9100" || c.Pprof || c.AccessLog || c.CacheMB != 32 {
		t.Errorf("from octavo.toml: %+v", c)
	}
	c, err = Load("serve", []string{"--data", dir, "--shutdown-timeout", "250ms", "--pprof"},
		env(map[string]string{"OCTAVO_SHUTDOWN_TIMEOUT": "1m", "OCTAVO_ACCESS_LOG": "true"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.ShutdownTimeout != 250*time.Millisecond || !c.Pprof || !c.AccessLog {
		t.Errorf("flags over environment over file: %+v", c)
	}
	if c, err := Load("serve", []string{"--data", dir}, env(map[string]string{"OCTAVO_MEDIA_MAX_MB": "5"}), io.Discard); err != nil || c.MediaMaxMB != 5 {
		t.Errorf("media-max-mb from the environment: %d %v", c.MediaMaxMB, err)
	}
	if d := Defaults(); d.ShutdownTimeout != 10*time.Second || d.MetricsAddr != "" || d.AccessLog || d.MediaMaxMB != 20 {
		t.Errorf("defaults: %+v", d)
	}
}

func TestServeSettingsRefused(t *testing.T) {
	for _, c := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--pprof"}, nil, "pprof: needs metrics-addr"},
		{[]string{"--metrics-addr", "9090"}, nil, "metrics-addr"},
		{nil, map[string]string{"OCTAVO_SHUTDOWN_TIMEOUT": "soon"}, "OCTAVO_SHUTDOWN_TIMEOUT"},
		{[]string{"--shutdown-timeout", "-1s"}, nil, "must not be negative"},
		{[]string{"--media-max-mb", "0"}, nil, "media-max-mb 0: must be from 1 to 60"},
		{nil, map[string]string{"OCTAVO_MEDIA_MAX_MB": "61"}, "media-max-mb 61: must be from 1 to 60"},
	} {
		args := append([]string{"--data", t.TempDir()}, c.args...)
		_, err := Load("serve", args, env(c.env), io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v %v: error %v, want one saying %q", c.args, c.env, err, c.want)
		}
	}
}
