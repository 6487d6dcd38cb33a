// Package summary counts what a run did to its rows, by action and status,
// with the requests it sent and its most frequent error messages, and
// renders that as a table for people and as JSON for schedulers. The same
// Summary serves a run (fed its results as they are written, and read by
// its progress reports meanwhile) and 'pcsync report' (fed the records of a
// results file).
package summary

import (
	"sync/atomic"
	"time"

	"github.com/pcsync/pcsync/internal/job"
)

// NoAction is the action index of rows whose action could not be told (an
// unknown or missing action); it comes after the indexes of job.Actions.
const NoAction = job.NumActions

// NoActionLabel names the NoAction line of the table and its by_action key.
const NoActionLabel = "(no valid action)"

// Why a run stopped before its end; see Summary.Stopped.
const (
	StoppedRefused = "refused" // the API refused the credentials
	StoppedGaveUp  = "gave_up" // every request kept failing (--give-up-after)
	StoppedError   = "error"   // a broken input record, a failure to write results, a damaged state
	// StoppedMaxFailed: more rows failed or were invalid than --max-failed allows.
	StoppedMaxFailed = "max_failed"
)

// Summary counts rows by action and status, with the requests sent for
// them and their most frequent error messages. One goroutine at a time adds
// to it (in a run, whichever worker holds the runner's recorder lock). Its
// counts (Count, Status, Total, Done, Requests, RemovalsNotDone) may be read
// concurrently while rows are being added: progress reports read them as
// the run goes. Everything else (the top errors, the fields below, the
// text and the JSON) is read once adding is over.
type Summary struct {
	counts          [NoAction + 1][job.NumStatuses]atomic.Int64 // [action index][status]
	requests        atomic.Int64
	removalsNotDone atomic.Int64
	errs            errorTable
	clean           func(string) string

	// Elapsed is how long the run took; 0 when unknown (a report), which
	// leaves elapsed time and rate out.
	Elapsed time.Duration
	// AlreadyDone is how many rows a resumed run found done by an earlier
	// run and did not count again.
	AlreadyDone int64
	// ExitCode is the command's exit status.
	ExitCode int
	// Interrupted: the run was stopped by SIGINT or SIGTERM.
	Interrupted bool
	// Stopped says why the run stopped before its end (one of the Stopped
	// constants), or is empty.
	Stopped string
	// MaxFailed is --max-failed as a number of this run's rows, nil
	// without it.
	MaxFailed *int64
	// Pace is what bound the run's rate; nil when unknown (a report).
	Pace *Pace
	// PaceOf, when set, says what bounds the run while it sends, at a
	// rate of rows a second: Progress reads it. Set it before the run.
	PaceOf func(rowsPerSecond float64) *Pace
}

// Options configures a Summary.
type Options struct {
	// Clean turns an error message into the text the results file holds
	// (secret scrubbed, defused) before it is grouped, so that a run's
	// top errors and a report's of its results file agree. Nil keeps the
	// message as it is.
	Clean func(string) string
	// TopErrors is how many error groups the top list holds (default 5).
	TopErrors int
	// MaxGroups bounds the distinct error groups counted (default 1000);
	// rows with a message outside them count as other errors.
	MaxGroups int
}

// New returns an empty Summary.
func New(opt Options) *Summary {
	s := &Summary{clean: opt.Clean}
	s.errs.init(opt.TopErrors, opt.MaxGroups)
	return s
}

// Add counts one result. It does not allocate for a row that ended done
// (ok or duplicate). A result whose row is not an input row (a removal of
// --mirror) and that did not end done also counts in RemovalsNotDone.
func (s *Summary) Add(r *job.Result) {
	s.add(r.Action.Index(), r.Status, r.Attempts, r.Error, r.Row.FromInput())
}

// AddRow counts one row: a its action's index in job.Actions (below 0 or
// NoAction when it has none), st its status, attempts the requests sent
// for it and msg its error text. The message of a row that is not done
// counts towards the top errors. A status missing from job.Statuses is
// not counted: callers parse statuses with job.ParseStatus.
func (s *Summary) AddRow(a int, st job.Status, attempts int, msg string) {
	s.add(a, st, attempts, msg, true)
}

// add is AddRow for a row that is an input row or not (fromInput).
func (s *Summary) add(a int, st job.Status, attempts int, msg string, fromInput bool) {
	if a < 0 || a > NoAction {
		a = NoAction
	}
	if st >= job.NumStatuses {
		return
	}
	s.counts[a][st].Add(1)
	s.requests.Add(int64(attempts))
	if !st.Done() {
		if !fromInput {
			s.removalsNotDone.Add(1)
		}
		if msg != "" {
			if s.clean != nil {
				msg = s.clean(msg)
			}
			s.errs.add(msg)
		}
	}
}

// Count returns how many rows of action index a (NoAction for none) ended
// with st.
func (s *Summary) Count(a int, st job.Status) int64 {
	if a < 0 || a > NoAction || st >= job.NumStatuses {
		return 0
	}
	return s.counts[a][st].Load()
}

// ActionTotal returns how many rows of action index a were counted.
func (s *Summary) ActionTotal(a int) int64 {
	var n int64
	for _, st := range job.Statuses {
		n += s.Count(a, st)
	}
	return n
}

// Status returns how many rows ended with st, whatever their action.
func (s *Summary) Status(st job.Status) int64 {
	var n int64
	for a := range s.counts {
		n += s.Count(a, st)
	}
	return n
}

// Total returns how many rows were counted.
func (s *Summary) Total() int64 {
	var n int64
	for a := range s.counts {
		n += s.ActionTotal(a)
	}
	return n
}

// Done returns how many rows need no further run (see job.Status.Done).
func (s *Summary) Done() int64 {
	var n int64
	for _, st := range job.Statuses {
		if st.Done() {
			n += s.Status(st)
		}
	}
	return n
}

// Requests returns the requests sent for the counted rows.
func (s *Summary) Requests() int64 { return s.requests.Load() }

// RemovalsNotDone returns how many of the counted rows were not input rows
// (the removals of --mirror, see job.OriginMirror) and did not end done:
// the rows not done that the failed-rows file leaves out.
func (s *Summary) RemovalsNotDone() int64 { return s.removalsNotDone.Load() }

// TopErrors returns the most frequent error groups, most frequent first.
func (s *Summary) TopErrors() []ErrorCount { return s.errs.top() }

// OtherErrors returns how many rows with an error message are not in
// TopErrors.
func (s *Summary) OtherErrors() int64 {
	n := s.errs.total
	for _, e := range s.errs.top() {
		n -= e.Count
	}
	return n
}

// RowsPerSecond returns the effective rate, 0 when Elapsed is unknown:
// the rows dealt with, skipped ones (never sent) aside, per second.
func (s *Summary) RowsPerSecond() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Total()-s.Status(job.StatusSkipped)) / s.Elapsed.Seconds()
}

// actionLabel names action index a.
func actionLabel(a int) string {
	if a == NoAction {
		return NoActionLabel
	}
	return string(job.Actions[a])
}
