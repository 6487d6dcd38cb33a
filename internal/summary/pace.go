package summary

import (
	"fmt"
	"math"
	"strconv"
	"time"
)

// Bounds of a run's pace: what kept it from going faster (the worker
// pool's words).
const (
	BoundRate      = "rate"
	BoundWorkers   = "workers"
	BoundThrottled = "throttled"
)

// Pace is what bound a run's rate, as its pool saw it. A run that sent
// nothing, and a report, have none.
type Pace struct {
	Bound          string        // BoundRate, BoundWorkers or BoundThrottled
	AskedRate      float64       // requests a second asked; 0: no limit
	EffectiveRate  float64       // requests a second the run kept
	Workers        int           // workers let send at the end
	MaxWorkers     int           // their ceiling: --max-workers, or --workers when fixed
	Adaptive       bool          // the workers followed the latency
	PeakInFlight   int           // most requests in flight at once (0: not watched, --rate 0)
	P50, P95       time.Duration // latency of the last answers (0: not watched)
	ThrottledAbove float64       // the API throttled above this rate; 0: never
	SuggestedRate  float64       // the --rate to try next time; 0 unless throttled
}

// Line is the pace for people, one line:
//
//	pace: 99.8 requests/s, the rate asked (100/s); 14 workers, latency p50 100ms, p95 109ms
//	pace: 38.1 requests/s of 100/s asked: bound by 4 workers at the API's latency (p50 100ms, p95 109ms); give more --workers, or none to let the pool grow
//	pace: 45.2 requests/s of 200/s asked: the API throttled above about 48/s; next time try --rate 45
func (p *Pace) Line() string {
	eff := "pace: " + strconv.FormatFloat(math.Round(p.EffectiveRate*10)/10, 'f', -1, 64) + " requests/s"
	asked := strconv.FormatFloat(p.AskedRate, 'f', -1, 64) + "/s"
	latency := ""
	if p.P50 > 0 {
		latency = fmt.Sprintf("p50 %s, p95 %s", RoundLatency(p.P50), RoundLatency(p.P95))
	}
	switch p.Bound {
	case BoundThrottled:
		return fmt.Sprintf("%s of %s asked: the API throttled above about %.0f/s; next time try --rate %.0f",
			eff, asked, p.ThrottledAbove, p.SuggestedRate)
	case BoundRate:
		l := eff + ", the rate asked (" + asked + "); " + strconv.Itoa(p.Workers) + " workers"
		if latency != "" {
			l += ", latency " + latency
		}
		return l
	}
	l := eff
	if p.AskedRate > 0 {
		l += " of " + asked + " asked"
	} else {
		l += ", no rate asked"
	}
	l += ": bound by " + strconv.Itoa(p.Workers) + " workers"
	if latency != "" {
		l += " at the API's latency (" + latency + ")"
	}
	switch {
	case p.AskedRate == 0:
		return l
	case p.Adaptive:
		return l + "; raise --max-workers"
	}
	return l + "; give more --workers, or none to let the pool grow"
}

// RoundLatency rounds a latency for people: to the millisecond, or to the
// tenth of one below 10ms.
func RoundLatency(d time.Duration) time.Duration {
	if d < 10*time.Millisecond {
		return d.Round(100 * time.Microsecond)
	}
	return d.Round(time.Millisecond)
}

// paceJSON is the JSON of a Pace.
type paceJSON struct {
	Bound          string  `json:"bound"`
	AskedRate      float64 `json:"asked_rate"`
	EffectiveRate  float64 `json:"effective_rate"`
	Workers        int     `json:"workers"`
	MaxWorkers     int     `json:"max_workers"`
	Adaptive       bool    `json:"adaptive"`
	PeakInFlight   int     `json:"peak_in_flight"`
	LatencyP50ms   float64 `json:"latency_p50_ms"`
	LatencyP95ms   float64 `json:"latency_p95_ms"`
	ThrottledAbove float64 `json:"throttled_above"`
	SuggestedRate  float64 `json:"suggested_rate"`
}

func (p *Pace) document() *paceJSON {
	if p == nil {
		return nil
	}
	ms := func(d time.Duration) float64 { return round3(float64(d) / float64(time.Millisecond)) }
	return &paceJSON{
		Bound: p.Bound, AskedRate: round3(p.AskedRate), EffectiveRate: round3(p.EffectiveRate),
		Workers: p.Workers, MaxWorkers: p.MaxWorkers, Adaptive: p.Adaptive, PeakInFlight: p.PeakInFlight,
		LatencyP50ms: ms(p.P50), LatencyP95ms: ms(p.P95),
		ThrottledAbove: round3(p.ThrottledAbove), SuggestedRate: p.SuggestedRate,
	}
}
