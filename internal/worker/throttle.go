package worker

import (
	"math"
	"time"
)

// A rate that follows throttling: when the API answers 429 (or 503 with a
// Retry-After) the Pacer's rate is cut, and grown back toward the rate
// asked, which it never exceeds. The controller is a plain value, fed the
// time and what the API accepted; the Pacer applies the rate it returns.
//
// Each throttling answer (the first of a volley: those whose attempt
// started before the last cut say nothing new) is taken to show the API's
// limit: the answers it accepted over the last second (no more than the
// rate then), or, less than a second after the pause of the last cut,
// when fewer were accepted than ThrottleCut of the limit seen before,
// that. Once the pause the answer asked for is
// over, the rate, cut to ThrottleCut of that limit, ramps to ThrottleCruise
// of it over ThrottleRamp, holds there, and then probes above it by
// ThrottleProbe of it a second, in case the limit rose. Each probe that
// finds the limit costs a pause, so the hold is ten pauses, and at least
// ThrottleHold; it doubles, up to ThrottleMaxHold (or ten pauses), each
// time the API throttles again about where it did before (within a
// tenth), so that a steady limit costs fewer and fewer refusals and
// pauses.
const (
	ThrottleCut     = 0.85
	ThrottleCruise  = 0.95
	ThrottleRamp    = 2 * time.Second
	ThrottleHold    = 5 * time.Second
	ThrottleMaxHold = 80 * time.Second
	ThrottleProbe   = 0.02
)

// throttle is the rate controller of a Pacer with a rate.
type throttle struct {
	ceiling float64 // the rate asked

	limit  float64       // the API's limit as last seen; 0 before any throttling
	cutAt  time.Time     // when the rate was last cut: the end of the pause it came with
	hold   time.Duration // how long the rate cruises after the ramp
	events int           // cuts so far
}

// cut records a throttling answer at now, which holds the pool back for
// pause, to an attempt started at started, when the API had accepted
// accepted answers over the last second, and reports whether it cut the
// rate.
func (t *throttle) cut(now, started time.Time, accepted float64, pause time.Duration) bool {
	if !t.cutAt.IsZero() && started.Before(t.cutAt) {
		return false // sent before the last cut ended its pause: the same volley
	}
	// What the API accepted, but never more than the pool was let send.
	// Less than a second after a pause the count is of part of a second:
	// the limit is then taken to have fallen by ThrottleCut at most.
	seen := min(accepted, t.at(now))
	if !t.cutAt.IsZero() && now.Sub(t.cutAt) < time.Second {
		seen = max(seen, ThrottleCut*t.limit)
	}
	if seen <= 0 {
		seen = ThrottleCut * t.at(now)
	}
	base := max(ThrottleHold, 10*pause)
	switch {
	case t.limit != 0 && seen >= 0.9*t.limit && seen <= 1.1*t.limit:
		t.hold = max(min(2*t.hold, max(ThrottleMaxHold, base)), base)
	default:
		t.hold = base
	}
	t.limit, t.cutAt = seen, now.Add(pause)
	t.events++
	return true
}

// at returns the rate at now: the ceiling until the API throttles, then
// the ramp, the cruise and the probe after the last cut.
func (t *throttle) at(now time.Time) float64 {
	if t.limit == 0 {
		return t.ceiling
	}
	d := now.Sub(t.cutAt)
	low, cruise := ThrottleCut*t.limit, ThrottleCruise*t.limit
	var r float64
	switch {
	case d < ThrottleRamp:
		r = low + (cruise-low)*max(d, 0).Seconds()/ThrottleRamp.Seconds()
	case d < ThrottleRamp+t.hold:
		r = cruise
	default:
		r = cruise + ThrottleProbe*t.limit*(d-ThrottleRamp-t.hold).Seconds()
	}
	return math.Min(r, t.ceiling)
}

// acceptedBuckets split the last second of accepted answers: the count
// is of the last 0.99 to 1 s, so it overstates what a second held by
// nothing (a coarser bucket would by up to its width).
const acceptedBuckets = 100

// accepted counts the answers the API accepted over the last second, in
// buckets of a hundredth of a second.
type accepted struct {
	n     [acceptedBuckets]int
	stamp [acceptedBuckets]int64 // the bucket's index since the epoch
}

const acceptedBucket = time.Second / acceptedBuckets

// add counts one accepted answer at now.
func (a *accepted) add(now time.Time) {
	b := now.UnixNano() / int64(acceptedBucket)
	i := b % acceptedBuckets
	if a.stamp[i] != b {
		a.stamp[i], a.n[i] = b, 0
	}
	a.n[i]++
}

// lastSecond returns the answers counted over the second before now.
func (a *accepted) lastSecond(now time.Time) float64 {
	b := now.UnixNano() / int64(acceptedBucket)
	total := 0
	for i := range a.n {
		if s := a.stamp[i]; s > b-acceptedBuckets && s <= b {
			total += a.n[i]
		}
	}
	return float64(total)
}
