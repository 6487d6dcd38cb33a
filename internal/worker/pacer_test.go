package worker

import (
	"context"
	"math"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock whose sleeps move time forward at once.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	total time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.total += d
	c.mu.Unlock()
	return nil
}

func (c *fakeClock) slept() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.total
}

// fakePacer is an unlimited pacer on clk (a fresh one when nil).
func fakePacer(clk *fakeClock) *Pacer {
	if clk == nil {
		clk = &fakeClock{now: time.Unix(0, 0)}
	}
	p := NewPacer(0, 1)
	p.now, p.sleep = clk.Now, clk.sleep
	return p
}

func TestPacerPause(t *testing.T) {
	clk := &fakeClock{now: time.Unix(100, 0)}
	p := fakePacer(clk)
	p.PauseFor(3 * time.Second)
	p.PauseFor(time.Second) // a shorter pause does not shorten the first
	if err := p.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := clk.slept(); got != 3*time.Second {
		t.Errorf("Wait slept %v, want 3s", got)
	}
	if err := p.Wait(context.Background()); err != nil || clk.slept() != 3*time.Second {
		t.Errorf("second Wait: %v, slept %v", err, clk.slept())
	}
}

func TestPacerWaitStopsOnCancel(t *testing.T) {
	p := NewPacer(0.001, 1) // one request every 1000s
	ctx, cancel := context.WithCancel(context.Background())
	if err := p.Wait(ctx); err != nil { // the first token is there
		t.Fatal(err)
	}
	cancel()
	if err := p.Wait(ctx); err == nil {
		t.Error("Wait returned nil after cancel")
	}
	p.PauseFor(time.Hour)
	if err := p.Wait(ctx); err != context.Canceled {
		t.Errorf("paused Wait = %v, want context.Canceled", err)
	}
}

func TestPacerLimit(t *testing.T) {
	if NewPacer(0, 1).Limit() < 1e300 {
		t.Error("rate 0 is not unlimited")
	}
	if got := NewPacer(0, 1).Asked(); !math.IsInf(got, 1) {
		t.Errorf("NewPacer(0, 1).Asked() = %v, want +Inf", got)
	}
	if got := NewPacer(25, 1).Asked(); got != 25 {
		t.Errorf("NewPacer(25, 1).Asked() = %v, want 25", got)
	}
	if got := NewPacer(25, 1).Limit(); got != 25 {
		t.Errorf("Limit = %v", got)
	}
}
