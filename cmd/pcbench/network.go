package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/pcsync/pcsync/internal/emulator"
)

// network measures the rate pcsync keeps against an API far away: the
// emulator answers each request 100 or 250 ms after it arrives (give or
// take a tenth), and pcsync runs with its default workers. The rate is as
// the server measures it (see rates); -against runs the other build the
// same way, the same-run baseline.
func network(bin, dir string, srv *server) error {
	fmt.Println("network (an API far away: the emulator answers 100 or 250 ms after each request arrives, ±10%; default workers;")
	fmt.Println("rate as the server measures it, by kernel arrival times; peak in flight from the summary's pace)")
	fmt.Printf("  %8s %8s %6s %-7s %10s %9s %14s %10s %s\n", "latency", "asked/s", "rows", "", "achieved/s", "error", "busiest 1s", "in flight", "bound")
	for _, c := range []struct {
		latency time.Duration
		rate    int
	}{{100 * time.Millisecond, 100}, {100 * time.Millisecond, 400}, {250 * time.Millisecond, 100}, {250 * time.Millisecond, 400}} {
		rows := c.rate * 8 // eight seconds of it
		in := filepath.Join(dir, fmt.Sprintf("net%d.csv", c.rate))
		if err := writeRows(in, rows); err != nil {
			return err
		}
		for _, who := range builds(bin) {
			rows, in := rows, in
			if who.name == "against" {
				// An earlier build may keep a tenth of the rate: a
				// shorter file tells its rate as well.
				rows, in = networkAgainstRows, in+".against.csv"
				if err := writeRows(in, rows); err != nil {
					return err
				}
			}
			opt := emulator.Sandbox()
			opt.Latency = c.latency
			srv.resetWith(opt)
			pace, err := paceRun(who.bin, srv, in, "--rate", fmt.Sprint(c.rate))
			if err != nil {
				return err
			}
			achieved, busiest := serverRate(srv)
			fmt.Printf("  %8s %8d %6d %-7s %10.2f %8.2f%% %9d (<= %d) %10s %s\n", c.latency, c.rate, rows, who.name, achieved,
				100*(achieved-float64(c.rate))/float64(c.rate), busiest, c.rate, pace.inFlight(), pace.Bound)
		}
	}
	fmt.Println()
	return nil
}

// throttled measures pcsync against an API that allows 50 requests a
// second (seconds aligned on the clock's) and answers 429 with a
// Retry-After of 1 or 5 s beyond: the share of the limit kept (rows a
// second, from the first request's arrival to the last's) and the share of
// requests refused; and --rate 50, which must draw no 429.
func throttled(bin, dir string, srv *server) error {
	const limit, rows = 50, 900
	fmt.Printf("throttled (the emulator allows %d requests a second and answers 429 with Retry-After beyond; 20 ms latency; %d rows; default workers)\n", limit, rows)
	fmt.Printf("  %12s %8s %-7s %10s %10s %9s %s\n", "Retry-After", "asked/s", "", "rows/s", "of limit", "refused", "bound")
	in := filepath.Join(dir, "throttled.csv")
	if err := writeRows(in, rows); err != nil {
		return err
	}
	for _, c := range []struct {
		retryAfter string
		rate       int
	}{{"1", 200}, {"5", 200}, {"1", limit}} {
		for _, who := range builds(bin) {
			opt := emulator.Sandbox()
			opt.Latency = 20 * time.Millisecond
			opt.Faults.MaxRPS, opt.Faults.MaxRPSRetryAfter = limit, c.retryAfter
			srv.resetWith(opt)
			pace, err := paceRun(who.bin, srv, in, "--rate", fmt.Sprint(c.rate), "--retries", "20")
			if err != nil {
				return err
			}
			st := srv.stats()
			arrived, handled := srv.arrivals()
			if arrived == nil {
				arrived = handled
			}
			span := spanOf(arrived)
			kept := float64(rows) / span.Seconds()
			fmt.Printf("  %12s %8d %-7s %10.2f %10.2f %8.2f%% %s\n", c.retryAfter+"s", c.rate, who.name, kept, kept/limit,
				100*float64(st.ByStatus[429])/float64(st.Requests), pace.Bound)
		}
	}
	fmt.Println()
	return nil
}

// networkAgainstRows is the rows -against's build sends in each network
// case.
const networkAgainstRows = 300

// build is a pcsync binary the bench runs, and its name in the tables.
type build struct{ name, bin string }

// builds are -bin, and -against when given.
func builds(bin string) []build {
	b := []build{{"pcsync", bin}}
	if against != "" {
		b = append(b, build{"against", against})
	}
	return b
}

// pace is the summary JSON's pace, as far as the bench reads it.
type pace struct {
	Bound        string `json:"bound"`
	PeakInFlight *int   `json:"peak_in_flight"`
}

// inFlight is the peak in flight, or "-" when the build does not say.
func (p pace) inFlight() string {
	if p.PeakInFlight == nil {
		return "-"
	}
	return fmt.Sprint(*p.PeakInFlight)
}

// paceRun runs bin on in against srv and returns the pace its summary
// JSON says (empty for a build that writes none).
func paceRun(bin string, srv *server, in string, args ...string) (pace, error) {
	sum := in + ".summary.json"
	os.Remove(sum)
	args = append([]string{"run", "--quiet", "--out", in + ".res", "--failed", in + ".fail", "--summary-json", sum}, append(args, in)...)
	if _, err := timeRun(false, bin, srv, args...); err != nil {
		return pace{}, err
	}
	var doc struct {
		Pace pace `json:"pace"`
	}
	b, err := os.ReadFile(sum)
	if err != nil {
		return pace{}, err
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return pace{}, err
	}
	if doc.Pace.Bound == "" {
		doc.Pace.Bound = "-"
	}
	return doc.Pace, nil
}

// serverRate is rateOf the run's arrivals, by the kernel's clock when it
// stamped them all.
func serverRate(srv *server) (float64, int) {
	arrived, handled := srv.arrivals()
	if arrived == nil {
		arrived = handled
	}
	return rateOf(arrived)
}

// spanOf is the time from the first of at to the last.
func spanOf(at []time.Time) time.Duration {
	if len(at) < 2 {
		return 0
	}
	lo, hi := at[0], at[0]
	for _, t := range at {
		if t.Before(lo) {
			lo = t
		}
		if t.After(hi) {
			hi = t
		}
	}
	return hi.Sub(lo)
}
