package worker

import (
	"context"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"github.com/pcsync/pcsync/internal/clocktest"
)

func TestWindowAdmit(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	ms := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }
	w := newWindow(2, 2, time.Second) // 3 starts a second
	steps := []struct {
		at      time.Time
		want    time.Time
		started bool
	}{
		{ms(0), ms(0), true},
		{ms(10), ms(10), true},
		{ms(20), ms(20), true},
		{ms(30), ms(1000), false},   // a fourth start within a second of the first
		{ms(999), ms(1000), false},  // still
		{ms(1000), ms(1000), true},  // a second after the first
		{ms(1005), ms(1010), false}, // a second after the second
		{ms(1010), ms(1010), true},
		{ms(5000), ms(5000), true}, // long after: free
	}
	for i, s := range steps {
		got, ok := w.admit(s.at)
		if ok != s.started || !got.Equal(s.want) {
			t.Errorf("step %d at %v: admit = %v, %v; want %v, %v", i, s.at.Sub(t0), got.Sub(t0), ok, s.want.Sub(t0), s.started)
		}
		if ok {
			w.written(s.at) // written at once
		}
	}
}

// TestWindowCountsRequestsBeingWritten: a request not yet written counts in
// every span from its start on; written, it counts in the spans that hold
// its write only.
func TestWindowCountsRequestsBeingWritten(t *testing.T) {
	t0 := time.Unix(1_700_000_000, 0)
	ms := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }
	w := newWindow(1, 2, time.Second) // 2 requests a second
	for _, at := range []time.Time{ms(0), ms(10)} {
		if _, ok := w.admit(at); !ok {
			t.Fatalf("admit at %v refused", at.Sub(t0))
		}
	}
	// Both still being written, long after they started: nothing to wait
	// for but a write.
	if at, ok := w.admit(ms(5000)); ok || !at.IsZero() {
		t.Fatalf("admit with both being written = %v, %v; want refused until a write", at.Sub(t0), ok)
	}
	w.written(ms(5000))
	if at, ok := w.admit(ms(5100)); ok || !at.Equal(ms(6000)) {
		t.Errorf("admit a second after a write = %v, %v; want refused until %v", at.Sub(t0), ok, ms(6000).Sub(t0))
	}
	// A second after the write, that request has left every span to come:
	// one still being written, and room for one more.
	if _, ok := w.admit(ms(6000)); !ok {
		t.Fatal("refused a second after the write")
	}
	if at, ok := w.admit(ms(6001)); ok || !at.IsZero() {
		t.Fatalf("admit with two being written = %v, %v; want refused until a write", at.Sub(t0), ok)
	}
	w.written(ms(6500))
	if at, ok := w.admit(ms(6600)); ok || !at.Equal(ms(7500)) {
		t.Errorf("admit = %v, %v; want refused until %v", at.Sub(t0), ok, ms(7500).Sub(t0))
	}
}

func TestNewWindow(t *testing.T) {
	tests := []struct {
		rate  float64
		burst int
		size  int // 0: no window
	}{
		{0, 1, 0},
		{-1, 1, 0},
		{1e9, 1, 0},
		{0.5, 1, 1},
		{10, 1, 10}, // by default a rolling second holds the rate, no more
		{10, 2, 11},
		{1000, 5, 1004},
		{99.9, 1, 99},
	}
	for _, tt := range tests {
		w := newWindow(tt.rate, tt.burst, time.Second)
		size := 0
		if w != nil {
			size = w.size
		}
		if size != tt.size {
			t.Errorf("newWindow(%v, %d) holds %d starts, want %d", tt.rate, tt.burst, size, tt.size)
		}
	}
}

