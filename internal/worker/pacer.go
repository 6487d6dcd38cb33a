package worker

import (
	"context"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Pacer spaces out every attempt of the whole pool, retries included, and
// lets one throttled answer hold the whole pool back.
type Pacer struct {
	lim   *rate.Limiter
	now   func() time.Time
	sleep SleepFunc

	mu    sync.Mutex
	until time.Time // no attempt starts before this
}

// NewPacer returns a pacer allowing perSecond attempts a second on average
// (0 or less: no limit) with bursts of up to burst attempts.
func NewPacer(perSecond float64, burst int) *Pacer {
	limit := rate.Inf
	if perSecond > 0 && !math.IsInf(perSecond, 1) {
		limit = rate.Limit(perSecond)
	}
	return &Pacer{lim: rate.NewLimiter(limit, max(burst, 1)), now: time.Now, sleep: Sleep}
}

// WithClock makes the pacer's pauses read now and wait with sleep (tests
// inject a fake clock); it returns p.
func (p *Pacer) WithClock(now func() time.Time, sleep SleepFunc) *Pacer {
	p.now, p.sleep = now, sleep
	return p
}

// Wait blocks until the next attempt may start, or until ctx is done.
func (p *Pacer) Wait(ctx context.Context) error {
	for {
		p.mu.Lock()
		d := p.until.Sub(p.now())
		p.mu.Unlock()
		if d <= 0 {
			break
		}
		if err := p.sleep(ctx, d); err != nil {
			return err
		}
	}
	return p.lim.Wait(ctx)
}

// PauseFor holds every attempt back for d from now, unless a longer pause
// is already in force.
func (p *Pacer) PauseFor(d time.Duration) {
	t := p.now().Add(d)
	p.mu.Lock()
	if t.After(p.until) {
		p.until = t
	}
	p.mu.Unlock()
}

// Limit returns the pacer's rate in attempts per second (+Inf when
// unlimited).
func (p *Pacer) Limit() float64 { return float64(p.lim.Limit()) }
