// Package proc holds the settings of the pcsync process itself: the
// collector's target and soft memory limit, and the profiles `make bench`
// findings are traced with.
package proc

import (
	"math"
	"os"
	"runtime/debug"
	"sync/atomic"
)

// The collector's settings unless $GOGC and $GOMEMLIMIT say otherwise.
// pcsync's live heap is a few MiB whatever the input's size, so letting the
// heap grow to four times that before collecting costs little memory and
// saves most of the collector's work on every row; the soft limit makes it
// collect sooner should the heap ever near it. (400 was the setting until
// libphonenumber's and excelize's tables, 4 MiB loaded at start, made the
// live heap bigger: a 2M-row dry run's peak RSS rose from 30 to 45-49 MiB
// at 400, and is 36-37 MiB at 300 for 5% more CPU on that CPU-bound run.
// The soft limit went from 40 to 32 MiB with them, so that the binary's
// pages and the runtime's own stay under 48 MiB of RSS with the heap at
// the limit.)
const (
	gcPercent   = 300
	memoryLimit = 32 << 20
)

// ownLimit is set when pcsync chose the memory limit itself.
var ownLimit atomic.Bool

// TuneGC sets the collector's target and soft memory limit, unless the
// environment sets them; main calls it once.
func TuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
		ownLimit.Store(true)
	}
}

// ReserveMemory raises the memory limit pcsync chose by n bytes of data
// that live as long as the run (the --dedupe table), so that the collector
// keeps the same room to work in. A limit set by $GOMEMLIMIT is left alone.
func ReserveMemory(n int) {
	if ownLimit.Load() && n > 0 {
		debug.SetMemoryLimit(debug.SetMemoryLimit(-1) + int64(n))
	}
}

// LiftMemoryLimit removes the memory limit pcsync chose, for runs whose
// live heap grows with the input: the in-process sandbox keeps every
// contact it is sent. A limit set by $GOMEMLIMIT is left alone.
func LiftMemoryLimit() {
	if ownLimit.Load() {
		debug.SetMemoryLimit(math.MaxInt64)
	}
}
