package emulator

import (
	"math"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// Faults configures fault injection. Each Rate is a probability in [0, 1]
// per request; they are drawn in the order listed, from an RNG seeded with
// Options.Seed, until one hits, so at most one fault applies to a request.
// A faulted request that is not applied leaves the emulator's state as it
// was.
type Faults struct {
	// Rate429 answers 429 {"status":"error","message":"too many requests"},
	// with RetryAfter as its Retry-After header. The change is not applied.
	Rate429 float64
	// RetryAfter is the Retry-After value of injected 429s ("1", or an HTTP
	// date); "" sends no Retry-After.
	RetryAfter string
	// Rate5xx answers 503 with a JSON error body. The change is not applied.
	Rate5xx float64
	// RateHTML answers 500 with an HTML page. The change is not applied.
	RateHTML float64
	// RateBadOK answers 200 with an HTML page, as a proxy would. The change
	// is not applied.
	RateBadOK float64
	// RateDropBefore closes the connection with no answer. The change is not
	// applied.
	RateDropBefore float64
	// RateDropAfter applies the change, then closes the connection with no
	// answer.
	RateDropAfter float64
	// RateSlow applies the change but waits SlowDelay (through
	// Options.Sleep) before answering; a client that goes away meanwhile
	// gets nothing.
	RateSlow  float64
	SlowDelay time.Duration

	// MaxRPS is a server-side rate limit: a request beyond the first MaxRPS
	// of the current second (by Options.Now, windows aligned on whole
	// seconds) is answered 429 with MaxRPSRetryAfter. A fractional limit is
	// rounded down, but at least one request per second passes. 0 means no
	// limit.
	MaxRPS float64
	// MaxRPSRetryAfter is the Retry-After of MaxRPS's 429s; "" means "1".
	MaxRPSRetryAfter string
}

// fault is the fault injected into one request.
type fault uint8

const (
	faultNone fault = iota
	fault429
	fault5xx
	faultHTML
	faultBadOK
	faultDropBefore
	faultDropAfter
	faultSlow
	numFaults
	faultMaxRPS // not drawn: the server-side limit (Faults.MaxRPS)
)

// faultNames names each fault as Options.Log reports it: the flag of
// pcsync sandbox that injects it.
var faultNames = [...]string{
	fault429: "fail-429", fault5xx: "fail-5xx", faultHTML: "fail-html", faultBadOK: "fail-bad-ok",
	faultDropBefore: "drop-before", faultDropAfter: "drop-after", faultSlow: "slow", faultMaxRPS: "max-rps",
}

// injector draws the fault of each request.
type injector struct {
	rates [numFaults]float64 // indexed by fault; rates[faultNone] is unused

	mu  sync.Mutex
	rng *rand.Rand
}

// newInjector returns an injector for f, or nil when f injects nothing.
func newInjector(f Faults, seed int64) *injector {
	in := &injector{rng: rand.New(rand.NewPCG(uint64(seed), uint64(seed)))}
	in.rates[fault429] = f.Rate429
	in.rates[fault5xx] = f.Rate5xx
	in.rates[faultHTML] = f.RateHTML
	in.rates[faultBadOK] = f.RateBadOK
	in.rates[faultDropBefore] = f.RateDropBefore
	in.rates[faultDropAfter] = f.RateDropAfter
	in.rates[faultSlow] = f.RateSlow
	for _, r := range in.rates {
		if r > 0 {
			return in
		}
	}
	return nil
}

// draw returns the fault of the next request. A nil injector never faults.
func (in *injector) draw() fault {
	if in == nil {
		return faultNone
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	for f := fault429; f < numFaults; f++ {
		if r := in.rates[f]; r > 0 && in.rng.Float64() < r {
			return f
		}
	}
	return faultNone
}

// limiter counts requests in fixed one-second windows.
type limiter struct {
	budget int64 // requests allowed per window

	mu     sync.Mutex
	window int64 // Unix second of the current window
	n      int64 // requests seen in it
}

// newLimiter returns a limiter of maxRPS requests per second, or nil when
// maxRPS is not positive.
func newLimiter(maxRPS float64) *limiter {
	if !(maxRPS > 0) { // also false for NaN
		return nil
	}
	budget := int64(math.MaxInt64)
	if maxRPS < math.MaxInt64 {
		budget = max(1, int64(maxRPS))
	}
	return &limiter{budget: budget}
}

// allow counts a request made at now and reports whether it is within the
// limit.
func (l *limiter) allow(now time.Time) bool {
	w := now.Unix()
	l.mu.Lock()
	defer l.mu.Unlock()
	if w != l.window {
		l.window, l.n = w, 0
	}
	l.n++
	return l.n <= l.budget
}

// drop closes the connection under w without an answer. When w cannot be
// hijacked (HTTP/2, a recorder) it aborts the handler instead, which makes
// net/http reset the stream or close the connection.
func (e *Emulator) drop(w http.ResponseWriter) {
	e.stats.answered(0)
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	conn.Close()
}
