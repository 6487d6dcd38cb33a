package worker

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/pcsync/pcsync/internal/clocktest"
)

// fakePacer is an unlimited pacer on clk (a fresh one when nil).
func fakePacer(clk *clocktest.Clock) *Pacer {
	if clk == nil {
		clk = clocktest.New(time.Unix(0, 0))
	}
	p := NewPacer(0, 1)
	p.now, p.sleep = clk.Now, clk.Sleep
	return p
}

func TestPacerPause(t *testing.T) {
	clk := clocktest.New(time.Unix(100, 0))
	p := fakePacer(clk)
	p.PauseFor(3 * time.Second)
	p.PauseFor(time.Second) // a shorter pause does not shorten the first
	if err := p.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := clk.Slept(); got != 3*time.Second {
		t.Errorf("Wait slept %v, want 3s", got)
	}
	if err := p.Wait(context.Background()); err != nil || clk.Slept() != 3*time.Second {
		t.Errorf("second Wait: %v, slept %v", err, clk.Slept())
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
