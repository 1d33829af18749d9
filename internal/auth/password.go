package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/crypto/argon2"
)

// Params are the argon2id cost parameters of a password hash.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes over the memory
	Threads uint8  // lanes
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// DefaultParams are RFC 9106's second recommended option (section 4, for
// machines without gigabytes to spare): 64 MiB, 3 passes, 4 lanes, a
// 16-byte salt and a 32-byte hash. On the project's two-core machines one
// hash takes about 0.1–0.2 s.
var DefaultParams = Params{Memory: 64 * 1024, Time: 3, Threads: 4, SaltLen: 16, KeyLen: 32}

// TestParams are cheap parameters for tests, never for real passwords.
var TestParams = Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// Hasher hashes and checks passwords with argon2id. At most as many hashes
// as the machine has CPUs run at once, so that a burst of logins cannot
// claim an unbounded amount of memory (each takes Params.Memory).
type Hasher struct {
	params Params
	slots  chan struct{}

	dummyOnce sync.Once
	dummy     string
	derived   atomic.Int64 // argon2 runs, for tests of equal work
}

// NewHasher returns a hasher that makes new hashes with p.
func NewHasher(p Params) *Hasher {
	return &Hasher{params: p, slots: make(chan struct{}, max(runtime.NumCPU(), 1))}
}

// Params returns the parameters of new hashes.
func (h *Hasher) Params() Params { return h.params }

// Hash returns the PHC string of password with a fresh salt:
// $argon2id$v=19$m=65536,t=3,p=4$SALT$HASH (unpadded base64).
func (h *Hasher) Hash(password string) (string, error) {
	salt := make([]byte, h.params.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := h.derive(password, salt, h.params)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, h.params.Memory, h.params.Time, h.params.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var b64 = base64.RawStdEncoding

func (h *Hasher) derive(password string, salt []byte, p Params) []byte {
	h.slots <- struct{}{}
	defer func() { <-h.slots }()
	h.derived.Add(1)
	return argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
}

// Verify reports whether password matches the stored hash, and whether
// the hash should be made again with the current parameters. A hash that
// does not parse (an account without a password has "") is checked
// against a dummy hash instead, so that it costs the same time, and never
// matches.
func (h *Hasher) Verify(encoded, password string) (ok, rehash bool) {
	p, salt, key, err := parseHash(encoded)
	if err != nil {
		h.VerifyDummy(password)
		return false, false
	}
	got := h.derive(password, salt, p)
	if subtle.ConstantTimeCompare(got, key) != 1 {
		return false, false
	}
	return true, p != h.params
}

// VerifyDummy spends the time of one Verify for a login that names no
// account, so that the answer takes as long as for a real one.
func (h *Hasher) VerifyDummy(password string) {
	h.dummyOnce.Do(func() {
		d, err := h.Hash("dummy password for unknown accounts")
		if err != nil {
			panic(err)
		}
		h.dummy = d
	})
	p, salt, key, _ := parseHash(h.dummy)
	subtle.ConstantTimeCompare(h.derive(password, salt, p), key)
}

// parseHash reads a PHC argon2id string.
func parseHash(encoded string) (Params, []byte, []byte, error) {
	var p Params
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errors.New("not an argon2id hash")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, errors.New("unsupported argon2 version")
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, errors.New("bad argon2 parameters")
	}
	if p.Memory == 0 || p.Time == 0 || p.Threads == 0 || p.Memory > 4<<20 || p.Time > 100 {
		return p, nil, nil, errors.New("argon2 parameters out of range")
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return p, nil, nil, errors.New("bad salt")
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) < 16 {
		return p, nil, nil, errors.New("bad hash")
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}
