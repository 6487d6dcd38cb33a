// Command pcsync syncs CSV contact lists into PersonaClick.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/pcsync/pcsync/internal/proc"
)

// preSend is true while a run is getting ready to send (the pre-scan, the
// spool of standard input, the state's check, the mirror's sort): a signal
// then ends the process at once, since nothing was sent and some of these
// steps block on a read (a FIFO, a slow standard input) or take seconds.
var preSend atomic.Bool

// preSendGrace is how long a signal before sending lets the run end by
// itself before the process ends: within a second in all.
const preSendGrace = 500 * time.Millisecond

func main() {
	proc.TuneGC()
	proc.PrivateTemp()
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		defer proc.PanicCleanup()
		<-sigs
		cancel() // first signal: stop taking rows, finish what is in flight
		if preSend.Load() {
			// Give the run a moment to stop by itself (its reads of the
			// input see the cancel), then end it.
			select {
			case <-sigs:
			case <-time.After(preSendGrace):
			}
			fmt.Fprintln(os.Stderr, "pcsync: interrupted before sending began: nothing was sent")
			proc.Exit(exitInterrupted)
		}
		<-sigs
		fmt.Fprintln(os.Stderr, "pcsync: second signal: exiting at once; the results already written stay written, and --resume finishes the run")
		proc.Exit(exitInterrupted) // second signal: at once
	}()
	defer proc.PanicCleanup()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	cancel()
	proc.Exit(code)
}
