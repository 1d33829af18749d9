package blog

import "testing"

func TestSlugify(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Hello, World!", "hello-world"},
		{"C++ in 2026", "c-plus-plus-in-2026"},
		{"C# and F#", "c-sharp-and-f-sharp"},
		{"  Leading and trailing  ", "leading-and-trailing"},
		{"Ｆｕｌｌｗｉｄｔｈ", "fullwidth"},
		{"Crème brûlée", "crème-brûlée"},
		{"Go: the `net/http` package", "go-the-net-http-package"},
		{"---", ""},
	}
	for _, tt := range tests {
		if got := Slugify(tt.in); got != tt.want {
			t.Errorf("Slugify(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestValidateSlug(t *testing.T) {
	tests := []struct {
		kind Kind
		slug string
		ok   bool
	}{
		{KindPost, "hello-world", true},
		{KindPage, "about", true},
		{KindPage, "tag", false},
		{KindPage, "2026", false},
		{KindPost, "2026", true},
		{KindPost, "", false},
		{KindPost, "Upper", false},
		{KindPost, "a--b", false},
		{KindPost, "../x", false},
	}
	for _, tt := range tests {
		err := ValidateSlug(tt.kind, tt.slug)
		if (err == nil) != tt.ok {
			t.Errorf("ValidateSlug(%s, %q) = %v, want ok=%v", tt.kind, tt.slug, err, tt.ok)
		}
	}
}
