// Command pcsync syncs CSV contact lists into PersonaClick.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/pcsync/pcsync/internal/proc"
)

func main() {
	proc.TuneGC()
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sigs
		cancel() // first signal: stop taking rows, finish what is in flight
		<-sigs
		os.Exit(exitInterrupted) // second signal: at once; results already flushed stay written
	}()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	cancel()
	os.Exit(code)
}
