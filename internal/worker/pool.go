package worker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/pcsync/pcsync/internal/api"
	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/proc"
)

// Options configures a Pool.
type Options struct {
	Workers int           // goroutines sending at once; at least 1
	Timeout time.Duration // bound on one request, answer included; 0 = none
	Retries int           // attempts after the first for a transient failure
	Backoff Backoff       // zero value: DefaultBackoff
	Pacer   *Pacer        // shared by all workers; nil = unlimited

	// MaxWorkers, above Workers with a Pacer that has a rate, makes the
	// pool adaptive: it starts Workers sending and lets up to MaxWorkers
	// send, as many as the rate needs at the latency it observes (see
	// Headroom). Otherwise the pool is fixed at Workers.
	MaxWorkers int
	// OnPace, if set, is told what the pool sees of its pace: each
	// AdjustEvery while an adaptive Run runs, and once as any Run ends.
	OnPace func(Pace)

	// GiveUpAfter stops the pool when every attempt has been failing
	// transiently for this long; 0 = never.
	GiveUpAfter time.Duration

	Sleep  SleepFunc               // backoff waits; nil = Sleep
	Jitter func(limit int64) int64 // nil = uniform random
	Now    func() time.Time        // clock of GiveUpAfter; nil = time.Now
}

// Pool sends tasks through a fixed number of workers. It holds no state of
// a run: it may Run again, and Do may be called from many goroutines, while
// it runs or not.
type Pool struct {
	caller Caller
	opt    Options
}

// run is what one Run, or one Do, keeps of its own.
type run struct {
	*Pool
	// health watches a Run's attempts; nil for Do, which has no run to
	// stop.
	health *health
	stop   context.CancelCauseFunc // stops the Run: nil for Do
	// adapt watches the pace of a Run with a rate, and sizes its workers
	// when they follow the latency; nil otherwise.
	adapt *adapt
}

