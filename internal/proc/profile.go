package proc

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
)

// StartProfiles writes a CPU profile to $PCSYNC_CPUPROFILE and an
// allocation profile to $PCSYNC_MEMPROFILE, as getenv reads them, when
// set, until the returned function is called: how `make bench` findings are
// traced. Failures are reported on stderr.
func StartProfiles(getenv func(string) string, stderr io.Writer) func() {
	var stops []func()
	if path := getenv("PCSYNC_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintf(stderr, "pcsync: PCSYNC_CPUPROFILE: %v\n", err)
		} else {
			stops = append(stops, func() { pprof.StopCPUProfile(); f.Close() })
		}
	}
	if path := getenv("PCSYNC_MEMPROFILE"); path != "" {
		stops = append(stops, func() {
			f, err := os.Create(path)
			if err == nil {
				err = pprof.Lookup("allocs").WriteTo(f, 0)
				if cerr := f.Close(); err == nil {
					err = cerr
				}
			}
			if err != nil {
				fmt.Fprintf(stderr, "pcsync: PCSYNC_MEMPROFILE: %v\n", err)
			}
		})
	}
	return func() {
		for _, stop := range stops {
			stop()
		}
	}
}

// memProfileRate is the allocation sampling rate when $PCSYNC_MEMPROFILE
// is set: every 4 KiB allocated, finer than the default 512 KiB.
const memProfileRate = 4096

func init() {
	if os.Getenv("PCSYNC_MEMPROFILE") != "" {
		runtime.MemProfileRate = memProfileRate
	}
}
