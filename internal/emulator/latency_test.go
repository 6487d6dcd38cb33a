package emulator_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/pcsync/pcsync/internal/clocktest"
	"github.com/pcsync/pcsync/internal/emulator"
)

// TestLatency checks that every answer, a refused one included, waits the
// latency give or take its jitter, and that the jitter varies.
func TestLatency(t *testing.T) {
	tests := []struct {
		name    string
		latency time.Duration
		faults  emulator.Faults
		status  int
	}{
		{"ok answers", 100 * time.Millisecond, emulator.Faults{}, 200},
		{"the limit's 429s", 250 * time.Millisecond, emulator.Faults{MaxRPS: 1}, 429},
		{"injected 503s", 40 * time.Millisecond, emulator.Faults{Rate5xx: 1}, 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var (
				mu    sync.Mutex
				slept []time.Duration
			)
			clock := clocktest.New(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
			opts := testOptions()
			opts.Faults, opts.Latency, opts.Now = tt.faults, tt.latency, clock.Now
			opts.Sleep = func(ctx context.Context, d time.Duration) {
				mu.Lock()
				defer mu.Unlock()
				slept = append(slept, d)
			}
			e := emulator.New(opts)
			serveRecorded(e, context.Background(), "first@b.c") // passes the limit
			const n = 50
			for range n {
				if rec := serveRecorded(e, context.Background(), "a@b.c"); rec.Code != tt.status {
					t.Fatalf("status = %d, want %d", rec.Code, tt.status)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if len(slept) != n+1 {
				t.Fatalf("slept %d times, want %d", len(slept), n+1)
			}
			lo := tt.latency - time.Duration(emulator.LatencyJitter*float64(tt.latency))
			hi := tt.latency + time.Duration(emulator.LatencyJitter*float64(tt.latency))
			distinct := map[time.Duration]bool{}
			for _, d := range slept {
				if d < lo || d >= hi {
					t.Errorf("slept %s, want within [%s, %s)", d, lo, hi)
				}
				distinct[d] = true
			}
			if len(distinct) < n/2 {
				t.Errorf("%d distinct delays of %d: the jitter does not vary", len(distinct), len(slept))
			}
		})
	}
}

// TestLatencyClientGone checks that a client that leaves during the latency
// gets no answer, and that nothing is applied.
func TestLatencyClientGone(t *testing.T) {
	t.Parallel()
	opts := testOptions()
	opts.Latency = time.Hour
	e := emulator.New(opts) // the default Sleep: a timer and ctx.Done()
	serveGone(t, e, "the latency")
	if st := e.Stats(); st.ByStatus[0] != 1 || len(st.Applied) != 0 {
		t.Errorf("Stats = %+v; want one request unanswered, nothing applied", st)
	}
}
