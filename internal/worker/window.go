package worker

import (
	"math"
	"time"
)

// maxWindow bounds the attempts a window remembers: above it (over a
// million requests a second) no window is kept.
const maxWindow = 1 << 20

// window keeps any rolling span (a second and a margin) from holding more
// than its size of attempt starts. The token bucket keeps the average rate,
// but a worker that wakes late from its wait starts together with the next
// ones, and the bucket cannot see that; the window can, since it remembers
// when each of the last size attempts actually started, and turns an
// attempt away until the one size places before it is more than a span
// ago.
//
// Starts are recorded when they happen, under the Pacer's lock, so they are
// in order: any size+1 consecutive starts span at least span, and no
// half-open interval of length span holds more than size of them. A window
// is not safe for concurrent use.
type window struct {
	span  time.Duration // a second, plus a margin for jitter on the way to the server
	start []time.Time   // ring of the last len(start) attempt starts
	n     int           // attempts started
}

// newWindow returns a window of floor(perSecond + burst) attempts a span,
// or nil when none is needed (no limit, or a limit beyond maxWindow).
func newWindow(perSecond float64, burst int, span time.Duration) *window {
	size := math.Floor(perSecond + float64(burst))
	if perSecond <= 0 || math.IsInf(perSecond, 1) || size > maxWindow {
		return nil
	}
	return &window{span: span, start: make([]time.Time, max(int(size), 1))}
}

// admit records an attempt starting at now and returns true, or, when that
// would put one start too many in a span, records nothing and returns the
// earliest time it may start.
func (w *window) admit(now time.Time) (time.Time, bool) {
	slot := w.n % len(w.start)
	if w.n >= len(w.start) {
		if earliest := w.start[slot].Add(w.span); now.Before(earliest) {
			return earliest, false
		}
	}
	w.start[slot] = now
	w.n++
	return now, true
}
