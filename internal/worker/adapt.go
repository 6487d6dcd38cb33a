package worker

import (
	"context"
	"io"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/proc"
)

// Pace is what a pool sees of its own pace: what bound it, and why.
type Pace struct {
	Asked        float64       // the rate asked for, attempts a second (+Inf: none)
	Rate         float64       // the rate the pacer keeps now (+Inf: none)
	Workers      int           // workers let send now
	MaxWorkers   int           // their ceiling (Workers when the pool is fixed)
	Adaptive     bool          // the workers follow the latency (Options.MaxWorkers)
	PeakInFlight int           // most requests in flight at once (runs with a rate only)
	P50, P95     time.Duration // latency of recent answers (runs with a rate only)

	ThrottledAbove float64 // the API's limit as the pacer last saw it; 0 when it never throttled
	Throttles      int     // how many times the pacer cut its rate
}

// Bounds of a run's pace: what kept it from going faster.
const (
	BoundRate      = "rate"      // the rate asked
	BoundWorkers   = "workers"   // the workers, at the API's latency
	BoundThrottled = "throttled" // the API's throttling
)

// Bound says what bound a run that kept perSecond requests a second:
// the API's throttling when it throttled; the rate asked when the run kept
// it (within 5%), or when the pool could still have grown; else the
// workers.
func (p Pace) Bound(perSecond float64) string {
	switch {
	case p.ThrottledAbove > 0:
		return BoundThrottled
	case math.IsInf(p.Asked, 1) || p.Asked <= 0:
		return BoundWorkers
	case perSecond >= 0.95*p.Asked || p.Workers < p.MaxWorkers:
		return BoundRate
	}
	return BoundWorkers
}

// SuggestedRate is the --rate to ask next time of an API that throttled
// above limit: a twentieth below it, in whole requests, at least 1.
func SuggestedRate(limit float64) float64 { return max(1, math.Floor(0.95*limit)) }

// tracked reports whether a Run watches its pace: its pacer has a rate.
// Such a run's workers follow the latency when Options.MaxWorkers is
// above Workers.
func (p *Pool) tracked() bool {
	lim := p.opt.Pacer.Asked()
	return !math.IsInf(lim, 1) && lim > 0
}

// adapt is what an adaptive Run keeps to size its workers.
type adapt struct {
	opt   Options
	sizer sizer
	gate  *gate
	lat   latencies
	busy  []atomic.Int64 // per worker: when its attempt under way started (UnixNano), 0 when none

	inFlight, peak atomic.Int64

	done     chan struct{} // closed once the feed ran dry
	doneOnce sync.Once

	spawned int // workers started: the control loop's
}

func newAdapt(opt Options) *adapt {
	return &adapt{
		opt:   opt,
		sizer: sizer{lo: opt.Workers, hi: max(opt.MaxWorkers, opt.Workers)},
		gate:  newGate(opt.Workers),
		busy:  make([]atomic.Int64, max(opt.MaxWorkers, opt.Workers)),
		done:  make(chan struct{}),
	}
}

// run starts the first Workers workers in g, and the control loop that
// starts more when the rate needs them (and reports the pace).
func (a *adapt) run(ctx context.Context, g *errgroup.Group, work func(i int) error) {
	for i := range a.opt.Workers {
		g.Go(func() error { return work(i) })
	}
	a.spawned = a.opt.Workers
	g.Go(func() error {
		defer proc.PanicCleanup()
		t := time.NewTimer(AdjustEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return nil
			case <-a.done:
				return nil
			case <-t.C:
			}
			limit := a.adjust(a.opt.Now())
			for ; a.spawned < limit; a.spawned++ {
				i := a.spawned
				g.Go(func() error { return work(i) })
			}
			if a.opt.OnPace != nil {
				a.opt.OnPace(a.pace())
			}
			t.Reset(AdjustEvery)
		}
	})
}

// adjust sets the gate's limit from what was observed by now, and returns
// it.
func (a *adapt) adjust(now time.Time) int {
	_, p95 := a.lat.quantiles()
	var oldest time.Duration
	for i := range a.spawned {
		if at := a.busy[i].Load(); at != 0 {
			oldest = max(oldest, now.Sub(time.Unix(0, at)))
		}
	}
	limit := a.sizer.next(int(a.gate.limit.Load()), a.opt.Pacer.Limit(), p95, oldest)
	a.gate.set(limit)
	return limit
}

// finish tells the workers waiting at the gate, and the control loop, that
// the feed ran dry.
func (a *adapt) finish() {
	a.doneOnce.Do(func() {
		close(a.done)
		a.gate.close()
	})
}

// begin records that a worker's attempt starts at now, and returns now.
func (a *adapt) begin(busy *atomic.Int64, now time.Time) time.Time {
	busy.Store(now.UnixNano())
	n := a.inFlight.Add(1)
	for {
		p := a.peak.Load()
		if n <= p || a.peak.CompareAndSwap(p, n) {
			break
		}
	}
	return now
}

// end records that a worker's attempt ended after took; an answer (status
// not 0) counts in the latency.
func (a *adapt) end(busy *atomic.Int64, status int, took time.Duration) {
	busy.Store(0)
	a.inFlight.Add(-1)
	if status != 0 {
		a.lat.add(took)
	}
}

// pace is the adaptive run's Pace.
func (a *adapt) pace() Pace {
	p50, p95 := a.lat.quantiles()
	pc := Pace{
		Asked: a.opt.Pacer.Asked(), Rate: a.opt.Pacer.Limit(),
		Workers: int(a.gate.limit.Load()), MaxWorkers: a.sizer.hi, Adaptive: a.sizer.hi > a.sizer.lo,
		PeakInFlight: int(a.peak.Load()), P50: p50, P95: p95,
	}
	pc.ThrottledAbove, pc.Throttles = a.opt.Pacer.Throttling()
	return pc
}

// pace is the Run's Pace.
func (rn *run) pace() Pace {
	if rn.adapt != nil {
		return rn.adapt.pace()
	}
	pc := Pace{Asked: rn.opt.Pacer.Asked(), Rate: rn.opt.Pacer.Limit(), Workers: rn.opt.Workers, MaxWorkers: rn.opt.Workers}
	pc.ThrottledAbove, pc.Throttles = rn.opt.Pacer.Throttling()
	return pc
}

// work is worker i of an adaptive Run: it takes tasks while the gate lets
// it, and waits at the gate while it does not.
func (rn *run) work(ctx context.Context, i int, next func() (job.Task, error), emit func(job.Result) error) error {
	timer := newAttemptTimer(ctx, rn.opt.Timeout)
	defer timer.stop()
	a := rn.adapt
	for {
		// Once the run stops every worker takes tasks, to mark them
		// skipped.
		if !a.gate.open(i) && ctx.Err() == nil && !a.gate.wait(ctx, i) {
			return nil
		}
		t, err := next()
		if err == io.EOF {
			a.finish()
			return nil
		}
		if err != nil {
			return err
		}
		if err := emit(rn.do(ctx, &t, timer, &a.busy[i])); err != nil {
			return err
		}
	}
}
