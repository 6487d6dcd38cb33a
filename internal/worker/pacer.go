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
// than rate + burst requests reaching the network, which late wake-ups,
// dials and goroutines bunching requests together could otherwise exceed:
// it counts each request from the start of its attempt until it is
// written (see window).
type Pacer struct {
	lim   *rate.Limiter
	win   *window // nil when unlimited
	now   func() time.Time
	sleep SleepFunc

	unlimited bool        // no rate: only pauses hold attempts back
	asked     float64     // the rate asked: +Inf when unlimited
	paused    atomic.Bool // PauseFor was called: until must be read

	mu    sync.Mutex
	until time.Time // no attempt starts before this

	slot  sync.Mutex    // guards win and freed
	freed chan struct{} // closed at the next write, when someone waits for one

	// The rate that follows throttling (throttle.go); thr is nil when
	// unlimited.
	burst     int
	following atomic.Bool // the rate is below the one asked: Start asks thr
	thrMu     sync.Mutex  // guards thr and acc
	thr       *throttle
	acc       accepted
}

// Send is an attempt the Pacer let start: Sent must be called once its
// request is written, or once the attempt is over, whichever comes first
// (later calls do nothing). A nil *Send is an attempt of an unlimited
// Pacer, which need not say.
type Send struct {
	p    *Pacer
	at   time.Time // when the attempt started
	done atomic.Bool
}

// Sent records that the attempt's request was written: from now on it
// counts in the span it reached the network in, not in every span from its
// start on.
func (s *Send) Sent() {
	if s == nil || s.done.Swap(true) {
		return
	}
	p := s.p
	p.slot.Lock()
	p.win.written(p.now())
	if p.freed != nil {
		close(p.freed)
		p.freed = nil
	}
	p.slot.Unlock()
}

// WindowMargin is added to the second over which the Pacer counts requests:
// what happens after a request is known written (the system call that
// hands it to the network, the network itself) may bring it to the server
// a little later, and it must still fit in any rolling second.
const WindowMargin = 2 * time.Millisecond

// NewPacer returns a pacer allowing perSecond attempts a second on average
// (0 or less: no limit) with bursts of up to burst attempts.
func NewPacer(perSecond float64, burst int) *Pacer {
	limit := rate.Inf
	if perSecond > 0 && !math.IsInf(perSecond, 1) {
		limit = rate.Limit(perSecond)
	}
	burst = max(burst, 1)
	p := &Pacer{
		unlimited: limit == rate.Inf,
		asked:     math.Inf(1),
		lim:       rate.NewLimiter(limit, burst),
		win:       newWindow(float64(limit), burst, time.Second+WindowMargin),
		now:       time.Now,
		sleep:     Sleep,
		burst:     burst,
	}
	if !p.unlimited {
		p.asked = float64(limit)
		p.thr = &throttle{ceiling: float64(limit)}
	}
	return p
}

// WithClock makes the pacer's pauses read now and wait with sleep (tests
// inject a fake clock); it returns p.
func (p *Pacer) WithClock(now func() time.Time, sleep SleepFunc) *Pacer {
	p.now, p.sleep = now, sleep
	return p
}

// Wait blocks until the next attempt may start, or until ctx is done, for
// an attempt whose request is written at once: it is Start, then Sent.
func (p *Pacer) Wait(ctx context.Context) error {
	s, err := p.Start(ctx)
	s.Sent()
	return err
}

// Start blocks until the next attempt may start, or until ctx is done, and
// returns the attempt's Send (nil when the Pacer is unlimited, or on
// error).
func (p *Pacer) Start(ctx context.Context) (*Send, error) {
	for p.paused.Load() {
		p.mu.Lock()
		d := p.until.Sub(p.now())
		p.mu.Unlock()
		if d <= 0 {
			break
		}
		if err := p.sleep(ctx, d); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil || p.unlimited {
		return nil, err
	}
	now := p.now()
	if p.following.Load() {
		p.follow(now)
	}
	r := p.lim.ReserveN(now, 1)
	if err := p.sleep(ctx, r.DelayFrom(now)); err != nil {
		r.CancelAt(p.now()) // give the slot back
		return nil, err
	}
	if p.win == nil {
		return nil, nil
	}
	for {
		p.slot.Lock()
		at, ok := p.win.admit(p.now())
		var freed chan struct{}
		if !ok && at.IsZero() {
			if p.freed == nil {
				p.freed = make(chan struct{})
			}
			freed = p.freed
		}
		p.slot.Unlock()
		switch {
		case ok:
			return &Send{p: p, at: at}, nil
		case freed != nil: // every request in the span is being written
			select {
			case <-freed:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		default:
			if err := p.sleep(ctx, at.Sub(p.now())); err != nil {
				return nil, err
			}
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

// Accepted records that the API accepted an attempt's request (an answer
// that is not a throttling one): the rate that follows throttling reads how
// many it accepted over the last second. s is the attempt's Send.
func (s *Send) Accepted() {
	if s == nil {
		return
	}
	p := s.p
	now := p.now()
	p.thrMu.Lock()
	p.acc.add(now)
	p.thrMu.Unlock()
}

// Throttled records that the API answered the attempt of s with 429, or
// 503 with a Retry-After, and that the pool pauses for pause: the first
// such answer of a volley cuts the rate (see throttle). s is the attempt's
// Send.
func (s *Send) Throttled(pause time.Duration) {
	if s == nil {
		return
	}
	p := s.p
	now := p.now()
	p.thrMu.Lock()
	cut := p.thr.cut(now, s.at, p.acc.lastSecond(now), pause)
	p.thrMu.Unlock()
	if cut {
		p.following.Store(true)
		p.follow(now)
	}
}

// follow sets the rate to what the throttling controller says at now.
func (p *Pacer) follow(now time.Time) {
	p.thrMu.Lock()
	defer p.thrMu.Unlock()
	r := p.thr.at(now)
	if r >= p.thr.ceiling {
		p.following.Store(false)
	}
	if r == float64(p.lim.Limit()) {
		return
	}
	p.lim.SetLimitAt(now, rate.Limit(r))
	if p.win != nil {
		p.slot.Lock()
		p.win.setSize(windowSize(r, p.burst))
		p.slot.Unlock()
	}
}

// Throttling returns the API's limit as the pacer last saw it (0 when the
// API never throttled) and how many times it cut the rate.
func (p *Pacer) Throttling() (limit float64, cuts int) {
	if p.thr == nil {
		return 0, 0
	}
	p.thrMu.Lock()
	defer p.thrMu.Unlock()
	return p.thr.limit, p.thr.events
}

// Asked returns the rate the pacer was made with, in attempts per second
// (+Inf when unlimited): the ceiling of Limit.
func (p *Pacer) Asked() float64 { return p.asked }
