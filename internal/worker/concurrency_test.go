package worker

import (
	"context"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/pcsync/pcsync/internal/emulator"
	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/sandboxtest"
)

func TestWantWorkers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		perSecond float64
		latency   time.Duration
		lo, hi    int
		want      int
	}{
		{"100/s at 100ms", 100, 100 * time.Millisecond, 4, 256, 14},  // 100·0.1·1.25 = 12.5 → 13, +1
		{"400/s at 250ms", 400, 250 * time.Millisecond, 4, 256, 126}, // 125 + 1
		{"fast answers need few", 100, time.Millisecond, 4, 256, 4},
		{"capped by hi", 1000, time.Second, 4, 256, 256},
		{"no latency known yet", 100, 0, 4, 256, 4},
		{"no rate", 0, time.Second, 4, 256, 4},
		{"unlimited", math.Inf(1), time.Second, 4, 256, 4},
		{"hi below the need", 50, 200 * time.Millisecond, 1, 8, 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := wantWorkers(tt.perSecond, tt.latency, tt.lo, tt.hi); got != tt.want {
				t.Errorf("wantWorkers(%v, %s, %d, %d) = %d, want %d", tt.perSecond, tt.latency, tt.lo, tt.hi, got, tt.want)
			}
		})
	}
}

// TestSizerFollowsLatency walks the sizer through a run on an injected
// clock: nothing answered yet, the first answers, a slower API, a faster
// one again.
func TestSizerFollowsLatency(t *testing.T) {
	t.Parallel()
	s := sizer{lo: 4, hi: 256}
	steps := []struct {
		name        string
		p95, oldest time.Duration
		want        int
	}{
		{"nothing out long yet", 0, 10 * time.Millisecond, 4}, // 100·0.01·1.25 → 2, +1: below lo
		{"the first request is out 40ms", 0, 40 * time.Millisecond, 6},
		{"out 100ms: grows before any answer", 0, 100 * time.Millisecond, 14},
		{"answers at 100ms", 100 * time.Millisecond, 0, 14},
		{"the API slows to 300ms: grows at once", 300 * time.Millisecond, 0, 39},
		{"faster again: shrinks by a quarter", 50 * time.Millisecond, 0, 30},
		{"and again", 50 * time.Millisecond, 0, 23},
		{"and again", 50 * time.Millisecond, 0, 18},
		{"and again", 50 * time.Millisecond, 0, 14},
		{"and again", 50 * time.Millisecond, 0, 11},
		{"and again", 50 * time.Millisecond, 0, 9},
		{"down to what 50ms needs", 50 * time.Millisecond, 0, 8},
		{"and stays", 50 * time.Millisecond, 0, 8},
	}
	cur := s.lo
	for _, st := range steps {
		cur = s.next(cur, 100, st.p95, st.oldest)
		if cur != st.want {
			t.Fatalf("%s: %d workers, want %d", st.name, cur, st.want)
		}
	}
}

func TestQuantiles(t *testing.T) {
	t.Parallel()
	ms := func(v ...int) []time.Duration {
		s := make([]time.Duration, len(v))
		for i, x := range v {
			s[i] = time.Duration(x) * time.Millisecond
		}
		return s
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = 100 - i
	}
	tests := []struct {
		name     string
		s        []time.Duration
		p50, p95 time.Duration
	}{
		{"none", nil, 0, 0},
		{"one", ms(7), 7 * time.Millisecond, 7 * time.Millisecond},
		{"1..100 reversed", ms(hundred...), 50 * time.Millisecond, 95 * time.Millisecond},
		{"two", ms(10, 20), 10 * time.Millisecond, 20 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if p50, p95 := quantiles(tt.s); p50 != tt.p50 || p95 != tt.p95 {
				t.Errorf("quantiles = %s, %s; want %s, %s", p50, p95, tt.p50, tt.p95)
			}
		})
	}
}

func TestLatenciesKeepTheRecentAnswers(t *testing.T) {
	t.Parallel()
	var l latencies
	for range latencySamples {
		l.add(time.Second)
	}
	for range latencySamples {
		l.add(time.Millisecond) // pushes every second out
	}
	if p50, p95 := l.quantiles(); p50 != time.Millisecond || p95 != time.Millisecond {
		t.Errorf("quantiles = %s, %s; want 1ms, 1ms", p50, p95)
	}
}

