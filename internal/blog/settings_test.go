package blog

import (
	"strings"
	"testing"
)

func TestSettingsProblems(t *testing.T) {
	if ps := DefaultSettings().Problems(); len(ps) != 0 {
		t.Fatalf("the defaults have problems: %+v", ps)
	}
	for _, tt := range []struct {
		name  string
		edit  func(*Settings)
		field string // "" when valid
		want  string
	}{
		{"day placeholder", func(s *Settings) { s.Permalink = "/:year/:month/:day/:slug/" }, "", ""},
		{"slug alone", func(s *Settings) { s.Permalink = "/:slug/" }, "", ""},
		{"prefix", func(s *Settings) { s.Permalink = "/blog/:year/:slug/" }, "", ""},
		{"empty segment", func(s *Settings) { s.Permalink = "/blog//:slug/" }, "permalink", "empty segment"},
		{"unknown placeholder", func(s *Settings) { s.Permalink = "/:author/:slug/" }, "permalink", "unknown placeholder"},
		{"upper case", func(s *Settings) { s.Permalink = "/Posts/:slug/" }, "permalink", `holds 'P'`},
		{"reserved", func(s *Settings) { s.Permalink = "/page/:slug/" }, "permalink", "starts with /page/"},
		{"region", func(s *Settings) { s.Language = "pt-BR" }, "", ""},
		{"script", func(s *Settings) { s.Language = "zh-Hant" }, "", ""},
		{"unknown language", func(s *Settings) { s.Language = "xx" }, "language", "not a BCP 47 language tag"},
		{"underscore", func(s *Settings) { s.Language = "en_US" }, "language", "(en-US)"},
		{"zone", func(s *Settings) { s.TimeZone = "America/Argentina/Buenos_Aires" }, "", ""},
		{"no zone", func(s *Settings) { s.TimeZone = "" }, "time_zone", "not an IANA time zone name"},
		{"bad zone", func(s *Settings) { s.TimeZone = "Europe/Atlantis" }, "time_zone", "unknown time zone"},
		{"menu address", func(s *Settings) { s.Menu = []MenuItem{{"Code", "https://code.example.org/x"}} }, "", ""},
		{"menu scheme", func(s *Settings) { s.Menu = []MenuItem{{"Mail", "mailto:a@example.org"}} }, "menu", "neither a path"},
		{"menu host-relative", func(s *Settings) { s.Menu = []MenuItem{{"Evil", "//evil.example/"}} }, "menu", "neither a path"},
		{"menu too long", func(s *Settings) { s.Menu = make([]MenuItem, MaxMenuItems+1) }, "menu", "too many"},
		{"long title", func(s *Settings) { s.Title = strings.Repeat("t", 201) }, "title", "too long"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := DefaultSettings()
			tt.edit(&s)
			ps := s.Problems()
			if tt.field == "" {
				if len(ps) != 0 || s.Validate() != nil {
					t.Errorf("want valid, got %+v", ps)
				}
				return
			}
			if len(ps) == 0 || ps[0].Field != tt.field || !strings.Contains(ps[0].Message, tt.want) {
				t.Errorf("want %s: …%s…, got %+v", tt.field, tt.want, ps)
			}
			if err := s.Validate(); ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), tt.field+": ") {
				t.Errorf("Validate: %v", err)
			}
		})
	}
}

func TestCanonicalLanguage(t *testing.T) {
	for in, want := range map[string]string{"en-us": "en-US", "EN": "en", "pt-br": "pt-BR", "en_GB": "en-GB", "not a tag": "not a tag"} {
		if got := CanonicalLanguage(in); got != want {
			t.Errorf("CanonicalLanguage(%q) = %q, want %q", in, got, want)
		}
	}
}
