package worker

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// attemptTimer bounds a worker's attempts, one after the other, to a
// timeout. It stands in for a context.WithTimeout per attempt, which costs a
// context, a timer, a channel and the map in which net/http registers its
// own context under it, request after request (about 4% of pcsync's CPU at
// --rate 0): here one context and one timer serve attempt after attempt,
// and only an attempt that runs out of time costs a new context.
//
// The context an attempt gets is cancelled, with context.DeadlineExceeded
// as its cause, when the attempt outlives the timeout; it carries no
// Deadline (net/http does not read one: only http.Client.Timeout does).
// An attemptTimer is used by one goroutine at a time.
type attemptTimer struct {
	base    context.Context // the worker's context, without its cancellation
	timeout time.Duration

	mu       sync.Mutex
	timer    *time.Timer // runs expire; nil until the first attempt
	ctx      context.Context
	cancel   context.CancelCauseFunc
	deadline time.Time // of the attempt under way
	running  bool      // between begin and end
	expired  bool      // the attempt under way ran out of time
}

// newAttemptTimer returns the timer of attempts made on behalf of ctx: their
// context keeps ctx's values but not its cancellation, so that a request
// already sent is not cut short when the run stops. A timeout of 0 bounds
// nothing.
func newAttemptTimer(ctx context.Context, timeout time.Duration) *attemptTimer {
	return &attemptTimer{base: context.WithoutCancel(ctx), timeout: timeout}
}

// begin starts an attempt and returns its context.
func (a *attemptTimer) begin() context.Context {
	if a.timeout <= 0 {
		return a.base
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.ctx == nil || a.ctx.Err() != nil {
		a.ctx, a.cancel = context.WithCancelCause(a.base)
	}
	a.running, a.expired = true, false
	a.deadline = time.Now().Add(a.timeout)
	if a.timer == nil {
		a.timer = time.AfterFunc(a.timeout, a.expire)
	} else {
		a.timer.Reset(a.timeout)
	}
	return a.ctx
}

// end ends the attempt begun last and returns err, or, when the attempt ran
// out of time and failed, an error that is context.DeadlineExceeded
// whatever the transport made of the cancellation.
func (a *attemptTimer) end(err error) error {
	if a.timeout <= 0 {
		return err
	}
	a.mu.Lock()
	a.running = false
	a.timer.Stop()
	expired := a.expired
	a.mu.Unlock()
	if expired && err != nil && !errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("%w: %w", context.DeadlineExceeded, err)
	}
	return err
}

// stop releases the timer.
func (a *attemptTimer) stop() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.timer != nil {
		a.timer.Stop()
	}
	if a.cancel != nil {
		a.cancel(context.Canceled)
	}
}

// expire is the timer's function: it cancels the attempt under way if that
// attempt's time is up. A firing meant for an earlier attempt (the timer
// was being reset as it fired) finds the attempt ended or its deadline
// still ahead, and does nothing.
func (a *attemptTimer) expire() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.running || time.Now().Before(a.deadline) {
		return
	}
	a.expired = true
	a.cancel(context.DeadlineExceeded)
}
