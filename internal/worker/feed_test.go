package worker

import (
	"io"

	"github.com/pcsync/pcsync/internal/job"
)

// Tasks is a Feed of the tasks sent on a channel until it is closed.
func Tasks(ch <-chan job.Task) Feed { return chanFeed(ch) }

type chanFeed <-chan job.Task

func (f chanFeed) Next() (job.Task, error) {
	t, ok := <-f
	if !ok {
		return job.Task{}, io.EOF
	}
	return t, nil
}
