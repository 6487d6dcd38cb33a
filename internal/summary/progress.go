package summary

import (
	"math"
	"time"

	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/proc"
)

// Progress is one reading of a run's counts while it goes, for progress
// reports.
type Progress struct {
	Done, Total                  int64 // Total is -1 when unknown
	OK, Failed, Invalid, Skipped int64
	Elapsed                      time.Duration
	Pace                         *Pace // what bounds the run so far; nil when unknown
}

// Progress reads s once, while the run may be adding to it; total is the
// rows the run will finish (-1: unknown). Done is the sum of the counts
// read, so the figures of one reading agree with each other even while
// rows finish. Skipped rows (a run stopped by an interrupt, refused
// credentials or --give-up-after) are not done: the bar of an interrupted
// run stays where it was, and the rate is of rows dealt with.
func (s *Summary) Progress(total int64, elapsed time.Duration) Progress {
	p := Progress{Total: total, Elapsed: elapsed}
	for _, st := range job.Statuses {
		n := s.Status(st)
		switch st {
		case job.StatusSkipped:
			p.Skipped = n
			continue
		case job.StatusOK:
			p.OK = n
		case job.StatusFailed:
			p.Failed = n
		case job.StatusInvalid:
			p.Invalid = n
		}
		p.Done += n
	}
	if s.PaceOf != nil {
		p.Pace = s.PaceOf(p.RowsPerSecond())
	}
	return p
}

// RowsPerSecond is the average rate since the start.
func (p Progress) RowsPerSecond() float64 {
	if p.Elapsed <= 0 {
		return 0
	}
	return float64(p.Done) / p.Elapsed.Seconds()
}

// ETA is how long the rest will take at the average rate so far, rounded
// up to the second (never 0s while rows are left); false when that cannot
// be told (no total, or nothing finished yet).
func (p Progress) ETA() (time.Duration, bool) {
	rate := p.RowsPerSecond()
	if p.Total < 0 || rate <= 0 {
		return 0, false
	}
	left := max(p.Total-p.Done, 0)
	return time.Duration(math.Ceil(float64(left)/rate)) * time.Second, true
}

// Watch shows the run's progress while it goes: show is given a reading
// of s at every tick of ticks, elapsed measured with now from the call,
// and total the rows the run will finish (-1: unknown). The returned
// function gives show a last reading, final, and returns once show is done
// with it: nothing is shown after.
func (s *Summary) Watch(total int64, ticks <-chan time.Time, now func() time.Time, show func(p Progress, final bool)) (stop func()) {
	start := now()
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer proc.PanicCleanup()
		defer close(stopped)
		for {
			select {
			case <-done:
				show(s.Progress(total, now().Sub(start)), true)
				return
			case <-ticks:
				show(s.Progress(total, now().Sub(start)), false)
			}
		}
	}()
	return func() { close(done); <-stopped }
}
