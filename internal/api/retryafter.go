package api

import (
	"net/http"
	"strings"
	"time"
)

// maxRetryAfter bounds what ParseRetryAfter returns, so that a huge value
// cannot overflow a time.Duration. It is a guard, not a retry policy: the
// caller caps the wait to what it is ready to accept.
const maxRetryAfter = 24 * time.Hour

// ParseRetryAfter parses a Retry-After header value, delta-seconds ("120")
// or an HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT", or one of the two
// obsolete forms RFC 9110 still accepts), relative to now. ok is false for
// an empty or unparsable value (a sign, a fraction, any other text). A date
// in the past gives 0 and ok. Values above 24 hours are clamped to 24 hours.
func ParseRetryAfter(v string, now time.Time) (d time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, ok := parseDelta(v); ok {
		return time.Duration(min(secs, int64(maxRetryAfter/time.Second))) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return min(max(t.Sub(now), 0), maxRetryAfter), true
}

// parseDelta parses delta-seconds: one or more ASCII digits. A value too
// large for an int64 saturates.
func parseDelta(v string) (int64, bool) {
	const limit = 1 << 40 // far above maxRetryAfter, far below overflow
	var n int64
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if n < limit {
			n = n*10 + int64(c-'0')
		}
	}
	return n, true
}
