// Package emulator is a local, in-memory stand-in for the PersonaClick API.
//
// It answers the five calls pcsync makes (segments/add, segments/remove,
// segments/get, subscriptions/manage and subscriptions/callback) strictly as
// the vendor documents them: each call reads its parameters only from the
// documented place (a JSON body, a form body or the query string), checks
// them in a fixed order and answers with the documented status codes and
// JSON bodies. It keeps the shop's contacts in memory so that tests and the
// sandbox's summary can inspect what a run did, and it can inject the faults
// a real network shows (429s, 5xx, HTML pages, dropped connections, slow
// answers) to exercise a client's retries.
//
// An *Emulator is an http.Handler: serve it with httptest.NewServer in tests
// or with an http.Server for the sandbox. It never logs, and it never echoes
// a parameter's value except a segment id.
package emulator

import (
	"context"
	"net/http"
	"time"
)

// Options configures an Emulator.
type Options struct {
	// ShopID and ShopSecret are the only credentials the emulator accepts.
	// When either is empty no request authenticates.
	ShopID     string
	ShopSecret string

	// Segments are the shop's pre-existing segments: id -> type ("static",
	// "dynamic" or "rfm"). Writes (add, remove) to a segment whose type is
	// not "static" are refused with 403. A segment id never seen before is
	// created as "static" on its first add.
	Segments map[string]string

	// Faults configures fault injection; the zero value injects none.
	Faults Faults

	// Latency delays every answer, as a server far away would: each
	// request is counted by the rate limit and drawn its fault when it
	// arrives, and answered Latency later, give or take LatencyJitter of
	// it (uniform, drawn from Seed). A client that goes away meanwhile gets
	// nothing. 0: answers at once.
	Latency time.Duration

	// Seed seeds the fault RNG, so that a run is reproducible; 0 means 1.
	Seed int64

	// Now is the clock of the server-side rate limit and of the Date header
	// sent with 429 answers; nil means time.Now.
	Now func() time.Time

	// Sleep makes slow answers and Latency wait d, or less if ctx ends
	// first; nil means a timer that honours ctx. Tests inject a fast one.
	Sleep func(ctx context.Context, d time.Duration)

	// Log, when set, is told of every request once it is over (from the
	// request's goroutine: concurrently). It never sees a parameter.
	Log func(Entry)
}

// Entry is one request, as Options.Log hears of it: never its query, body
// or headers, which hold the shop's secret.
type Entry struct {
	Method, Path string
	Status       int    // the answer's HTTP status; 0 when the connection was closed with none
	Fault        string // the fault injected, named as pcsync sandbox's flag ("fail-5xx", "max-rps", ...); "" for none
}

// Emulator is an in-memory PersonaClick API. It implements http.Handler and
// is safe for concurrent use. Create one with New.
type Emulator struct {
	shopID    []byte
	secret    []byte
	now       func() time.Time
	sleep     func(ctx context.Context, d time.Duration)
	slowDelay time.Duration
	log       func(Entry)

	retryAfter []string // Retry-After of injected 429s; nil for none
	// limitRetryAfter is the Retry-After of the rate limit's 429s.
	limitRetryAfter []string
	faults          *injector
	limiter         *limiter
	latency         *latency

	store store
	stats counters
}

// New returns an Emulator configured by opts. It copies opts.Segments, so
// later changes to the map do not affect it.
func New(opts Options) *Emulator {
	seed := opts.Seed
	if seed == 0 {
		seed = 1
	}
	e := &Emulator{
		shopID:    []byte(opts.ShopID),
		secret:    []byte(opts.ShopSecret),
		now:       opts.Now,
		sleep:     opts.Sleep,
		slowDelay: opts.Faults.SlowDelay,
		log:       opts.Log,
		faults:    newInjector(opts.Faults, seed),
		limiter:   newLimiter(opts.Faults.MaxRPS),
		latency:   newLatency(opts.Latency, seed),
	}
	e.store.init(opts.Segments)
	if e.now == nil {
		e.now = time.Now
	}
	if e.sleep == nil {
		e.sleep = sleepContext
	}
	e.limitRetryAfter = retryAfterOne
	if v := opts.Faults.MaxRPSRetryAfter; v != "" {
		e.limitRetryAfter = []string{v}
	}
	if opts.Faults.RetryAfter != "" {
		e.retryAfter = []string{opts.Faults.RetryAfter}
	}
	return e
}

// ServeHTTP answers one API call. The server-side rate limit is applied
// first, then the latency, then at most one injected fault, then the call
// itself.
func (e *Emulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.stats.requests.Add(1)
	if e.log == nil {
		e.serve(w, r, nil)
		return
	}
	ent := Entry{Method: r.Method, Path: r.URL.Path}
	defer func() { e.log(ent) }() // also when a drop aborts the handler
	e.serve(w, r, &ent)
}

// serve is ServeHTTP; ent, when not nil, is filled in for Options.Log.
func (e *Emulator) serve(w http.ResponseWriter, r *http.Request, ent *Entry) {
	note := func(status int, f fault) {
		if ent != nil {
			ent.Status, ent.Fault = status, faultNames[f]
		}
	}
	limited := e.limiter != nil && !e.limiter.allow(e.now())
	if !e.delay(r.Context()) {
		e.stats.answered(0) // the client went away: nobody gets the answer
		return
	}
	if limited {
		note(http.StatusTooManyRequests, faultMaxRPS)
		e.tooManyRequests(w, e.limitRetryAfter)
		return
	}

	f := e.faults.draw()
	switch f {
	case fault429:
		note(http.StatusTooManyRequests, f)
		e.tooManyRequests(w, e.retryAfter)
		return
	case fault5xx:
		note(answerUnavailable.status, f)
		e.write(w, answerUnavailable)
		return
	case faultHTML:
		note(http.StatusInternalServerError, f)
		e.writeHTML(w, http.StatusInternalServerError, serverErrorPage)
		return
	case faultBadOK:
		note(http.StatusOK, f)
		e.writeHTML(w, http.StatusOK, proxyPage)
		return
	case faultDropBefore:
		note(0, f)
		e.drop(w)
		return
	}

	a := e.handle(w, r)

	switch f {
	case faultDropAfter:
		note(0, f)
		e.drop(w)
		return
	case faultSlow:
		if e.sleep(r.Context(), e.slowDelay); r.Context().Err() != nil {
			note(0, f)
			e.stats.answered(0) // the client went away: nobody gets the answer
			return
		}
	}
	note(a.status, f)
	e.write(w, a)
}

// handle routes r to its call and returns the answer, counting the call as
// applied when it succeeded.
func (e *Emulator) handle(w http.ResponseWriter, r *http.Request) answer {
	rt, ok := findRoute(r.Method, r.URL.Path)
	if !ok {
		return noSuchMethod(r.Method, r.URL.Path)
	}
	var a answer
	switch rt {
	case routeSegmentsAdd:
		a = e.segmentsWrite(w, r, true)
	case routeSegmentsRemove:
		a = e.segmentsWrite(w, r, false)
	case routeSegmentsGet:
		a = e.segmentsGet(r)
	case routeSubscriptionsManage:
		a = e.subscriptionsManage(w, r)
	case routeSubscriptionsCallback:
		a = e.subscriptionsCallback(w, r)
	}
	if a.status == http.StatusOK {
		e.stats.applied[rt].Add(1)
	}
	return a
}

// sleepContext waits d, or until ctx is done if that comes first.
func sleepContext(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