func TestGate(t *testing.T) {
	t.Parallel()
	g := newGate(2)
	if !g.open(1) || g.open(2) {
		t.Fatal("a gate of 2 lets workers 0 and 1 through, not 2")
	}
	ctx, cancel := context.WithCancel(context.Background())
	woke := make(chan bool, 3)
	for _, i := range []int{2, 3, 9} {
		go func() { woke <- g.wait(ctx, i) }()
	}
	g.set(4) // lets 2 and 3 through
	for range 2 {
		if !<-woke {
			t.Error("a worker under the new limit was not let through")
		}
	}
	cancel() // 9 gives up
	if <-woke {
		t.Error("worker 9 was let through a gate of 4")
	}
	g.close()
	if g.wait(context.Background(), 1) {
		t.Error("a closed gate let a worker through")
	}
}

// TestAdaptivePoolGrowsWithLatency sends through a real pool to the
// emulator answering 20ms late: one worker keeps 50/s at most, so to keep
// 250/s the pool must grow, and never past MaxWorkers.
func TestAdaptivePoolGrowsWithLatency(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		maxWorkers int
		wantGrow   bool
	}{
		{"grows", 64, true},
		{"capped at max-workers", 3, true},
		{"fixed", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := emulator.Sandbox()
			opts.Latency = 20 * time.Millisecond
			shop := sandboxtest.Serve(t, opts, 64)
			var (
				mu    sync.Mutex
				paces []Pace
			)
			p := New(shop.Client, Options{Workers: 1, MaxWorkers: tt.maxWorkers, Pacer: NewPacer(250, 1),
				OnPace: func(pc Pace) { mu.Lock(); paces = append(paces, pc); mu.Unlock() }})
			const rows = 100
			counts, err := runAll(p, feedOf(rows, "a@example.com"))
			if err != nil || counts[job.StatusOK] != rows {
				t.Fatalf("Run = %v, statuses %v; want every row ok", err, counts)
			}
			mu.Lock()
			defer mu.Unlock()
			last := paces[len(paces)-1]
			if !tt.wantGrow {
				for _, pc := range paces {
					if pc.Adaptive || pc.Workers != 1 || pc.PeakInFlight > 1 {
						t.Fatalf("a fixed pool of one reported %+v", pc)
					}
				}
				// One worker at 20ms keeps 50/s at most, not 250.
				if b := last.Bound(50); b != BoundWorkers || last.P50 < 18*time.Millisecond {
					t.Errorf("bound %q, p50 %s; want workers, p50 ≥ 18ms", b, last.P50)
				}
				return
			}
			if !last.Adaptive || last.PeakInFlight < 2 || last.P50 < 18*time.Millisecond {
				t.Errorf("last pace %+v: want adaptive, more than one in flight, p50 ≥ 18ms", last)
			}
			for _, pc := range paces {
				if pc.Workers > tt.maxWorkers || pc.PeakInFlight > tt.maxWorkers {
					t.Errorf("pace %+v above --max-workers %d", pc, tt.maxWorkers)
				}
			}
		})
	}
}

func TestPaceBound(t *testing.T) {
	t.Parallel()
	inf := math.Inf(1)
	tests := []struct {
		name      string
		pace      Pace
		perSecond float64
		want      string
	}{
		{"kept the rate", Pace{Asked: 100, Workers: 14, MaxWorkers: 256}, 99.8, BoundRate},
		{"fixed workers short of the rate", Pace{Asked: 100, Workers: 4, MaxWorkers: 4}, 38, BoundWorkers},
		{"at --max-workers short of the rate", Pace{Asked: 400, Workers: 64, MaxWorkers: 64}, 250, BoundWorkers},
		{"could still grow: the rate", Pace{Asked: 100, Workers: 10, MaxWorkers: 256}, 80, BoundRate},
		{"no rate: the workers", Pace{Asked: inf, Workers: 8, MaxWorkers: 8}, 5000, BoundWorkers},
		{"throttled", Pace{Asked: 200, Workers: 16, MaxWorkers: 256, ThrottledAbove: 48, Throttles: 2}, 45, BoundThrottled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.pace.Bound(tt.perSecond); got != tt.want {
				t.Errorf("Bound(%v) = %q, want %q", tt.perSecond, got, tt.want)
			}
		})
	}
	if got := SuggestedRate(48); got != 45 {
		t.Errorf("SuggestedRate(48) = %v, want 45", got)
	}
	if got := SuggestedRate(0.5); got != 1 {
		t.Errorf("SuggestedRate(0.5) = %v, want 1", got)
	}
}
