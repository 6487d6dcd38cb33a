package worker

import (
	"context"
	"time"
)

// SleepFunc waits for d or until ctx is done, whichever comes first, and
// returns ctx.Err() in the second case. Tests inject one that does not wait.
type SleepFunc func(ctx context.Context, d time.Duration) error

// Sleep is the real SleepFunc: a select on ctx.Done() and a timer.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
