package auth

import (
	_ "embed"
	"strings"
	"unicode"
	"unicode/utf8"

	"octavo/internal/blog"
)

// Password rules. The minimum follows NIST SP 800-63B's advice to prefer
// length over composition rules: no "one digit, one symbol", but at least
// MinPasswordLength characters and nothing from the weak list.
const (
	MinPasswordLength = 12
	// MaxPasswordBytes bounds what is hashed (a long passphrase is fine; a
	// megabyte is an attack on the hasher).
	MaxPasswordBytes = 1024
)

//go:embed weak.txt
var weakList string

// weakWords is weak.txt as a set, spaces removed.
var weakWords = func() map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(weakList, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m[strings.ReplaceAll(line, " ", "")] = true
	}
	return m
}()

// walks are keyboard rows and runs that a password must not be a piece of
// (either way round).
var walks = []string{
	"abcdefghijklmnopqrstuvwxyz",
	"0123456789",
	"qwertyuiopasdfghjklzxcvbnm",
	"qwertzuiopasdfghjklyxcvbnm",
	"azertyuiopqsdfghjklmwxcvbn",
	"1234567890qwertyuiopasdfghjklzxcvbnm",
	"1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
	"qazwsxedcrfvtgbyhnujmikolp",
	"1q2w3e4r5t6y7u8i9o0p",
	"!@#$%^&*()_+",
}

// deleet undoes the common letter-for-digit swaps.
var deleet = strings.NewReplacer("0", "o", "1", "i", "3", "e", "4", "a", "5", "s", "7", "t", "8", "b", "@", "a", "$", "s", "!", "i", "|", "l", "+", "t")

// CheckPassword says why password is not good enough for the account
// username/email, or returns nil. The error is an EINVALID *blog.Error
// whose message can be shown next to the field.
func CheckPassword(password, username, email string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case !utf8.ValidString(password):
		return blog.Errorf(blog.EINVALID, "The password is not valid text.")
	case n < MinPasswordLength:
		return blog.Errorf(blog.EINVALID, "The password is too short: use at least %d characters (it has %d). A few unrelated words make a good one.", MinPasswordLength, n)
	case len(password) > MaxPasswordBytes:
		return blog.Errorf(blog.EINVALID, "The password is too long: use at most %d bytes.", MaxPasswordBytes)
	}
	if weak(password, username, email) {
		return blog.Errorf(blog.EINVALID, "This password is too common or too easy to guess (a well-known password, a keyboard pattern or your own name with a few digits). Choose another: a few unrelated words make a good one.")
	}
	return nil
}

// weak reports whether password is one of the first guesses of anyone
// trying passwords: on the weak list, a keyboard walk or run, very few
// distinct characters, or the account's own name.
func weak(password, username, email string) bool {
	lower := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, password)
	distinct := map[rune]bool{}
	for _, r := range lower {
		distinct[r] = true
	}
	if len(distinct) < 4 {
		return true
	}
	own := map[string]bool{"octavo": true}
	if username != "" {
		own[strings.ToLower(username)] = true
	}
	if local, _, ok := strings.Cut(strings.ToLower(email), "@"); ok && local != "" {
		own[local] = true
	}
	for _, c := range candidates(lower) {
		if c == "" {
			continue
		}
		if weakWords[c] || own[c] || isWalk(c) || repeats(c) {
			return true
		}
	}
	return false
}

// candidates are the forms of a lower-cased password to look up: as is,
// with letter-for-digit swaps undone, and each without the runs of digits
// and symbols padding it at either end.
func candidates(lower string) []string {
	de := deleet.Replace(lower)
	return []string{lower, trimPadding(lower), de, trimPadding(de), trimPadding(deleet.Replace(trimPadding(lower)))}
}

// trimPadding strips digits and symbols from both ends.
func trimPadding(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
}

// isWalk reports whether s is a piece of a keyboard walk or run, either
// way round and going round again (qwertyuiop, 0987654321, 1234567890123).
func isWalk(s string) bool {
	if len(s) < 4 {
		return false
	}
	for _, w := range walks {
		w = strings.Repeat(w, 3)
		if strings.Contains(w, s) || strings.Contains(reverse(w), s) {
			return true
		}
	}
	return false
}

// repeats reports whether s is a shorter string said again and again
// (abcabcabcabc, hellohellohello).
func repeats(s string) bool {
	for size := 1; size <= len(s)/2; size++ {
		if len(s)%size == 0 && strings.Repeat(s[:size], len(s)/size) == s {
			return true
		}
	}
	return false
}

func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}
