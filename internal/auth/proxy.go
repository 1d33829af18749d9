package auth

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Proxies are the reverse proxies in front of Octavo whose forwarding
// headers are believed. A request from anywhere else is taken at face
// value: its own address, and TLS only when it came over TLS itself, so a
// visitor cannot claim another address or HTTPS with a header.
type Proxies struct {
	nets []netip.Prefix
}

// ParseProxies reads trusted proxies: addresses (127.0.0.1, ::1) and
// networks (10.0.0.0/8), separated by commas or spaces.
func ParseProxies(list string) (Proxies, error) {
	var p Proxies
	for _, f := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' }) {
		if strings.Contains(f, "/") {
			pre, err := netip.ParsePrefix(f)
			if err != nil {
				return Proxies{}, fmt.Errorf("trusted proxy %q: want an address or a network such as 10.0.0.0/8", f)
			}
			p.nets = append(p.nets, pre.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return Proxies{}, fmt.Errorf("trusted proxy %q: want an address or a network such as 10.0.0.0/8", f)
		}
		a = a.Unmap()
		p.nets = append(p.nets, netip.PrefixFrom(a, a.BitLen()))
	}
	return p, nil
}

// String lists the proxies as ParseProxies reads them.
func (p Proxies) String() string {
	s := make([]string, len(p.nets))
	for i, n := range p.nets {
		s[i] = n.String()
	}
	return strings.Join(s, ",")
}

func (p Proxies) trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, n := range p.nets {
		if n.Contains(a) {
			return true
		}
	}
	return false
}

// remoteAddr is the address of the peer of the connection.
func remoteAddr(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, _ := netip.ParseAddr(host)
	return a.Unmap()
}

// ClientIP is the visitor's address: the peer's, or, when the peer is a
// trusted proxy, the nearest address in X-Forwarded-For that is not a
// trusted proxy (the right-most ones were added by our own proxies; the
// left-most can be made up by anyone).
func (p Proxies) ClientIP(r *http.Request) netip.Addr {
	a := remoteAddr(r)
	if !a.IsValid() || !p.trusted(a) {
		return a
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		h, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return a
		}
		a = h.Unmap()
		if !p.trusted(a) {
			return a
		}
	}
	return a
}

// IsSecure reports whether the visitor's request came over TLS: directly,
// or to a trusted proxy that says so in X-Forwarded-Proto (its last value,
// the one our proxy set).
func (p Proxies) IsSecure(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	a := remoteAddr(r)
	if !a.IsValid() || !p.trusted(a) {
		return false
	}
	vals := strings.Split(strings.Join(r.Header.Values("X-Forwarded-Proto"), ","), ",")
	return strings.EqualFold(strings.TrimSpace(vals[len(vals)-1]), "https")
}

// ipScope is the rate-limit scope of an address: IPv4 addresses one by
// one, IPv6 by /64 (one host usually holds a whole /64).
func ipScope(a netip.Addr) string {
	if !a.IsValid() {
		return "ip:unknown"
	}
	if a.Is6() {
		pre, _ := a.Prefix(64)
		return "ip:" + pre.String()
	}
	return "ip:" + a.String()
}
