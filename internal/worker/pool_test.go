package worker

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pcsync/pcsync/internal/api"
	"github.com/pcsync/pcsync/internal/clocktest"
	"github.com/pcsync/pcsync/internal/emulator"
	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/sandboxtest"
)

// sleeps records the waits a pool asked for, without waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

// setup returns the emulator behind an HTTP server, and a client of it.
func setup(t *testing.T, faults emulator.Faults) (*emulator.Emulator, *api.Client) {
	t.Helper()
	shop := sandboxtest.New(t, faults)
	return shop.Emulator, shop.Client
}

func task(i int, rec job.Record) job.Task {
	j, err := job.Build(&rec, job.Defaults{})
	if err != nil {
		panic(err)
	}
	return job.Task{Row: job.Row{Index: i, Line: i + 1}, Job: j}
}

func TestDoEveryAction(t *testing.T) {
	em, c := setup(t, emulator.Faults{})
	p := New(c, Options{Workers: 1, Retries: 0})
	ctx := context.Background()
	steps := []struct {
		rec   job.Record
		check func(t *testing.T, r job.Result)
	}{
		{job.Record{Email: "ada@example.com", Action: "segments/add", SegmentID: "100500"}, func(t *testing.T, r job.Result) {
			if ct, ok := em.Contact("ada@example.com", ""); !ok || strings.Join(ct.Segments, ",") != "100500" {
				t.Errorf("contact after add = %+v", ct)
			}
		}},
		{job.Record{Phone: "+1 555 010 0199", Action: "segments/add", SegmentID: "42"}, func(t *testing.T, r job.Result) {
			if em.SegmentSize("42") != 1 {
				t.Errorf("segment 42 has %d members", em.SegmentSize("42"))
			}
		}},
		{job.Record{Email: "ada@example.com", Action: "segments/get"}, func(t *testing.T, r job.Result) {
			if len(r.Segments) != 1 || r.Segments[0] != (api.Segment{ID: "100500", Type: "static"}) {
				t.Errorf("segments = %+v", r.Segments)
			}
		}},
		{job.Record{Email: "ada@example.com", Action: "segments/remove", SegmentID: "100500"}, func(t *testing.T, r job.Result) {
			if em.SegmentSize("100500") != 0 {
				t.Error("still in segment 100500")
			}
		}},
		{job.Record{Email: "ada@example.com", Action: "subscriptions/manage", EmailBulk: "no", SMSChain: "yes"}, func(t *testing.T, r job.Result) {
			ct, _ := em.Contact("ada@example.com", "")
			if ct.Subscriptions["email_bulk"] || !ct.Subscriptions["sms_chain"] || len(ct.Subscriptions) != 2 {
				t.Errorf("subscriptions = %v", ct.Subscriptions)
			}
		}},
		{job.Record{Email: "ada@example.com", Action: "subscriptions/callback", Event: "hard_bounced"}, func(t *testing.T, r job.Result) {
			if !em.HardBounced("ada@example.com") {
				t.Error("not hard-bounced")
			}
		}},
	}
	for i, s := range steps {
		tk := task(i+1, s.rec)
		t.Run(string(tk.Job.Action), func(t *testing.T) {
			r := p.Do(ctx, &tk)
			if r.Status != job.StatusOK || r.HTTPStatus != 200 || r.Attempts != 1 || r.Error != "" {
				t.Fatalf("result = %+v", r)
			}
			s.check(t, r)
		})
	}
}

