package emulator_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pcsync/pcsync/internal/clocktest"
	"github.com/pcsync/pcsync/internal/emulator"
)

// addBody is a segments/add body for email, with the test credentials.
func addBody(email string) string {
	return `{` + credsJSON + `,"email":"` + email + `","segment_id":100500}`
}

// serveRecorded answers a segments/add for email through a recorder.
func serveRecorded(e *emulator.Emulator, ctx context.Context, email string) *httptest.ResponseRecorder {
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/segments/add", strings.NewReader(addBody(email)))
	req.Header.Set("Content-Type", jsonType)
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	return rec
}

// serveGone serves e a request whose client is already gone: e must not
// answer it, nor wait for what (a sleep it would otherwise take) to end.
func serveGone(t *testing.T, e *emulator.Emulator, what string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	done := make(chan *httptest.ResponseRecorder)
	go func() { done <- serveRecorded(e, ctx, "a@b.c") }()
	guard := time.NewTimer(10 * time.Second)
	defer guard.Stop()
	select {
	case rec := <-done:
		if rec.Body.Len() != 0 {
			t.Errorf("answered %q to a client that was gone", rec.Body)
		}
	case <-guard.C:
		t.Fatalf("%s ignored the request's context", what)
	}
}

func TestFaultAnswers(t *testing.T) {
	const date = "Wed, 21 Oct 2015 07:28:00 GMT"
	tests := []struct {
		name       string
		faults     emulator.Faults
		status     int
		ctype      string
		body       string // the exact body, or for HTML a part of it
		retryAfter string
	}{
		{"429 with seconds", emulator.Faults{Rate429: 1, RetryAfter: "7"}, 429, "application/json", `{"status":"error","message":"too many requests"}`, "7"},
		{"429 with date", emulator.Faults{Rate429: 1, RetryAfter: date}, 429, "application/json", `{"status":"error","message":"too many requests"}`, date},
		{"429 without Retry-After", emulator.Faults{Rate429: 1}, 429, "application/json", `{"status":"error","message":"too many requests"}`, ""},
		{"503", emulator.Faults{Rate5xx: 1, RetryAfter: "7"}, 503, "application/json", `{"status":"error","message":"service temporarily unavailable"}`, ""},
		{"HTML 500", emulator.Faults{RateHTML: 1}, 500, "text/html; charset=utf-8", "<h1>500 Internal Server Error</h1>", ""},
		{"HTML 200", emulator.Faults{RateBadOK: 1}, 200, "text/html; charset=utf-8", "<!DOCTYPE html>", ""},
		{"first listed wins", emulator.Faults{Rate429: 1, Rate5xx: 1, RateHTML: 1, RateDropBefore: 1}, 429, "application/json", `{"status":"error","message":"too many requests"}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := clocktest.New(time.Date(2015, 10, 21, 7, 28, 0, 0, time.UTC))
			opts := testOptions()
			opts.Faults, opts.Seed, opts.Now = tt.faults, 7, clock.Now
			e, srv := newServer(t, opts)

			r := send(t, srv, http.MethodPost, "/segments/add", jsonType, addBody("a@b.c"))
			if r.status != tt.status {
				t.Errorf("status = %d, want %d", r.status, tt.status)
			}
			if ct := r.header.Get("Content-Type"); ct != tt.ctype {
				t.Errorf("Content-Type = %q, want %q", ct, tt.ctype)
			}
			if tt.ctype == "application/json" && r.body != tt.body || !strings.Contains(r.body, tt.body) {
				t.Errorf("body = %q, want %q", r.body, tt.body)
			}
			if got := r.header.Get("Retry-After"); got != tt.retryAfter {
				t.Errorf("Retry-After = %q, want %q", got, tt.retryAfter)
			}
			if tt.status == 429 && r.header.Get("Date") != date {
				t.Errorf("Date = %q, want the emulator's clock, %q", r.header.Get("Date"), date)
			}

			if _, ok := e.Contact("a@b.c", ""); ok {
				t.Error("a faulted call was applied")
			}
			st := e.Stats()
			if len(st.Applied) != 0 || st.ByStatus[tt.status] != 1 {
				t.Errorf("Stats = %+v; want nothing applied, one %d", st, tt.status)
			}
		})
	}
}

func TestDroppedConnections(t *testing.T) {
	tests := []struct {
		name    string
		faults  emulator.Faults
		applied bool
	}{
		{"before", emulator.Faults{RateDropBefore: 1}, false},
		{"after", emulator.Faults{RateDropAfter: 1}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := testOptions()
			opts.Faults = tt.faults
			e, srv := newServer(t, opts)

			// A POST without an idempotency key: the transport does not resend it.
			r, err := try(srv, http.MethodPost, "/segments/add", jsonType, addBody("a@b.c"))
			if err == nil {
				t.Fatalf("got an answer, %d %s; want the connection closed", r.status, r.body)
			}
			if _, ok := e.Contact("a@b.c", ""); ok != tt.applied {
				t.Errorf("contact created = %v, want %v", ok, tt.applied)
			}
			st := e.Stats()
			if st.Requests != 1 || st.ByStatus[0] != 1 || len(st.ByStatus) != 1 {
				t.Errorf("Stats = %+v; want one request, dropped", st)
			}
			if applied := st.Applied["/segments/add"] == 1; applied != tt.applied {
				t.Errorf("Applied = %v, want %v", st.Applied, tt.applied)
			}
		})
	}
}

func TestSlowAnswer(t *testing.T) {
	var (
		mu    sync.Mutex
		slept []time.Duration
	)
	opts := testOptions()
	opts.Faults = emulator.Faults{RateSlow: 1, SlowDelay: 90 * time.Second}
	opts.Sleep = func(ctx context.Context, d time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		slept = append(slept, d)
	}
	e, srv := newServer(t, opts)

	wantSuccess(t, postJSON(t, srv, "/segments/add", `"email":"a@b.c","segment_id":100500`))
	wantError(t, postJSON(t, srv, "/segments/add", `"email":"a@b.c","segment_id":7`), 403, "segment 7 is dynamic: only static segments accept contacts")

	mu.Lock()
	defer mu.Unlock()
	if want := []time.Duration{90 * time.Second, 90 * time.Second}; !slices.Equal(slept, want) {
		t.Errorf("slept %v, want %v", slept, want)
	}
	if n := e.SegmentSize("100500"); n != 1 {
		t.Errorf("SegmentSize = %d, want 1", n)
	}
}

// TestSlowAnswerClientGone checks that a slow answer stops waiting when the
// client goes away, with the change applied and no answer counted.
func TestSlowAnswerClientGone(t *testing.T) {
	waiting := make(chan struct{})
	opts := testOptions()
	opts.Faults = emulator.Faults{RateSlow: 1, SlowDelay: time.Hour}
	opts.Sleep = func(ctx context.Context, d time.Duration) {
		close(waiting)
		guard := time.NewTimer(10 * time.Second) // fails the test rather than hang it
		defer guard.Stop()
		select {
		case <-ctx.Done(): // the client left
		case <-guard.C:
		}
	}
	e, srv := newServer(t, opts)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-waiting
		cancel()
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/segments/add", strings.NewReader(addBody("a@b.c")))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", jsonType)
	if resp, err := srv.Client().Do(req); !errors.Is(err, context.Canceled) {
		if err == nil {
			resp.Body.Close()
		}
		t.Fatalf("Do: %v; want context.Canceled", err)
	}
	srv.Close() // waits for the handler to return

	if _, ok := e.Contact("a@b.c", ""); !ok {
		t.Error("the slow call was not applied")
	}
	if st := e.Stats(); st.ByStatus[0] != 1 || st.Applied["/segments/add"] != 1 {
		t.Errorf("Stats = %+v; want one applied call, unanswered", st)
	}
}

// TestDefaultSleepHonoursContext checks the default Sleep with a request
// whose context is already done: it must not wait its hour.
func TestDefaultSleepHonoursContext(t *testing.T) {
	opts := testOptions()
	opts.Faults = emulator.Faults{RateSlow: 1, SlowDelay: time.Hour}
	e := emulator.New(opts)
	serveGone(t, e, "the default Sleep")
	if st := e.Stats(); st.ByStatus[0] != 1 || st.Applied["/segments/add"] != 1 {
		t.Errorf("Stats = %+v; want one applied call, unanswered", st)
	}
}

func TestFaultsAreReproducible(t *testing.T) {
	faults := emulator.Faults{Rate429: 0.2, Rate5xx: 0.2, RateHTML: 0.1, RateBadOK: 0.1}
	statuses := func(seed int64) []int {
		opts := testOptions()
		opts.Faults, opts.Seed = faults, seed
		e := emulator.New(opts)
		var got []int
		for i := range 200 {
			got = append(got, serveRecorded(e, context.Background(), fmt.Sprintf("c%d@b.c", i)).Code)
		}
		return got
	}
	a, b := statuses(42), statuses(42)
	if !slices.Equal(a, b) {
		t.Errorf("two runs with seed 42 differ:\n%v\n%v", a, b)
	}
	for _, status := range []int{200, 429, 503, 500} {
		if !slices.Contains(a, status) {
			t.Errorf("no %d in 200 requests: %v", status, a)
		}
	}
	if slices.Equal(a, statuses(43)) {
		t.Error("seeds 42 and 43 gave the same faults")
	}
	if !slices.Equal(statuses(0), statuses(1)) {
		t.Error("seed 0 is not seed 1")
	}
}

func TestMaxRPS(t *testing.T) {
	clock := clocktest.New(time.Date(2025, 1, 2, 3, 4, 5, 900_000_000, time.UTC))
	opts := testOptions()
	opts.Faults = emulator.Faults{MaxRPS: 3.7}
	opts.Now = clock.Now
	e, srv := newServer(t, opts)

	add := func(email string) reply {
		return send(t, srv, http.MethodPost, "/segments/add", jsonType, addBody(email))
	}
	for i := range 3 {
		wantSuccess(t, add(fmt.Sprintf("ok%d@b.c", i)))
	}
	r := add("limited@b.c")
	wantError(t, r, http.StatusTooManyRequests, "too many requests")
	if got := r.header.Get("Retry-After"); got != "1" {
		t.Errorf("Retry-After = %q, want 1", got)
	}
	if _, ok := e.Contact("limited@b.c", ""); ok {
		t.Error("a rate-limited call was applied")
	}

	clock.Advance(100 * time.Millisecond) // the next second: a new window
	for i := range 3 {
		wantSuccess(t, add(fmt.Sprintf("next%d@b.c", i)))
	}
	wantError(t, add("limited@b.c"), http.StatusTooManyRequests, "too many requests")

	if st := e.Stats(); st.ByStatus[429] != 2 || st.Applied["/segments/add"] != 6 {
		t.Errorf("Stats = %+v; want six applied, two 429s", st)
	}
}

func TestMaxRPSRetryAfter(t *testing.T) {
	t.Parallel()
	opts := testOptions()
	opts.Faults = emulator.Faults{MaxRPS: 1, MaxRPSRetryAfter: "5"}
	opts.Now = func() time.Time { return time.Unix(7, 0) }
	_, srv := newServer(t, opts)
	wantSuccess(t, send(t, srv, http.MethodPost, "/segments/add", jsonType, addBody("a@b.c")))
	r := send(t, srv, http.MethodPost, "/segments/add", jsonType, addBody("b@b.c"))
	wantError(t, r, http.StatusTooManyRequests, "too many requests")
	if got := r.header.Get("Retry-After"); got != "5" {
		t.Errorf("Retry-After = %q, want 5", got)
	}
}

func TestMaxRPSBelowOne(t *testing.T) {
	clock := clocktest.New(time.Unix(1_700_000_000, 0))
	opts := testOptions()
	opts.Faults = emulator.Faults{MaxRPS: 0.5}
	opts.Now = clock.Now
	e := emulator.New(opts)

	var got []int
	for range 2 {
		for range 2 {
			got = append(got, serveRecorded(e, context.Background(), "a@b.c").Code)
		}
		clock.Advance(time.Second)
	}
	if want := []int{200, 429, 200, 429}; !slices.Equal(got, want) {
		t.Errorf("statuses = %v, want %v", got, want)
	}
}
