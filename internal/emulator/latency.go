package emulator

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"
)

// LatencyJitter is the share of Options.Latency by which each answer's
// delay varies: uniform in [Latency − Latency/10, Latency + Latency/10).
const LatencyJitter = 0.1

// latency delays every answer, as a server far away would.
type latency struct {
	base   time.Duration
	spread int64 // width of the jitter, in nanoseconds: 2·base·LatencyJitter

	mu  sync.Mutex
	rng *rand.Rand
}

// newLatency returns the delay of answers of d, or nil when d is not
// positive.
func newLatency(d time.Duration, seed int64) *latency {
	if d <= 0 {
		return nil
	}
	return &latency{
		base:   d,
		spread: int64(2 * LatencyJitter * float64(d)),
		rng:    rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x9e3779b97f4a7c15)),
	}
}

// next returns the delay of the next answer.
func (l *latency) next() time.Duration {
	if l.spread <= 0 {
		return l.base
	}
	l.mu.Lock()
	j := l.rng.Int64N(l.spread)
	l.mu.Unlock()
	return l.base - time.Duration(l.spread/2) + time.Duration(j)
}

// delay holds an answer back by the emulator's latency and reports whether
// the client is still there to receive it.
func (e *Emulator) delay(ctx context.Context) bool {
	if e.latency == nil {
		return true
	}
	e.sleep(ctx, e.latency.next())
	return ctx.Err() == nil
}