func TestDoPermanentErrorIsNotRetried(t *testing.T) {
	em, c := setup(t, emulator.Faults{})
	p := New(c, Options{Workers: 1, Retries: 5})
	tk := task(1, job.Record{Email: "a@b.co", Action: "segments/add", SegmentID: "7"})
	r := p.Do(context.Background(), &tk)
	if r.Status != job.StatusFailed || r.HTTPStatus != 403 || r.Attempts != 1 || !strings.Contains(r.Error, "dynamic") {
		t.Errorf("result = %+v", r)
	}
	if n := em.Stats().Requests; n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestDoRetriesTransientFailures(t *testing.T) {
	tests := []struct {
		name   string
		faults emulator.Faults
		status int
		errSub string
	}{
		{"503", emulator.Faults{Rate5xx: 1}, 503, ""},
		{"HTML 500", emulator.Faults{RateHTML: 1}, 500, "not the documented JSON"},
		{"HTML 200", emulator.Faults{RateBadOK: 1}, 200, "not the documented JSON"},
		{"closed before", emulator.Faults{RateDropBefore: 1}, 0, "connection closed with no answer"},
		{"429 without Retry-After", emulator.Faults{Rate429: 1}, 429, "too many requests"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			em, c := setup(t, tt.faults)
			var s sleeps
			p := New(c, Options{Workers: 1, Retries: 3, Sleep: s.sleep, Pacer: fakePacer(nil)})
			tk := task(1, job.Record{Email: "a@b.co", Action: "segments/add", SegmentID: "100500"})
			r := p.Do(context.Background(), &tk)
			if r.Status != job.StatusFailed || r.Attempts != 4 || r.HTTPStatus != tt.status || !strings.Contains(r.Error, tt.errSub) {
				t.Errorf("result = %+v", r)
			}
			if len(s.d) != 3 {
				t.Errorf("waited %d times, want 3", len(s.d))
			}
			if em.Stats().Requests != 4 || em.SegmentSize("100500") != 0 {
				t.Errorf("requests %d, segment size %d", em.Stats().Requests, em.SegmentSize("100500"))
			}
		})
	}
}

func TestDoSucceedsThroughFlakyServer(t *testing.T) {
	// A third of the answers fail in one of five ways; every row must still
	// end ok, and every ok row must have been applied.
	em, c := setup(t, emulator.Faults{Rate5xx: 0.1, RateHTML: 0.05, Rate429: 0.05, RetryAfter: "1", RateDropBefore: 0.05, RateDropAfter: 0.05, RateBadOK: 0.03})
	var s sleeps
	p := New(c, Options{Workers: 1, Retries: 10, Sleep: s.sleep, Pacer: fakePacer(nil)})
	attempts := 0
	for i := 1; i <= 200; i++ {
		tk := task(i, job.Record{Email: "u" + strings.Repeat("x", i%7) + "@example.com", Phone: "", Action: "segments/add", SegmentID: strconv.Itoa(100000 + i%26)})
		r := p.Do(context.Background(), &tk)
		if r.Status != job.StatusOK {
			t.Fatalf("row %d: %+v", i, r)
		}
		attempts += r.Attempts
	}
	if attempts == 200 {
		t.Error("no row needed a retry: the faults did not fire")
	}
	if got := em.Stats().Requests; got != int64(attempts) {
		t.Errorf("server saw %d requests, results count %d attempts", got, attempts)
	}
}

func TestDoDropAfterApplyIsResentAndOK(t *testing.T) {
	em, c := setup(t, emulator.Faults{RateDropAfter: 1})
	var s sleeps
	p := New(c, Options{Workers: 1, Retries: 2, Sleep: s.sleep, Pacer: fakePacer(nil)})
	tk := task(1, job.Record{Email: "a@b.co", Action: "segments/add", SegmentID: "100500"})
	r := p.Do(context.Background(), &tk)
	// Every answer is lost, so the row cannot be called ok, though the
	// server applied it: the truth is "failed, no answer".
	if r.Status != job.StatusFailed || r.HTTPStatus != 0 || r.Attempts != 3 {
		t.Errorf("result = %+v", r)
	}
	if em.SegmentSize("100500") != 1 {
		t.Error("the idempotent resends did not leave the contact in once")
	}
}

func TestDoTimeout(t *testing.T) {
	_, c := setup(t, emulator.Faults{RateSlow: 1, SlowDelay: time.Hour})
	var s sleeps
	p := New(c, Options{Workers: 1, Retries: 1, Timeout: 20 * time.Millisecond, Sleep: s.sleep, Pacer: fakePacer(nil)})
	tk := task(1, job.Record{Email: "a@b.co", Action: "segments/get"})
	r := p.Do(context.Background(), &tk)
	if r.Status != job.StatusFailed || r.Attempts != 2 || r.Error != "no answer within 20ms (after 2 attempts)" {
		t.Errorf("result = %+v", r)
	}
}

