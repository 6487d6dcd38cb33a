package worker

import "io"

// Tasks is a Feed of the tasks sent on a channel until it is closed.
func Tasks(ch <-chan Task) Feed { return chanFeed(ch) }

type chanFeed <-chan Task

func (f chanFeed) Next() (Task, error) {
	t, ok := <-f
	if !ok {
		return Task{}, io.EOF
	}
	return t, nil
}
