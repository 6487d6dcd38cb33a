package worker

import (
	"context"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Concurrency that follows latency: a pool whose Options.MaxWorkers is
// above its Workers, and whose Pacer has a rate, lets as many requests be
// in flight as it takes to keep that rate at the latency it observes:
// in-flight ≈ rate × latency, with Headroom, up to MaxWorkers. The sizing
// is plain functions of what was observed (wantWorkers, sizer.next); the
// pool's control loop only feeds them.

// Headroom multiplies the in-flight requests the rate needs at the
// observed latency: answers vary, and a worker also waits for its turn at
// the pacer.
const Headroom = 1.25

// AdjustEvery is how often an adaptive pool recomputes how many workers it
// lets send.
const AdjustEvery = 50 * time.Millisecond

// latencySamples is how many recent answers the latency quantiles are
// taken over.
const latencySamples = 256

// wantWorkers returns the workers needed to keep perSecond attempts a
// second when each takes latency: perSecond × latency × Headroom, rounded
// up, and one more for the attempt waiting for its turn; within [lo, hi].
// No rate (0 or +Inf) or no latency known yet asks for lo.
func wantWorkers(perSecond float64, latency time.Duration, lo, hi int) int {
	if perSecond <= 0 || math.IsInf(perSecond, 1) || latency <= 0 {
		return lo
	}
	n := math.Ceil(perSecond*latency.Seconds()*Headroom) + 1
	if n >= float64(hi) {
		return hi
	}
	return max(int(n), lo)
}

// sizer decides, tick after tick, how many workers an adaptive pool lets
// send. It grows at once to what the rate needs, and shrinks by at most a
// quarter a tick, so that one quick answer does not send workers away that
// the next slow one needs.
type sizer struct {
	lo, hi int
}

// next returns the workers to let send after cur, for perSecond at the
// latency observed: the p95 of recent answers, or, before any answer came
// back, the age of the oldest request in flight (a request out for that
// long shows the latency is at least that).
func (s sizer) next(cur int, perSecond float64, p95, oldest time.Duration) int {
	latency := p95
	if latency == 0 {
		latency = oldest
	}
	want := wantWorkers(perSecond, latency, s.lo, s.hi)
	if want >= cur {
		return want
	}
	return max(want, cur-max(cur/4, 1), s.lo)
}

// latencies keeps the durations of the last latencySamples answers.
type latencies struct {
	mu   sync.Mutex
	ring [latencySamples]time.Duration
	n    int // samples held, up to latencySamples
	next int // where the next sample goes
}

// add records the latency of one answer.
func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.ring[l.next] = d
	l.next = (l.next + 1) % len(l.ring)
	l.n = min(l.n+1, len(l.ring))
	l.mu.Unlock()
}

// quantiles returns the p50 and p95 of the answers held (zero when none).
func (l *latencies) quantiles() (p50, p95 time.Duration) {
	l.mu.Lock()
	s := slices.Clone(l.ring[:l.n])
	l.mu.Unlock()
	return quantiles(s)
}

// quantiles returns the p50 and p95 of s (nearest rank), sorting s; zero
// when s is empty.
func quantiles(s []time.Duration) (p50, p95 time.Duration) {
	if len(s) == 0 {
		return 0, 0
	}
	slices.Sort(s)
	at := func(q float64) time.Duration {
		i := int(math.Ceil(q*float64(len(s)))) - 1
		return s[min(max(i, 0), len(s)-1)]
	}
	return at(0.50), at(0.95)
}

// gate lets the workers of an adaptive pool whose number is below its
// limit send; the others wait for the limit to grow, for the feed to run
// dry, or for the run to stop.
type gate struct {
	limit atomic.Int64

	mu   sync.Mutex
	wake chan struct{} // closed when the limit grows or the gate closes
	shut bool
}

func newGate(limit int) *gate {
	g := &gate{wake: make(chan struct{})}
	g.limit.Store(int64(limit))
	return g
}

// open reports whether worker i (from 0) may take a task.
func (g *gate) open(i int) bool { return int64(i) < g.limit.Load() }

// set changes the limit, waking the waiting workers when it grows.
func (g *gate) set(limit int) {
	if old := g.limit.Swap(int64(limit)); int64(limit) > old {
		g.broadcast(false)
	}
}

// close lets every waiting worker go: there is nothing left to send.
func (g *gate) close() { g.broadcast(true) }

func (g *gate) broadcast(shut bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.shut {
		return
	}
	close(g.wake)
	g.wake, g.shut = make(chan struct{}), shut
}

// wait blocks worker i until it may take a task (true), or until the gate
// closes or ctx is done (false).
func (g *gate) wait(ctx context.Context, i int) bool {
	for {
		g.mu.Lock()
		wake, shut := g.wake, g.shut
		g.mu.Unlock()
		if shut {
			return false
		}
		if g.open(i) {
			return true
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return false
		}
	}
}
