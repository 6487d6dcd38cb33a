package main

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// startProfile writes a CPU profile to $PCSYNC_CPUPROFILE, when set, until
// the returned function is called: how `make bench` findings are traced.
func (a *app) startProfile() func() {
	path := a.getenv("PCSYNC_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintf(a.stderr, "pcsync: PCSYNC_CPUPROFILE: %v\n", err)
		return func() {}
	}
	return func() { pprof.StopCPUProfile(); f.Close() }
}
