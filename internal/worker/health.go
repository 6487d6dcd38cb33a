package worker

import (
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// ErrGaveUp stops a run whose every request kept failing for longer than
// Options.GiveUpAfter: the API is down, and hours of retries would not help.
var ErrGaveUp = errors.New("the API kept failing")

// ErrRefused stops a run whose first answers were all 403: the credentials
// are wrong, and every row would fail the same way.
var ErrRefused = errors.New("the API refused every request (403)")

// RefusedAfter is how many answers, all 403 and nothing else, prove the
// credentials wrong.
const RefusedAfter = 5

// health watches the outcome of every attempt of the pool and says when to
// stop.
type health struct {
	giveUpAfter time.Duration
	now         func() time.Time

	// calm is set while nothing needs watching: the first RefusedAfter
	// answers were seen and the last attempt did not fail transiently. An
	// attempt that keeps it so takes no lock.
	calm atomic.Bool

	mu       sync.Mutex
	alive    time.Time // start of the current streak of transient failures (or the start)
	failing  bool      // every attempt since alive failed transiently
	answered int       // answers seen, up to RefusedAfter
	refused  int       // of those, 403s
}

func newHealth(giveUpAfter time.Duration, now func() time.Time) *health {
	return &health{giveUpAfter: giveUpAfter, now: now, alive: now()}
}

// observe records one attempt's outcome and returns a reason to stop the
// whole pool, or nil. transient says whether err is worth retrying.
func (h *health) observe(status int, err error, transient bool) error {
	ok := err == nil || !transient
	if ok && h.calm.Load() {
		return nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if status != 0 && h.answered < RefusedAfter {
		h.answered++
		if status == http.StatusForbidden {
			h.refused++
		}
		if h.answered == RefusedAfter && h.refused == RefusedAfter {
			return fmt.Errorf("%w: check the shop ID and secret", ErrRefused)
		}
	}
	now := h.now()
	if ok {
		h.alive, h.failing = now, false
		h.calm.Store(h.answered >= RefusedAfter)
		return nil
	}
	h.calm.Store(false)
	if !h.failing {
		// The streak starts now: the answers before it were fine.
		h.alive, h.failing = now, true
	}
	if h.giveUpAfter > 0 {
		if d := now.Sub(h.alive); d > h.giveUpAfter {
			return fmt.Errorf("%w for %s (last error: %v)", ErrGaveUp, d.Round(time.Second), err)
		}
	}
	return nil
}
