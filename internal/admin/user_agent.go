package admin

import (
	"regexp"
	"strings"
)

// browserRE finds a browser and its major version in a User-Agent, in
// the order that tells them apart (Edge and Opera also say Chrome; Chrome
// also says Safari).
var browserRE = []struct {
	name string
	re   *regexp.Regexp
}{
	{"Edge", regexp.MustCompile(`Edg(?:e|A|iOS)?/(\d+)`)},
	{"Opera", regexp.MustCompile(`OPR/(\d+)`)},
	{"Firefox", regexp.MustCompile(`(?:Firefox|FxiOS)/(\d+)`)},
	{"Chrome", regexp.MustCompile(`(?:Chrome|CriOS|HeadlessChrome)/(\d+)`)},
	{"Safari", regexp.MustCompile(`Version/(\d+)[^ ]* (?:Mobile/\S+ )?Safari/`)},
	{"curl", regexp.MustCompile(`^curl/(\d+)`)},
}

// systems are operating systems by a word of their User-Agent, checked in
// order (Android says Linux; iOS says Mac OS X).
var systems = []struct{ word, name string }{
	{"Android", "Android"},
	{"iPhone", "iOS"},
	{"iPad", "iPadOS"},
	{"Windows", "Windows"},
	{"Mac OS X", "macOS"},
	{"CrOS", "ChromeOS"},
	{"Linux", "Linux"},
}

// describeAgent says in a few words which browser on which system a
// User-Agent names ("Firefox 128 on Linux"), for the session list.
func describeAgent(ua string) string {
	if ua == "" {
		return "Unknown browser"
	}
	browser := ""
	for _, b := range browserRE {
		if m := b.re.FindStringSubmatch(ua); m != nil {
			browser = b.name + " " + m[1]
			break
		}
	}
	system := ""
	for _, s := range systems {
		if strings.Contains(ua, s.word) {
			system = s.name
			break
		}
	}
	switch {
	case browser != "" && system != "":
		return browser + " on " + system
	case browser != "":
		return browser
	case system != "":
		return "A browser on " + system
	}
	if len(ua) > 60 {
		return ua[:60] + "…"
	}
	return ua
}
