package worker

import (
	"context"
	"crypto/x509"
	"errors"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/pcsync/pcsync/internal/api"
)

// CheckRetry reports whether an attempt that ended with err is worth another
// try. It looks at ctx first: once the run is stopping nothing is retried.
// Transient: no answer (connection refused, reset or closed, timeout), 408,
// 429, 5xx other than 501 and 505, and a 2xx whose body was not the
// documented JSON. Permanent: every other status (400, 403, 404, a redirect,
// whatever their body) and errors no retry can mend (a bad certificate).
func CheckRetry(ctx context.Context, err error) bool {
	if ctx.Err() != nil || err == nil {
		return false
	}
	if ae, ok := asAPIError(err); ok {
		switch s := ae.StatusCode; {
		case s == http.StatusTooManyRequests, s == http.StatusRequestTimeout:
			return true
		case s == http.StatusNotImplemented, s == http.StatusHTTPVersionNotSupported:
			return false
		case s >= 500:
			return true
		case s >= 200 && s < 300:
			return errors.Is(ae, api.ErrUnexpectedBody)
		}
		return false
	}
	var (
		unknownAuthority x509.UnknownAuthorityError
		hostname         x509.HostnameError
		invalid          x509.CertificateInvalidError
	)
	if errors.As(err, &unknownAuthority) || errors.As(err, &hostname) || errors.As(err, &invalid) {
		return false
	}
	return true
}

// Backoff is the retry timing: exponential with full jitter, capped, with the
// server's Retry-After taking precedence up to its own cap.
type Backoff struct {
	Base          time.Duration // the first retry waits up to Base
	Max           time.Duration // no computed wait exceeds Max
	RetryAfterCap time.Duration // a longer Retry-After is cut to this
}

// DefaultBackoff is the timing the command uses unless told otherwise.
var DefaultBackoff = Backoff{Base: 250 * time.Millisecond, Max: 30 * time.Second, RetryAfterCap: 60 * time.Second}

// Wait returns how long to wait before retry number n (1 for the first
// retry). retryAfter is the server's Retry-After (0 when it gave none);
// jitter returns a uniform value in [0, limit). A Retry-After is obeyed, cut
// to RetryAfterCap, with up to a tenth added so the pool does not return in
// lockstep; otherwise the wait is uniform in [0, min(Max, Base·2ⁿ⁻¹)).
func (b Backoff) Wait(n int, retryAfter time.Duration, jitter func(limit int64) int64) time.Duration {
	if retryAfter > 0 {
		d := min(retryAfter, b.RetryAfterCap)
		if spread := int64(d / 10); spread > 0 {
			d += time.Duration(jitter(spread))
		}
		return d
	}
	ceiling := b.Base
	for i := 1; i < n && ceiling < b.Max; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, b.Max)
	if ceiling <= 0 {
		return 0
	}
	return time.Duration(jitter(int64(ceiling)))
}

// randJitter is the production jitter source.
func randJitter(limit int64) int64 { return rand.Int64N(limit) }

// retryAfterOf returns the server's Retry-After carried by err, if any.
func retryAfterOf(err error) time.Duration {
	if ae, ok := asAPIError(err); ok {
		return ae.RetryAfter
	}
	return 0
}

// throttled reports whether err is a throttling answer: 429, or 503 with a
// Retry-After.
func throttled(err error) bool {
	ae, ok := asAPIError(err)
	return ok && (ae.StatusCode == http.StatusTooManyRequests ||
		ae.StatusCode == http.StatusServiceUnavailable && ae.RetryAfter > 0)
}

func asAPIError(err error) (*api.Error, bool) {
	var ae *api.Error
	ok := errors.As(err, &ae)
	return ae, ok
}