func TestRetryAfterPausesThePool(t *testing.T) {
	_, c := setup(t, emulator.Faults{Rate429: 1, RetryAfter: "2"})
	clk := clocktest.New(time.Unix(1_700_000_000, 0))
	pacer := fakePacer(clk)
	p := New(c, Options{Workers: 1, Retries: 1, Sleep: clk.Sleep, Pacer: pacer, Jitter: func(int64) int64 { return 0 }})
	tk := task(1, job.Record{Email: "a@b.co", Action: "segments/add", SegmentID: "1"})
	r := p.Do(context.Background(), &tk)
	if r.Status != job.StatusFailed || r.HTTPStatus != 429 || r.Attempts != 2 {
		t.Fatalf("result = %+v", r)
	}
	// The worker waited the 2s Retry-After, and the pacer holds every other
	// worker back until then too.
	if got := clk.Slept(); got != 2*time.Second {
		t.Errorf("slept %v, want 2s", got)
	}
	pacer.mu.Lock()
	until := pacer.until
	pacer.mu.Unlock()
	if want := time.Unix(1_700_000_000, 0).Add(4 * time.Second); !until.Equal(want) {
		t.Errorf("pool paused until %v, want %v (second 429 pauses 2s more)", until, want)
	}
}

func TestRunSkipsQueuedRowsWhenStopped(t *testing.T) {
	em, c := setup(t, emulator.Faults{})
	p := New(c, Options{Workers: 2})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	tasks := make(chan job.Task, 5)
	for i := 1; i <= 5; i++ {
		tasks <- task(i, job.Record{Email: "a@b.co", Action: "segments/get"})
	}
	close(tasks)
	var mu sync.Mutex
	var got []job.Result
	err := p.Run(ctx, Tasks(tasks), func(r job.Result) error { mu.Lock(); got = append(got, r); mu.Unlock(); return nil })
	if err != nil && err != context.Canceled {
		t.Fatal(err)
	}
	if len(got) != 5 {
		t.Fatalf("%d results, want 5", len(got))
	}
	for _, r := range got {
		if r.Status != job.StatusSkipped || r.Attempts != 0 {
			t.Errorf("result = %+v", r)
		}
	}
	if em.Stats().Requests != 0 {
		t.Errorf("%d requests sent after the stop", em.Stats().Requests)
	}
}

func TestRunStopsWhenResultsCannotBeWritten(t *testing.T) {
	em, c := setup(t, emulator.Faults{})
	p := New(c, Options{Workers: 1})
	tasks := make(chan job.Task, 10)
	for i := 1; i <= 10; i++ {
		tasks <- task(i, job.Record{Email: "a@b.co", Action: "segments/get"})
	}
	close(tasks)
	errDisk := context.DeadlineExceeded // any error will do
	err := p.Run(context.Background(), Tasks(tasks), func(job.Result) error { return errDisk })
	if err != errDisk {
		t.Fatalf("Run = %v", err)
	}
	if n := em.Stats().Requests; n != 1 {
		t.Errorf("%d requests sent, want 1: nothing after the first result failed to record", n)
	}
}

