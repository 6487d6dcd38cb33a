package worker

import (
	"math"
	"time"
)

// maxWindow bounds the attempts a window remembers: above it (over a
// million requests a second) no window is kept.
const maxWindow = 1 << 20

// window keeps any rolling span (a second and a margin) from holding more
// than its size of requests reaching the network. The token bucket keeps
// the average rate, but an attempt does not reach the network the moment
// it starts: a worker that wakes late from its wait starts together with
// the next ones, and a request waits for a connection to be dialled, for
// the goroutine that writes it, for the operating system. The bucket sees
// none of that; the window does.
//
// It knows each request reached the network somewhere between its start
// (admit) and the moment it was written (wrote): the requests that may
// fall in the span before an attempt starting now are those still being
// written and those written less than a span ago, and an attempt is turned
// away while they are size already. Then no span of arrival times can hold
// more than size requests: in any span, the request that started last
// found all the others there, since each of them started before it and was
// written after the span began.
//
// Writes are recorded under the Pacer's lock with the time read under it,
// so they are in order. A window is not safe for concurrent use.
type window struct {
	span    time.Duration // a second, plus a margin for what happens after the write
	size    int           // at most len(wrote)
	writing int           // admitted, not yet written
	wrote   []time.Time   // ring of write times, oldest at head, n of them
	head, n int
}

// newWindow returns a window of windowSize(perSecond, burst) requests a
// span, or nil when none is needed (no limit, or a limit beyond
// maxWindow). Its size may later shrink (setSize), never grow past that.
func newWindow(perSecond float64, burst int, span time.Duration) *window {
	if perSecond <= 0 || math.IsInf(perSecond, 1) || perSecond+float64(burst) > maxWindow {
		return nil
	}
	n := windowSize(perSecond, burst)
	return &window{span: span, size: n, wrote: make([]time.Time, n)}
}

// windowSize is how many requests a span may hold at perSecond with
// burst: floor(perSecond + burst − 1), at least 1. With a burst of 1 no
// rolling second holds more than the rate; each unit of burst above 1
// lets it hold one more.
func windowSize(perSecond float64, burst int) int {
	return max(int(math.Floor(perSecond+float64(burst-1))), 1)
}

// setSize changes the window's size to n, within [1, the size it was made
// with]. A smaller size turns attempts away until enough writes leave the
// span.
func (w *window) setSize(n int) {
	w.size = min(max(n, 1), len(w.wrote))
}

// admit starts an attempt at now and returns true, or, when that could put
// one request too many in a span, records nothing and returns the time a
// write leaves the span, or the zero time when every request in the span
// is still being written (the next write is then what to wait for).
func (w *window) admit(now time.Time) (time.Time, bool) {
	for w.n > 0 {
		gone := w.wrote[w.head].Add(w.span)
		if now.Before(gone) {
			break
		}
		w.head = (w.head + 1) % len(w.wrote)
		w.n--
	}
	if w.writing+w.n >= w.size {
		if w.n == 0 {
			return time.Time{}, false
		}
		return w.wrote[w.head].Add(w.span), false
	}
	w.writing++
	return now, true
}

// written records that an admitted attempt's request was written at now
// (or that the attempt ended without writing it).
func (w *window) written(now time.Time) {
	w.writing--
	// writing+n never exceeds size, so the ring has room.
	w.wrote[(w.head+w.n)%len(w.wrote)] = now
	w.n++
}
