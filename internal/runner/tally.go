package runner

import (
	"sync/atomic"

	"github.com/pcsync/pcsync/internal/job"
)

// NoAction is the row of a Tally for rows whose action could not be told.
const NoAction = job.NumActions

// Tally counts written results by action and status. It is safe for
// concurrent use: the writer adds while progress reports read.
type Tally struct {
	n        [job.NumActions + 1][job.NumStatuses]atomic.Int64
	attempts atomic.Int64
}

func (t *Tally) add(r *job.Result) {
	a := r.Action.Index()
	if a < 0 {
		a = NoAction
	}
	t.n[a][r.Status].Add(1)
	t.attempts.Add(int64(r.Attempts))
}

// Count returns how many rows of action index a (see job.Actions; NoAction
// for none) ended with status s.
func (t *Tally) Count(a int, s job.Status) int64 { return t.n[a][s].Load() }

// Status returns how many rows ended with s, whatever their action.
func (t *Tally) Status(s job.Status) int64 {
	var sum int64
	for a := range t.n {
		sum += t.n[a][s].Load()
	}
	return sum
}

// Total returns how many results were written.
func (t *Tally) Total() int64 {
	var sum int64
	for _, s := range job.Statuses {
		sum += t.Status(s)
	}
	return sum
}

// Done returns how many rows need no further run (ok, duplicate or
// unchanged).
func (t *Tally) Done() int64 {
	var sum int64
	for _, s := range job.Statuses {
		if s.Done() {
			sum += t.Status(s)
		}
	}
	return sum
}

// Attempts returns how many requests were sent.
func (t *Tally) Attempts() int64 { return t.attempts.Load() }
