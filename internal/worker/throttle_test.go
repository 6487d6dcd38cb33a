package worker

import (
	"math"
	"testing"
	"time"

	"github.com/pcsync/pcsync/internal/emulator"
	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/sandboxtest"
)

// TestThrottleFollowsTheLimit walks the controller through a run on an
// injected clock: --rate 200 against an API that allows 50 a second.
func TestThrottleFollowsTheLimit(t *testing.T) {
	t.Parallel()
	t0 := time.Unix(1000, 0)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	th := &throttle{ceiling: 200}
	type step struct {
		name     string
		now      float64 // seconds from t0
		throttle bool    // a throttling answer arrives at now
		started  float64 // to an attempt started then
		accepted float64 // with this many accepted over the last second
		cut      bool
		rate     float64 // the rate at now, after the answer
		hold     time.Duration
		pause    time.Duration // the Retry-After the answer came with
	}
	steps := []step{
		{name: "before any throttling: the rate asked", now: 0, rate: 200},
		{name: "the first 429: cut below what was accepted", now: 0.4, throttle: true, started: 0.3, accepted: 50, cut: true, rate: 42.5, hold: ThrottleHold},
		{name: "the same volley says nothing new", now: 0.41, throttle: true, started: 0.35, accepted: 50, rate: 42.5 + 5*0.01/2, hold: ThrottleHold},
		{name: "ramping", now: 1.4, rate: 42.5 + 5*0.5},
		{name: "cruising", now: 2.4, rate: 47.5},
		{name: "still cruising", now: 7.39, rate: 47.5},
		{name: "probing above", now: 8.4, rate: 47.5 + 1},
		{name: "throttled again about there: the hold doubles", now: 9.4, throttle: true, started: 9.3, accepted: 49, cut: true, rate: 0.85 * 49, hold: 2 * ThrottleHold},
		{name: "cruising longer", now: 9.4 + 2 + 9.99, rate: 0.95 * 49},
		{name: "a 429 just after a pause, nothing accepted: no collapse", now: 9.9, throttle: true, started: 9.45, accepted: 0, cut: true, rate: 0.85 * 0.85 * 49, hold: ThrottleHold},
		{name: "a 429 with Retry-After 5: the ramp waits for the pause", now: 40, throttle: true, started: 39.9, accepted: 40, cut: true, rate: 34, hold: 10 * 5 * time.Second, pause: 5 * time.Second},
		{name: "paused", now: 44.9, rate: 34},
		{name: "the ramp after the pause", now: 46, rate: 34 + 4*0.5},
		{name: "cruising for ten pauses", now: 45 + 2 + 49.9, rate: 38},
		{name: "then probing", now: 45 + 2 + 51, rate: 38 + 0.02*40},
		{name: "never above the rate asked", now: 1000, rate: 200},
		{name: "a second after the pause the count is whole: the limit fell", now: 1010, throttle: true, started: 1009, accepted: 20, cut: true, rate: 17, hold: ThrottleHold},
		{name: "more accepted than was sent (a fixed-window API): no more than the rate", now: 1020, throttle: true, started: 1019, accepted: 40, cut: true, rate: 0.85 * (0.95*20 + 0.02*20*3), hold: 2 * ThrottleHold},
	}
	for _, st := range steps {
		if st.throttle {
			if cut := th.cut(at(st.now), at(st.started), st.accepted, st.pause); cut != st.cut {
				t.Fatalf("%s: cut = %v, want %v", st.name, cut, st.cut)
			}
		}
		if got := th.at(at(st.now)); math.Abs(got-st.rate) > 1e-6 {
			t.Fatalf("%s: rate %.4f, want %.4f", st.name, got, st.rate)
		}
		if st.hold != 0 && th.hold != st.hold {
			t.Fatalf("%s: hold %s, want %s", st.name, th.hold, st.hold)
		}
	}
	if limit, cuts := th.limit, th.events; cuts != 6 || math.Abs(limit-(0.95*20+0.02*20*3)) > 1e-9 {
		t.Errorf("limit %v after %d cuts; want %v after 6", limit, cuts, 0.95*20+0.02*20*3)
	}
}

