package worker

import "github.com/pcsync/pcsync/internal/job"

// Feed yields the tasks of a Pool, one per call, and io.EOF after the last.
type Feed interface {
	Next() (job.Task, error)
}
