package auth

import (
	"strings"
	"testing"
)

func TestHashAndVerify(t *testing.T) {
	h := NewHasher(TestParams)
	enc, err := h.Hash("a long enough passphrase")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=64,t=1,p=1$") || strings.Count(enc, "$") != 5 {
		t.Errorf("not a PHC argon2id string: %s", enc)
	}
	if again, _ := h.Hash("a long enough passphrase"); again == enc {
		t.Error("two hashes of one password must differ (salt)")
	}
	if ok, rehash := h.Verify(enc, "a long enough passphrase"); !ok || rehash {
		t.Errorf("Verify(right) = %v, %v", ok, rehash)
	}
	if ok, _ := h.Verify(enc, "a long enough passphrasE"); ok {
		t.Error("Verify(wrong) = true")
	}
	// A hash with other parameters still verifies, and asks to be redone.
	stronger := NewHasher(Params{Memory: 128, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32})
	if ok, rehash := stronger.Verify(enc, "a long enough passphrase"); !ok || !rehash {
		t.Errorf("Verify with new parameters = %v, %v; want true, true", ok, rehash)
	}
}

func TestVerifyMalformedCostsOneHash(t *testing.T) {
	h := NewHasher(TestParams)
	h.VerifyDummy("warm up") // the dummy hash is made once, lazily
	for _, enc := range []string{"", "plain", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=18$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", "$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"} {
		before := h.derived.Load()
		if ok, _ := h.Verify(enc, "anything"); ok {
			t.Errorf("Verify(%q) = true", enc)
		}
		if n := h.derived.Load() - before; n != 1 {
			t.Errorf("Verify(%q) ran argon2 %d times, want 1 (same time as a real check)", enc, n)
		}
	}
}

func TestCheckPassword(t *testing.T) {
	refused := []string{
		"short",
		"elevenchars",
		"password1234",
		"Password2024!",
		"P@ssw0rd12345",
		"qwertyuiop123",
		"QWERTYUIOPASDF",
		"1234567890123",
		"0987654321098",
		"abcdefghijklmn",
		"aaaaaaaaaaaaaaa",
		"abababababababab",
		"121212121212",
		"iloveyou2024!!",
		"trustno1trustno1",
		"correct horse battery staple",
		"1q2w3e4r5t6y7u",
		"zaq12wsx2024",
		"ada-lovelace2024", // the username
		"ada-lovelace!!!!",
		"letmein1234567",
		"Octavo2026!!",
		"monkey!!!!!!!!",
		"starwars123456",
		"!@#$%^&*()_+",
	}
	for _, p := range refused {
		if err := CheckPassword(p, "ada-lovelace", "ada@example.org"); err == nil {
			t.Errorf("CheckPassword(%q) accepted a weak password", p)
		}
	}
	accepted := []string{
		"correct staple horse battery 7",
		"Tr0ub4dor&3-plus-more",
		"my cat eats lentils on tuesdays",
		"zq8#Lm2!vX9@pW",
		"dragonfly kite harbour",
		"élan vital du soir",
	}
	for _, p := range accepted {
		if err := CheckPassword(p, "ada-lovelace", "ada@example.org"); err != nil {
			t.Errorf("CheckPassword(%q) = %v, want accepted", p, err)
		}
	}
	if err := CheckPassword(strings.Repeat("ab1", 400), "", ""); err == nil {
		t.Error("a password over the byte limit was accepted")
	}
	if err := CheckPassword("elevenchars", "", ""); err == nil || !strings.Contains(err.Error(), "at least 12 characters") {
		t.Errorf("a short password's message must say the minimum: %v", err)
	}
}

func TestWeakListIsOurs(t *testing.T) {
	// The list is embedded, parsed, and holds the stems the rules rely on.
	for _, w := range []string{"password", "qwerty", "letmein", "iloveyou", "correcthorsebatterystaple", "trustno"} {
		if !weakWords[w] {
			t.Errorf("weak list lacks %q", w)
		}
	}
	if len(weakWords) < 300 {
		t.Errorf("weak list has %d entries", len(weakWords))
	}
}
