package runner

import (
	"math"
	"sync/atomic"

	"github.com/pcsync/pcsync/internal/summary"
	"github.com/pcsync/pcsync/internal/worker"
)

// newPool is the pool of opt sending through client, its pace reported to
// sum: progress reads it while the run sends (sum.PaceOf), the summary at
// the end (sum.Pace).
func newPool(client worker.Caller, opt worker.Options, sum *summary.Summary) *worker.Pool {
	var last atomic.Pointer[worker.Pace]
	opt.OnPace = func(p worker.Pace) { last.Store(&p) }
	sum.PaceOf = func(perSecond float64) *summary.Pace {
		if p := last.Load(); p != nil {
			return paceOf(p, perSecond)
		}
		return nil
	}
	return worker.New(client, opt)
}

// paceOf is what the summary says of p, the pace of a run that kept
// perSecond requests a second.
func paceOf(p *worker.Pace, perSecond float64) *summary.Pace {
	sp := &summary.Pace{
		Bound: p.Bound(perSecond), EffectiveRate: perSecond,
		Workers: p.Workers, MaxWorkers: p.MaxWorkers, Adaptive: p.Adaptive,
		PeakInFlight: p.PeakInFlight, P50: p.P50, P95: p.P95,
		ThrottledAbove: p.ThrottledAbove,
	}
	if !math.IsInf(p.Asked, 1) {
		sp.AskedRate = p.Asked
	}
	if p.ThrottledAbove > 0 {
		sp.SuggestedRate = worker.SuggestedRate(p.ThrottledAbove)
	}
	return sp
}