// TestRunPacedAccountsEverySend runs a paced pool whose requests are cut
// off before and after they are written, and checks that every attempt the
// pacer let start was accounted for: none is left counted as being
// written, which would shrink the window for good and, once rate + burst
// of them leaked, stop the pool.
func TestRunPacedAccountsEverySend(t *testing.T) {
	em, c := setup(t, emulator.Faults{RateDropBefore: 0.2, RateDropAfter: 0.1, Rate5xx: 0.1})
	clk := clocktest.New(time.Unix(0, 0))
	const rate = 50
	pacer := NewPacer(rate, 1).WithClock(clk.Now, clk.Sleep)
	p := New(c, Options{Workers: 8, Retries: 30, Pacer: pacer, Sleep: clk.Sleep, Jitter: func(int64) int64 { return 0 }})
	const n = 200
	tasks := make(chan job.Task, n)
	for i := range n {
		tasks <- task(i+1, job.Record{Email: fmt.Sprintf("u%d@example.com", i), Action: "segments/add", SegmentID: "100500"})
	}
	close(tasks)
	var mu sync.Mutex
	attempts, ok := 0, 0
	err := p.Run(context.Background(), Tasks(tasks), func(r job.Result) error {
		mu.Lock()
		defer mu.Unlock()
		attempts += r.Attempts
		if r.Status == job.StatusOK {
			ok++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if ok != n || em.SegmentSize("100500") != n {
		t.Fatalf("%d of %d rows ok, %d in the segment", ok, n, em.SegmentSize("100500"))
	}
	if attempts <= n {
		t.Fatal("no attempt failed: the faults did not fire")
	}
	pacer.slot.Lock()
	writing := pacer.win.writing
	pacer.slot.Unlock()
	if writing != 0 {
		t.Errorf("%d attempts still counted as being written after the run", writing)
	}
	// Retries are paced too: the attempts took at least their share of time.
	if min := time.Duration(attempts-1) * time.Second / rate; clk.Now().Sub(time.Unix(0, 0)) < min*99/100 {
		t.Errorf("%d attempts at %d/s took %v of the pacer's clock, want at least %v", attempts, rate, clk.Now().Sub(time.Unix(0, 0)), min)
	}
}

// TestRunPacedAccountsUnsentRequests: attempts whose request is never
// written (nothing listens: the dial fails) are accounted for when they
// end.
func TestRunPacedAccountsUnsentRequests(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ln.Close() // nothing listens there now
	c, err := api.NewClient(url, api.Credentials{ShopID: "s", ShopSecret: "x"}, api.WithHTTPClient(api.NewHTTPClient(4)))
	if err != nil {
		t.Fatal(err)
	}
	clk := clocktest.New(time.Unix(0, 0))
	pacer := NewPacer(2, 1).WithClock(clk.Now, clk.Sleep) // a window of 3: fewer than the workers
	p := New(c, Options{Workers: 4, Retries: 2, Pacer: pacer, Sleep: clk.Sleep, Jitter: func(int64) int64 { return 0 }})
	const n = 10
	tasks := make(chan job.Task, n)
	for i := range n {
		tasks <- task(i+1, job.Record{Email: fmt.Sprintf("u%d@example.com", i), Action: "segments/add", SegmentID: "1"})
	}
	close(tasks)
	failed := 0
	var mu sync.Mutex
	done := make(chan error, 1)
	go func() {
		done <- p.Run(context.Background(), Tasks(tasks), func(r job.Result) error {
			mu.Lock()
			defer mu.Unlock()
			if r.Status == job.StatusFailed && r.Attempts == 3 && r.Error == "connection refused (after 3 attempts)" {
				failed++
			}
			return nil
		})
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second): // the run takes milliseconds
		t.Fatal("the pool stalled: attempts that ended unsent still fill the pacer's window")
	}
	if failed != n {
		t.Errorf("%d of %d rows failed with 3 attempts refused", failed, n)
	}
	pacer.slot.Lock()
	writing := pacer.win.writing
	pacer.slot.Unlock()
	if writing != 0 {
		t.Errorf("%d attempts still counted as being written after the run", writing)
	}
}

// callerFunc is a Caller that answers without any HTTP.
type callerFunc func(api.Call) (*api.Response, error)

func (f callerFunc) Send(_ context.Context, c api.Call) (*api.Response, error) { return f(c) }

// refusing answers 403 to the calls about refused@example.com, 200 to the
// others, and counts the calls.
func refusing(calls *atomic.Int64) Caller {
	return callerFunc(func(c api.Call) (*api.Response, error) {
		calls.Add(1)
		if c.Contact.Email == "refused@example.com" {
			return nil, &api.Error{Method: "GET", URL: "http://127.0.0.1/segments/get", StatusCode: 403, Message: "refused"}
		}
		return &api.Response{StatusCode: 200}, nil
	})
}

// feedOf returns a Feed of n segments/get tasks about email.
func feedOf(n int, email string) Feed {
	tasks := make(chan job.Task, n)
	for i := 1; i <= n; i++ {
		tasks <- task(i, job.Record{Email: email, Action: "segments/get"})
	}
	close(tasks)
	return Tasks(tasks)
}

// runAll runs p over feed and returns the results' count by status and
// Run's error.
func runAll(p *Pool, feed Feed) (map[job.Status]int, error) {
	var mu sync.Mutex
	counts := map[job.Status]int{}
	err := p.Run(context.Background(), feed, func(r job.Result) error { mu.Lock(); counts[r.Status]++; mu.Unlock(); return nil })
	return counts, err
}

// TestPoolRunsAgain: a run's health is its own. A first run's answers,
// all fine, do not make the next run, all refused, look healthy; and that
// run's stop does not outlive it.
func TestPoolRunsAgain(t *testing.T) {
	t.Parallel()
	var calls atomic.Int64
	p := New(refusing(&calls), Options{Workers: 1, Pacer: fakePacer(nil)})
	steps := []struct {
		email   string
		wantErr error
		wantOK  int
		maxSent int64
	}{
		{"ok@example.com", nil, 10, 10},
		{"refused@example.com", ErrRefused, 0, RefusedAfter},
		{"ok@example.com", nil, 10, 10},
	}
	for i, s := range steps {
		calls.Store(0)
		counts, err := runAll(p, feedOf(10, s.email))
		if !errors.Is(err, s.wantErr) || (s.wantErr == nil) != (err == nil) {
			t.Errorf("run %d: Run = %v, want %v", i, err, s.wantErr)
		}
		if counts[job.StatusOK] != s.wantOK || calls.Load() > s.maxSent {
			t.Errorf("run %d: statuses %v after %d calls; want %d ok, at most %d calls", i, counts, calls.Load(), s.wantOK, s.maxSent)
		}
	}
}

// TestPoolRunsConcurrently runs a refused run and a healthy one on one pool
// at once, with Do's beside them: only the refused run stops.
func TestPoolRunsConcurrently(t *testing.T) {
	t.Parallel()
	var calls atomic.Int64
	p := New(refusing(&calls), Options{Workers: 2, Pacer: fakePacer(nil)})
	var wg sync.WaitGroup
	var refusedErr, okErr error
	var refusedCounts, okCounts map[job.Status]int
	wg.Go(func() { refusedCounts, refusedErr = runAll(p, feedOf(200, "refused@example.com")) })
	wg.Go(func() { okCounts, okErr = runAll(p, feedOf(200, "ok@example.com")) })
	for i := range 20 {
		wg.Go(func() {
			tk := task(i, job.Record{Email: "refused@example.com", Action: "segments/get"})
			if r := p.Do(context.Background(), &tk); r.Status != job.StatusFailed || r.HTTPStatus != 403 {
				t.Errorf("Do = %+v, want a failed 403", r)
			}
		})
	}
	wg.Wait()
	if !errors.Is(refusedErr, ErrRefused) || refusedCounts[job.StatusOK] != 0 {
		t.Errorf("refused run: %v, statuses %v; want ErrRefused", refusedErr, refusedCounts)
	}
	if okErr != nil || okCounts[job.StatusOK] != 200 {
		t.Errorf("healthy run: %v, statuses %v; want every row ok", okErr, okCounts)
	}
}

// The error text of a row that was retried says after how many attempts
// it gave up; a row sent once keeps the server's text as it is.
func TestDoErrorSaysAttempts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		retries  int
		attempts int
		want     string
	}{
		{"sent once", 0, 1, "service temporarily unavailable"},
		{"retried once", 1, 2, "service temporarily unavailable (after 2 attempts)"},
		{"retried five times", 5, 6, "service temporarily unavailable (after 6 attempts)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, c := setup(t, emulator.Faults{Rate5xx: 1})
			var s sleeps
			p := New(c, Options{Workers: 1, Retries: tc.retries, Sleep: s.sleep, Pacer: fakePacer(nil)})
			tk := task(1, job.Record{Email: "a@b.co", Action: "segments/get"})
			r := p.Do(context.Background(), &tk)
			if r.Status != job.StatusFailed || r.Attempts != tc.attempts || r.Error != tc.want {
				t.Errorf("result: %s after %d attempts, %q; want failed after %d, %q", r.Status, r.Attempts, r.Error, tc.attempts, tc.want)
			}
		})
	}
}