func TestHoldIsCapped(t *testing.T) {
	t.Parallel()
	th := &throttle{ceiling: 100}
	now := time.Unix(0, 0)
	for range 10 {
		now = now.Add(time.Hour)
		th.cut(now, now, 50, 0)
	}
	if th.hold != ThrottleMaxHold {
		t.Errorf("hold %s after ten cuts at one limit, want %s", th.hold, ThrottleMaxHold)
	}
	th.cut(now.Add(time.Hour), now.Add(time.Hour), 90, 0) // the limit moved
	if th.hold != ThrottleHold {
		t.Errorf("hold %s after the limit moved, want %s", th.hold, ThrottleHold)
	}
	th.cut(now.Add(2*time.Hour), now.Add(2*time.Hour), 90, time.Minute)
	if th.hold != 10*time.Minute { // ten pauses, above ThrottleMaxHold
		t.Errorf("hold %s after a one-minute pause, want 10m", th.hold)
	}
}

func TestAcceptedLastSecond(t *testing.T) {
	t.Parallel()
	var a accepted
	t0 := time.Unix(50, 0)
	for i := range 100 { // 100 over the first second, 10ms apart
		a.add(t0.Add(time.Duration(i) * 10 * time.Millisecond))
	}
	tests := []struct {
		after time.Duration
		want  float64
	}{
		{990 * time.Millisecond, 100},
		{1500 * time.Millisecond, 49}, // the 100 buckets up to 1.5s: from 510ms on
		{3 * time.Second, 0},
	}
	for _, tt := range tests {
		if got := a.lastSecond(t0.Add(tt.after)); got != tt.want {
			t.Errorf("lastSecond at +%s = %v, want %v", tt.after, got, tt.want)
		}
	}
}

// TestPacerFollowsThrottling sends through a real pool to the emulator
// that allows 20 requests a second, asking for 200/s: the pacer finds the
// limit, and every row gets done.
func TestPacerFollowsThrottling(t *testing.T) {
	t.Parallel()
	opts := emulator.Sandbox()
	opts.Faults.MaxRPS = 20
	shop := sandboxtest.Serve(t, opts, 16)
	pacer := NewPacer(200, 1)
	p := New(shop.Client, Options{Workers: 4, MaxWorkers: 16, Retries: 10, Pacer: pacer})
	const rows = 50
	counts, err := runAll(p, feedOf(rows, "a@example.com"))
	if err != nil || counts[job.StatusOK] != rows {
		t.Fatalf("Run = %v, statuses %v; want every row ok", err, counts)
	}
	limit, cuts := pacer.Throttling()
	// The emulator counts requests in seconds aligned on the clock's: a
	// rolling second may see up to twice its limit accepted, and a run
	// this short cuts once or twice.
	if cuts < 1 || limit < 10 || limit > 40 || pacer.Limit() >= 200 {
		t.Errorf("limit seen %v after %d cuts, rate now %v; want 20 to 40, and below 200", limit, cuts, pacer.Limit())
	}
}

// TestRateAtTheLimitDrawsNo429: --rate R against an API that allows R in a
// second is never refused.
func TestRateAtTheLimitDrawsNo429(t *testing.T) {
	t.Parallel()
	opts := emulator.Sandbox()
	opts.Faults.MaxRPS = 25
	shop := sandboxtest.Serve(t, opts, 16)
	p := New(shop.Client, Options{Workers: 8, Pacer: NewPacer(25, 1)})
	const rows = 60
	counts, err := runAll(p, feedOf(rows, "a@example.com"))
	if err != nil || counts[job.StatusOK] != rows {
		t.Fatalf("Run = %v, statuses %v; want every row ok", err, counts)
	}
	if st := shop.Emulator.Stats(); st.ByStatus[429] != 0 || st.Requests != rows {
		t.Errorf("%d requests, %d refused 429; want %d, none refused", st.Requests, st.ByStatus[429], rows)
	}
}
