package events

import (
	"crypto/rand"
	"strings"
	"time"

	"shequ/internal/workdays"
)

// Tracking numbers (受理号) are what a reporter keeps to follow their report:
// E, the date reported (YYMMDD, Beijing time) and eight characters of
// Crockford base32 — 40 random bits, so numbers cannot be guessed from one
// another and a day's numbers do not collide. E261130K7QZ2M8P.
const trackingAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

func newTracking(t time.Time) string {
	var b [8]byte
	rand.Read(b[:])
	out := make([]byte, 0, 15)
	out = append(out, 'E')
	out = t.In(workdays.Shanghai).AppendFormat(out, "060102")
	for _, c := range b {
		out = append(out, trackingAlphabet[c&31])
	}
	return string(out)
}

// NormalizeTracking reads a tracking number as people type it: any case,
// with spaces or dashes, O for 0 and I or L for 1. It returns "" for
// something that cannot be one.
func NormalizeTracking(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(strings.TrimSpace(s)) {
		switch {
		case r == ' ' || r == '-' || r == '\u3000':
			continue
		case r == 'O':
			r = '0'
		case r == 'I' || r == 'L':
			r = '1'
		case r == 'U':
			return ""
		}
		if r > 127 || !strings.ContainsRune(trackingAlphabet, r) && r != 'E' {
			return ""
		}
		b.WriteRune(r)
	}
	out := b.String()
	if len(out) != 15 || out[0] != 'E' {
		return ""
	}
	for _, c := range out[1:7] {
		if c < '0' || c > '9' {
			return ""
		}
	}
	return out
}
