package worker

import (
	"context"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Pacer spaces out every attempt of the whole pool, retries included, and
// lets one throttled answer hold the whole pool back.
//
// The average rate comes from a token bucket (x/time/rate) that keeps its
// schedule: every attempt reserves the next slot, n/rate after the start,
// and sleeps until it, so a late wake-up delays that attempt only, never the
// ones after it. A window then makes sure that no rolling second holds more
// than rate + burst attempt starts, which late wake-ups bunching with the
// next slots could otherwise exceed.
type Pacer struct {
	lim   *rate.Limiter
	win   *window // nil when unlimited
	now   func() time.Time
	sleep SleepFunc

	unlimited bool        // no rate: only pauses hold attempts back
	paused    atomic.Bool // PauseFor was called: until must be read

	mu    sync.Mutex
	until time.Time // no attempt starts before this

	slot sync.Mutex // guards win
}

// WindowMargin is added to the second over which the Pacer counts attempt
// starts: what arrives at the server a little later or earlier than it
// left (scheduling, the network) must still fit in any rolling second.
const WindowMargin = 5 * time.Millisecond

// NewPacer returns a pacer allowing perSecond attempts a second on average
// (0 or less: no limit) with bursts of up to burst attempts.
func NewPacer(perSecond float64, burst int) *Pacer {
	limit := rate.Inf
	if perSecond > 0 && !math.IsInf(perSecond, 1) {
		limit = rate.Limit(perSecond)
	}
	burst = max(burst, 1)
	return &Pacer{
		unlimited: limit == rate.Inf,
		lim:       rate.NewLimiter(limit, burst),
		win:       newWindow(float64(limit), burst, time.Second+WindowMargin),
		now:       time.Now,
		sleep:     Sleep,
	}
}

// WithClock makes the pacer's pauses read now and wait with sleep (tests
// inject a fake clock); it returns p.
func (p *Pacer) WithClock(now func() time.Time, sleep SleepFunc) *Pacer {
	p.now, p.sleep = now, sleep
	return p
}

// Wait blocks until the next attempt may start, or until ctx is done.
func (p *Pacer) Wait(ctx context.Context) error {
	for p.paused.Load() {
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
	if err := ctx.Err(); err != nil || p.unlimited {
		return err
	}
	now := p.now()
	r := p.lim.ReserveN(now, 1)
	if err := p.sleep(ctx, r.DelayFrom(now)); err != nil {
		r.CancelAt(p.now()) // give the slot back
		return err
	}
	if p.win == nil {
		return nil
	}
	for {
		p.slot.Lock()
		at, ok := p.win.admit(p.now())
		p.slot.Unlock()
		if ok {
			return nil
		}
		if err := p.sleep(ctx, at.Sub(p.now())); err != nil {
			return err
		}
	}
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
	p.paused.Store(true)
}

// Limit returns the pacer's rate in attempts per second (+Inf when
// unlimited).
func (p *Pacer) Limit() float64 { return float64(p.lim.Limit()) }