// TestWindowBoundsEverySpan runs workers through the window in simulated
// time: they come late for their slots and bunch, their requests take from
// microseconds to tens of milliseconds (a dial) to be written, and each
// reaches the network at some moment between its start and its write. No
// rolling second of those moments may hold more than the window's size,
// and the rate must stay what was asked.
func TestWindowBoundsEverySpan(t *testing.T) {
	const rate, burst, n, workers = 1000, 1, 20000, 8
	rng := rand.New(rand.NewPCG(1, 2))
	w := newWindow(rate, burst, time.Second)
	t0 := time.Unix(0, 0)

	type event struct {
		at     time.Time
		worker int
		write  bool // the worker's request is written; else it tries to start one
	}
	var queue []event // by time
	push := func(e event) {
		i := sort.Search(len(queue), func(i int) bool { return queue[i].at.After(e.at) })
		queue = append(queue, event{})
		copy(queue[i+1:], queue[i:])
		queue[i] = e
	}
	for k := range workers {
		push(event{at: t0, worker: k})
	}
	var arrivals []time.Time
	started := 0
	var waiting []int // workers waiting for a write
	slot := func() time.Time {
		// The schedule, plus up to 3ms of lateness.
		return t0.Add(time.Duration(started) * time.Second / rate).Add(time.Duration(rng.IntN(3000)) * time.Microsecond)
	}
	for len(queue) > 0 {
		e := queue[0]
		queue = queue[1:]
		if e.write {
			w.written(e.at)
			for _, k := range waiting {
				push(event{at: e.at, worker: k})
			}
			waiting = waiting[:0]
			if started < n {
				push(event{at: e.at.Add(200 * time.Microsecond), worker: e.worker}) // the answer, then the next
			}
			continue
		}
		if started >= n {
			continue
		}
		if s := slot(); e.at.Before(s) {
			push(event{at: s, worker: e.worker})
			continue
		}
		next, ok := w.admit(e.at)
		switch {
		case ok:
			started++
			took := time.Duration(rng.IntN(100)) * time.Microsecond
			if rng.IntN(200) == 0 {
				took = time.Duration(5+rng.IntN(30)) * time.Millisecond // a dial, a stalled writer
			}
			arrivals = append(arrivals, e.at.Add(time.Duration(rng.Int64N(int64(took)+1))))
			push(event{at: e.at.Add(took), worker: e.worker, write: true})
		case next.IsZero():
			waiting = append(waiting, e.worker)
		default:
			push(event{at: next, worker: e.worker})
		}
	}
	if len(arrivals) != n {
		t.Fatalf("%d requests started, want %d", len(arrivals), n)
	}
	sort.Slice(arrivals, func(i, j int) bool { return arrivals[i].Before(arrivals[j]) })
	if got, limit := busiest(arrivals, time.Second), rate+burst; got > limit {
		t.Errorf("a rolling second holds %d arrivals, more than %d", got, limit)
	}
	achieved := float64(n-1) / arrivals[n-1].Sub(arrivals[0]).Seconds()
	if achieved < 0.99*rate {
		t.Errorf("achieved %.1f/s, asked %d/s", achieved, rate)
	}
}

// busiest returns the most times in any half-open interval of length span;
// at is sorted.
func busiest(at []time.Time, span time.Duration) int {
	most, j := 0, 0
	for i := range at {
		for at[i].Sub(at[j]) >= span {
			j++
		}
		most = max(most, i-j+1)
	}
	return most
}

// TestPacerKeepsSchedule: a wait that oversleeps delays that attempt only,
// not the ones after it (the bucket's next slot is n/rate from the start).
func TestPacerKeepsSchedule(t *testing.T) {
	clk := clocktest.New(time.Unix(0, 0))
	late := 40 * time.Millisecond
	p := NewPacer(10, 1).WithClock(clk.Now, func(ctx context.Context, d time.Duration) error {
		if d <= 0 {
			return ctx.Err()
		}
		return clk.Sleep(ctx, d+late) // every wake-up 40ms late
	})
	p.win = nil // the bucket's schedule alone: the window is tested above
	for range 101 {
		if err := p.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	// 100 intervals of 100ms after the first (free) attempt, the last one late.
	// (Sleeping one interval from each wake-up would take 14s.)
	got, want := clk.Now().Sub(time.Unix(0, 0)), 10*time.Second+late
	if d := got - want; d < -time.Millisecond || d > time.Millisecond {
		t.Errorf("101 attempts at 10/s took %v, want %v", got, want)
	}
}

func TestPacerWindowWaitStopsOnCancel(t *testing.T) {
	clk := clocktest.New(time.Unix(0, 0))
	p := NewPacer(1, 1).WithClock(clk.Now, clk.Sleep)
	ctx, cancel := context.WithCancel(context.Background())
	for range 2 {
		if err := p.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	if err := p.Wait(ctx); err != context.Canceled {
		t.Errorf("Wait = %v, want context.Canceled", err)
	}
}
