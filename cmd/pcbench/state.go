package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/pcsync/pcsync/internal/emulator"
	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/state"
)

// stateBench measures --state: the time of a run that records every row
// in a new state, and of one whose every row is unchanged, against a plain
// run of the same rows; then the peak RSS of a dry run and of a real,
// all-unchanged run against a state of small and of large keys, which must
// stay flat; with -against, the other build's too, on the same state.
func stateBench(bin, dir string, srv *server, small, large, workers int) error {
	in := filepath.Join(dir, "state.csv")
	if err := writeRows(in, small); err != nil {
		return err
	}
	run := func(args ...string) (result, error) {
		all := append([]string{"run", "--rate", "0", "--workers", strconv.Itoa(workers), "--quiet",
			"--out", in + ".res", "--failed", in + ".fail"}, args...)
		return timeRun(false, bin, srv, append(all, in)...)
	}
	// Plain and first --state runs alternate, the machine being shared and
	// noisy; the medians are compared.
	var plains, firsts []time.Duration
	var stateFile string
	for round := range 3 {
		srv.reset()
		p, err := run()
		if err != nil {
			return err
		}
		stateFile = filepath.Join(dir, fmt.Sprintf("round%d.state", round))
		f, err := run("--state", stateFile)
		if err != nil {
			return err
		}
		plains, firsts = append(plains, p.wall), append(firsts, f.wall)
	}
	srv.reset()
	again, err := run("--state", stateFile)
	if err != nil {
		return err
	}
	sent := requestsSeen(srv)
	plain, first := median(plains), median(firsts)
	fmt.Printf("--state (segments/add, loopback emulator, %d rows, --rate 0 --workers %d; medians of 3 alternating rounds)\n", small, workers)
	line := func(name string, d time.Duration, note string) {
		fmt.Printf("  %-40s %8.2fs %10.0f rows/s  %s\n", name, d.Seconds(), float64(small)/d.Seconds(), note)
	}
	line("plain run", plain, "")
	line("--state, new state: every row recorded", first, fmt.Sprintf("(%+.1f%% against plain)", 100*(first.Seconds()/plain.Seconds()-1)))
	line("--state again: every row unchanged", again.wall, fmt.Sprintf("(%.2fx plain; requests sent: %d)", again.wall.Seconds()/plain.Seconds(), sent))
	fmt.Println()

	fmt.Println("--state memory: peak RSS (VmHWM) with every row unchanged")
	fmt.Printf("  %10s %12s %16s %16s %12s\n", "state keys", "state file", "dry run --state", "run, unchanged", "plain dry run")
	var rss []int64
	for _, n := range []int{small, large} {
		rows := filepath.Join(dir, fmt.Sprintf("state%d.csv", n))
		if err := writeRows(rows, n); err != nil {
			return err
		}
		sf := filepath.Join(dir, fmt.Sprintf("keys%d.state", n))
		if err := buildState(sf, n); err != nil {
			return err
		}
		size := fileSize(sf)
		dry, err := timeRun(true, bin, nil, "run", "--dry-run", "--state", sf, rows)
		if err != nil {
			return err
		}
		unchanged, err := timeRun(true, bin, srv, "run", "--rate", "0", "--quiet", "--state", sf,
			"--out", rows+".res", "--failed", rows+".fail", rows)
		if err != nil {
			return err
		}
		plainDry, err := timeRun(true, bin, nil, "run", "--dry-run", rows)
		if err != nil {
			return err
		}
		rss = append(rss, unchanged.maxRSS)
		fmt.Printf("  %10d %8.0f MiB %12.1f MiB %12.1f MiB %8.1f MiB\n", n, mib(size), mib(dry.maxRSS), mib(unchanged.maxRSS), mib(plainDry.maxRSS))
		fmt.Printf("  %10s %12s %13.2fs %15.2fs %11.2fs\n", "", "time", dry.wall.Seconds(), unchanged.wall.Seconds(), plainDry.wall.Seconds())
		if against == "" {
			continue
		}
		// The other build, on the same state and rows, right after.
		aDry, err := timeRun(true, against, nil, "run", "--dry-run", "--state", sf, rows)
		if err != nil {
			return err
		}
		aUnchanged, err := timeRun(true, against, srv, "run", "--rate", "0", "--quiet", "--state", sf,
			"--out", rows+".res", "--failed", rows+".fail", rows)
		if err != nil {
			return err
		}
		fmt.Printf("  %10s %12s %12.1f MiB %12.1f MiB   (-against %s)\n", "", "", mib(aDry.maxRSS), mib(aUnchanged.maxRSS), filepath.Base(against))
		fmt.Printf("  %10s %12s %13.2fs %15.2fs\n", "", "time", aDry.wall.Seconds(), aUnchanged.wall.Seconds())
	}
	fmt.Printf("  run RSS growth %d -> %d keys: %+.1f%%  (the state file is mapped, not read into memory)\n\n",
		small, large, 100*float64(rss[1]-rss[0])/float64(rss[0]))
	return nil
}

// buildState writes a state that holds the n rows of writeRows as applied,
// as a run of pcsync would have recorded them, through the state package
// itself (sending 2 million requests first would take minutes).
func buildState(path string, n int) error {
	os.Remove(path)
	st, err := state.Open(path, state.Options{ShopID: emulator.SandboxShopID})
	if err != nil {
		return err
	}
	r := st.Run("")
	for i := range n {
		rec := job.Record{Email: "user" + strconv.Itoa(i) + "@example.com", Action: "segments/add", SegmentID: "100500"}
		j, err := job.Build(&rec, job.Defaults{})
		if err != nil {
			return err
		}
		r.Applied(&j)
		if i%100000 == 99999 || i == n-1 {
			r.Cut()
			if err := r.Commit(); err != nil {
				return err
			}
		}
	}
	r.Close()
	return st.Close()
}

// requestsSeen returns how many requests the server saw since its reset.
func requestsSeen(srv *server) int {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	return len(srv.at)
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }
