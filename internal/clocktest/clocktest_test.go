package clocktest

import (
	"context"
	"testing"
	"time"
)

func TestClock(t *testing.T) {
	t.Parallel()
	start := time.Unix(1_700_000_000, 0)
	c := New(start)
	c.Advance(time.Second)
	if err := c.Sleep(context.Background(), 2*time.Second); err != nil {
		t.Fatal(err)
	}
	if got := c.Now().Sub(start); got != 3*time.Second {
		t.Errorf("the clock moved %v, want 3s", got)
	}
	if c.Slept() != 2*time.Second {
		t.Errorf("Slept() = %v, want 2s", c.Slept())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.Sleep(ctx, time.Hour); err != context.Canceled || c.Slept() != 2*time.Second {
		t.Errorf("a sleep on a done context: %v, slept %v; want context.Canceled and no time", err, c.Slept())
	}
}