// New returns a pool that calls c.
func New(c Caller, opt Options) *Pool {
	opt.Workers = max(opt.Workers, 1)
	if opt.Backoff == (Backoff{}) {
		opt.Backoff = DefaultBackoff
	}
	if opt.Pacer == nil {
		opt.Pacer = NewPacer(0, 1)
	}
	if opt.Sleep == nil {
		opt.Sleep = Sleep
	}
	if opt.Jitter == nil {
		opt.Jitter = randJitter
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	return &Pool{caller: c, opt: opt}
}

// Run sends every task feed yields until it returns io.EOF, and hands each
// row's result to emit, which must be safe for concurrent use. The workers
// take turns calling feed.Next, so feed need not be safe for concurrent use;
// each worker pulls its next task itself, with no goroutine in between.
//
// Once ctx is done no new attempt starts and waits are cut short, but
// requests already sent are given their own deadline to finish, so that
// their outcome is known; the tasks feed still yields come out skipped. The
// pool stops itself the same way when the API is dead for longer than
// GiveUpAfter (ErrGaveUp) or refuses the credentials (ErrRefused), and Run
// returns that reason; otherwise the first error feed.Next or emit returns.
func (p *Pool) Run(ctx context.Context, feed Feed, emit func(job.Result) error) error {
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	r := &run{Pool: p, health: newHealth(p.opt.GiveUpAfter, p.opt.Now), stop: stop}
	var mu sync.Mutex
	next := func() (job.Task, error) {
		mu.Lock()
		defer mu.Unlock()
		return feed.Next()
	}
	g, gctx := errgroup.WithContext(ctx)
	if p.tracked() {
		r.adapt = newAdapt(p.opt)
		r.adapt.run(gctx, g, func(i int) error {
			defer proc.PanicCleanup()
			return r.work(gctx, i, next, emit)
		})
	} else {
		for range p.opt.Workers {
			g.Go(func() error {
				defer proc.PanicCleanup()
				timer := newAttemptTimer(gctx, p.opt.Timeout)
				defer timer.stop()
				for {
					t, err := next()
					if err == io.EOF {
						return nil
					}
					if err != nil {
						return err
					}
					if err := emit(r.do(gctx, &t, timer, nil)); err != nil {
						return err
					}
				}
			})
		}
	}
	err := g.Wait()
	if p.opt.OnPace != nil {
		p.opt.OnPace(r.pace())
	}
	if cause := context.Cause(ctx); errors.Is(cause, ErrGaveUp) || errors.Is(cause, ErrRefused) {
		return cause
	}
	return err
}

// Do sends one task, retrying as the options say, and returns its result.
// It is a run of its own, of one task: it does not watch the API's health
// (there is no run to stop: Options.GiveUpAfter and ErrRefused are Run's).
func (p *Pool) Do(ctx context.Context, t *job.Task) job.Result {
	timer := newAttemptTimer(ctx, p.opt.Timeout)
	defer timer.stop()
	return (&run{Pool: p}).do(ctx, t, timer, nil)
}

// do sends one task of the run with the timer of the worker's attempts;
// busy is the worker's slot of an adaptive run (nil otherwise), which holds
// when its attempt under way started.
func (rn *run) do(ctx context.Context, t *job.Task, timer *attemptTimer, busy *atomic.Int64) job.Result {
	r := job.Result{Row: t.Row, Action: t.Job.Action, Job: t.Job}
	for {
		send, err := rn.opt.Pacer.Start(ctx)
		if err != nil {
			return rn.stopped(ctx, r, err)
		}
		r.Attempts++
		var start time.Time
		if busy != nil {
			start = rn.adapt.begin(busy, rn.opt.Now())
		}
		segs, status, err := rn.attempt(timer, send, t)
		if busy != nil {
			rn.adapt.end(busy, status, rn.opt.Now().Sub(start))
		}
		r.HTTPStatus = status
		throttledBy := err != nil && throttled(err)
		if !throttledBy && status != 0 {
			send.Accepted()
		}
		if err == nil {
			if rn.health != nil {
				rn.health.observe(status, nil, false)
			}
			r.Status, r.Error, r.Segments = job.StatusOK, "", segs
			return r
		}
		r.Status, r.Error = job.StatusFailed, rn.describe(err)
		transient := CheckRetry(ctx, err)
		if rn.health != nil {
			if reason := rn.health.observe(status, err, transient); reason != nil {
				rn.stop(reason)
			}
		}
		wait := rn.opt.Backoff.Wait(r.Attempts, retryAfterOf(err), rn.opt.Jitter)
		if throttledBy {
			// The server is overloaded for everyone: hold the whole pool
			// back, even when this row has no retry left, and slow it
			// down.
			rn.opt.Pacer.PauseFor(wait)
			send.Throttled(wait)
		}
		if r.Attempts > rn.opt.Retries || !transient || ctx.Err() != nil {
			r.Error = afterAttempts(r.Error, r.Attempts)
			return r
		}
		if err := rn.opt.Sleep(ctx, wait); err != nil {
			return rn.stopped(ctx, r, err)
		}
	}
}

// attempt makes one request and tells the pacer when it was written (see
// Send). Its context is not the run's: a request already sent runs to its
// answer or its timeout even when the run is stopping.
func (p *Pool) attempt(timer *attemptTimer, s *Send, t *job.Task) ([]api.Segment, int, error) {
	ctx := timer.begin()
	if s != nil {
		ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
			WroteRequest: func(httptrace.WroteRequestInfo) { s.Sent() },
		})
	}
	resp, err := p.caller.Send(ctx, t.Job.Call())
	s.Sent() // not written, or not by net/http: the attempt is over
	var segs []api.Segment
	if resp != nil {
		segs = resp.Segments
	}
	return segs, statusOf(resp, err), timer.end(err)
}

// stopped is the result of a row whose next attempt never started: err is
// why the wait was cut short.
func (p *Pool) stopped(ctx context.Context, r job.Result, err error) job.Result {
	if cause := context.Cause(ctx); cause != nil {
		err = cause
	}
	why := ""
	if !errors.Is(err, context.Canceled) {
		why = " (" + err.Error() + ")"
	}
	if r.Attempts == 0 {
		r.Status, r.Error = job.StatusSkipped, "not sent: the run was stopped"+why
		return r
	}
	r.Error = "stopped before retrying: " + afterAttempts(r.Error, r.Attempts)
	return r
}

// afterAttempts adds to the error text of a row that was sent more than
// once how many attempts it had, such as "service temporarily unavailable
// (after 6 attempts)"; the text of a row sent once is left as it is. The
// summary groups errors without it (see summary.GroupOf).
func afterAttempts(msg string, attempts int) string {
	if attempts <= 1 {
		return msg
	}
	return msg + " (after " + strconv.Itoa(attempts) + " attempts)"
}

// describe turns an attempt's error into the text of the results' error
// column: the server's message, or what happened to the connection. It
// never quotes a URL.
func (p *Pool) describe(err error) string {
	if ae, ok := asAPIError(err); ok {
		msg := ae.Message
		if msg == "" {
			msg = fmt.Sprintf("HTTP %d", ae.StatusCode)
		}
		if errors.Is(ae, api.ErrUnexpectedBody) {
			msg = "answer is not the documented JSON: " + msg
		}
		return msg
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Sprintf("no answer within %s", p.opt.Timeout)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed with no answer"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset with no answer"
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}
