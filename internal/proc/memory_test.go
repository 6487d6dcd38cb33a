package proc

import (
	"math"
	"runtime/debug"
	"testing"
)

func TestReserveMemory(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before); ownLimit.Store(false) })

	ReserveMemory(1 << 20) // a limit pcsync did not choose is left alone
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Fatalf("limit moved from %d to %d", before, got)
	}
	debug.SetMemoryLimit(memoryLimit)
	ownLimit.Store(true)
	ReserveMemory(1 << 20)
	if got, want := debug.SetMemoryLimit(-1), int64(memoryLimit+1<<20); got != want {
		t.Errorf("limit = %d, want %d", got, want)
	}
	LiftMemoryLimit()
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("limit after liftMemoryLimit = %d, want none", got)
	}
}
