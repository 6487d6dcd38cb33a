// Command pcbench measures pcsync against baselines measured in the same
// run: throughput against a bare Go loop, the rate it keeps against the rate
// asked, and memory and time against a bare gocsv pass. It prints one table.
// Run it with `make bench`.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pcsync/pcsync/internal/emulator"
	"github.com/pcsync/pcsync/internal/worker"
)

func main() {
	bin := flag.String("bin", "bin/pcsync", "the pcsync binary to measure")
	rows := flag.Int("rows", 50000, "rows for the throughput comparison")
	small := flag.Int("small", 200000, "rows of the smaller memory run")
	large := flag.Int("large", 2000000, "rows of the larger memory run")
	workers := flag.Int("workers", 8, "concurrency of both throughput runs")
	bareURL := flag.String("bare", "", "internal: run only the bare loop against this URL")
	paced := flag.Float64("paced", 0, "internal: pace the bare loop at this rate with pcsync's pacer")
	capped := flag.Bool("capped", false, "internal: the bare loop opens no more connections than workers")
	only := flag.String("only", "throughput,rate,network,throttled,memory,state,dedupe", "the sections to run, comma-separated")
	flag.StringVar(&against, "against", "", "another pcsync binary (an earlier build, say) to measure beside -bin in the throughput rounds, the state memory table and the dedupe section")
	flag.IntVar(&throughputRounds, "rounds", throughputRounds, "rounds of the throughput comparison")
	flag.Parse()
	if *bareURL != "" {
		var pace *worker.Pacer
		if *paced > 0 {
			pace = worker.NewPacer(*paced, 1)
		}
		if _, err := bareLoop(*bareURL, *rows, *workers, *capped, pace); err != nil {
			fmt.Fprintln(os.Stderr, "pcbench:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*bin, *rows, *small, *large, *workers, sections(*only)); err != nil {
		fmt.Fprintln(os.Stderr, "pcbench:", err)
		os.Exit(1)
	}
}

// sections is the set of names in a comma-separated list.
func sections(list string) map[string]bool {
	m := map[string]bool{}
	for _, s := range strings.Split(list, ",") {
		m[strings.TrimSpace(s)] = true
	}
	return m
}

func run(bin string, rows, small, large, workers int, only map[string]bool) error {
	dir, err := os.MkdirTemp("", "pcbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	srv, err := startServer()
	if err != nil {
		return err
	}
	defer srv.close()

	fmt.Printf("pcbench: %s, %d cores\n\n", bin, numCPU())

	if only["throughput"] {
		if err := throughput(bin, dir, srv, rows, workers); err != nil {
			return err
		}
	}
	if only["rate"] {
		if err := rates(bin, dir, srv); err != nil {
			return err
		}
	}
	if only["network"] {
		if err := network(bin, dir, srv); err != nil {
			return err
		}
	}
	if only["throttled"] {
		if err := throttled(bin, dir, srv); err != nil {
			return err
		}
	}
	if only["state"] {
		if err := stateBench(bin, dir, srv, small, large, workers); err != nil {
			return err
		}
	}
	if only["memory"] {
		if err := memory(bin, dir, small, large); err != nil {
			return err
		}
	}
	if only["dedupe"] {
		return dedupeBench(bin, dir, large)
	}
	return nil
}

// throughputRounds is how many times each side of the throughput
// comparison runs (-rounds).
var throughputRounds = 7

// against is a second pcsync binary timed in the throughput rounds
// (-against), to compare two builds under the same noise.
var against string

// throughput compares pcsync --rate 0 with a bare loop: same requests, same
// concurrency.
func throughput(bin, dir string, srv *server, rows, workers int) error {
	in := filepath.Join(dir, "tp.csv")
	if err := writeRows(in, rows); err != nil {
		return err
	}
	// The bare loops run in a process of their own, as pcsync does, so
	// all share the cores with the server the same way. The machine is
	// shared and noisy: each round times the three, in rotating order, each
	// against a fresh emulator, and a ratio is the median of the rounds'.
	// The bare loop as the issue defines it keeps as many idle connections
	// as workers; the capped one also opens no more, as pcsync does.
	names := []string{"bare", "capped", "pcsync"}
	if against != "" {
		names = append(names, "against")
	}
	times := map[string][]time.Duration{}
	cpu := map[string][]time.Duration{} // each run's CPU time, user and system
	var vsBare, vsCapped, vsAgainst []float64
	conns := 0
	for round := range throughputRounds {
		got := map[string]time.Duration{}
		order := make([]string, len(names))
		for k := range names {
			order[k] = names[(round+k)%len(names)]
		}
		for _, who := range order {
			srv.reset()
			if who == "bare" || who == "capped" {
				r, err := bareProcess(srv.url, rows, workers, who == "capped", 0)
				if err != nil {
					return err
				}
				got[who] = r.wall
				cpu[who] = append(cpu[who], r.cpu)
				continue
			}
			b := bin
			if who == "against" {
				b = against
			}
			r, err := timeRun(false, b, srv, "run", "--rate", "0", "--workers", fmt.Sprint(workers), "--quiet",
				"--out", filepath.Join(dir, "tp.res.csv"), "--failed", filepath.Join(dir, "tp.fail.csv"), in)
			if err != nil {
				return err
			}
			got[who] = r.wall
			cpu[who] = append(cpu[who], r.cpu)
			if who == "pcsync" {
				conns = max(conns, srv.conns())
			}
		}
		for _, n := range names {
			times[n] = append(times[n], got[n])
		}
		vsBare = append(vsBare, got["bare"].Seconds()/got["pcsync"].Seconds())
		vsCapped = append(vsCapped, got["capped"].Seconds()/got["pcsync"].Seconds())
		if against != "" {
			vsAgainst = append(vsAgainst, got["against"].Seconds()/got["pcsync"].Seconds())
		}
	}
	rate := func(n string) float64 { return float64(rows) / median(times[n]).Seconds() }
	fmt.Printf("throughput (segments/add, loopback emulator, %d rows, %d rounds, order rotating)\n", rows, throughputRounds)
	fmt.Printf("  %-40s %10.0f rows/s (median)\n", fmt.Sprintf("bare Go loop, %d workers, idle pool sized", workers), rate("bare"))
	fmt.Printf("  %-40s %10.0f rows/s (median)\n", "  the same, opening at most 8 connections", rate("capped"))
	fmt.Printf("  %-40s %10.0f rows/s (median)\n", fmt.Sprintf("pcsync --rate 0 --workers %d", workers), rate("pcsync"))
	if against != "" {
		fmt.Printf("  %-40s %10.0f rows/s (median)\n", "-against "+filepath.Base(against), rate("against"))
	}
	ratios := []struct {
		name string
		r    []float64
	}{{"ratio to the bare loop", vsBare}, {"ratio to the capped bare loop", vsCapped}}
	if against != "" {
		ratios = append(ratios, struct {
			name string
			r    []float64
		}{"ratio to -against", vsAgainst})
	}
	for _, c := range ratios {
		sort.Float64s(c.r)
		target := "; target >= 0.90"
		if c.name == "ratio to -against" {
			target = "; above 1: -bin is faster"
		}
		fmt.Printf("  %-40s %10.2f   (median of the rounds; range %.2f to %.2f%s)\n", c.name,
			c.r[len(c.r)/2], c.r[0], c.r[len(c.r)-1], target)
	}
	fmt.Printf("  %-40s %10d   (workers: %d)\n", "connections opened by pcsync", conns, workers)
	perRow := func(n string) float64 { return float64(median(cpu[n]).Microseconds()) / float64(rows) }
	fmt.Printf("  %-40s %10.1f µs (bare loop %.1f µs, capped %.1f µs: medians of the runs' user+system time)\n",
		"client CPU per row: pcsync", perRow("pcsync"), perRow("bare"), perRow("capped"))
	if against != "" {
		fmt.Printf("  %-40s %10.1f µs\n", "client CPU per row: -against", perRow("against"))
	}
	fmt.Println()
	return nil
}

// rates runs pcsync at several rates and reports what the server saw; the
// same requests from a bare loop paced by pcsync's pacer, in the same run,
// show how much the machine itself (scheduling, the server) bunches
// arrivals.
func rates(bin, dir string, srv *server) error {
	fmt.Println("rate kept (as the server measures it: arrival times stamped by the kernel as requests reach its socket;")
	fmt.Println("handled: when its handler ran, late when the server was off the CPU. bare: the bare loop paced by pcsync's pacer)")
	fmt.Printf("  %8s %8s %-7s %10s %10s %14s %10s\n", "asked/s", "rows", "", "achieved/s", "error", "busiest 1s", "handled")
	for _, c := range []struct{ rate, rows int }{{10, 100}, {100, 1000}, {1000, 10000}} {
		in := filepath.Join(dir, fmt.Sprintf("rate%d.csv", c.rate))
		if err := writeRows(in, c.rows); err != nil {
			return err
		}
		for _, who := range []string{"pcsync", "bare"} {
			srv.reset()
			var err error
			if who == "bare" {
				_, err = bareProcess(srv.url, c.rows, 8, true, float64(c.rate))
			} else {
				_, err = timeRun(false, bin, srv, "run", "--rate", fmt.Sprint(c.rate), "--workers", "8", "--quiet",
					"--out", in+".res", "--failed", in+".fail", in)
			}
			if err != nil {
				return err
			}
			arrived, handled := srv.arrivals()
			_, busiestHandled := rateOf(handled)
			clock := ""
			if arrived == nil { // no kernel timestamps: the handler's clock
				arrived, clock = handled, "  (no kernel timestamps: by the handler's clock)"
			}
			achieved, busiest := rateOf(arrived)
			fmt.Printf("  %8d %8d %-7s %10.2f %9.2f%% %9d (<= %d) %10d%s\n", c.rate, c.rows, who, achieved,
				100*(achieved-float64(c.rate))/float64(c.rate), busiest, c.rate, busiestHandled, clock)
		}
	}
	fmt.Println()
	return nil
}

// memory measures a dry run (validation of every row) at two sizes, against
// a bare gocsv streaming pass over the same file.
func memory(bin, dir string, small, large int) error {
	fmt.Println("dry run: validate every row, send nothing")
	fmt.Printf("  %10s %12s %12s %12s %8s\n", "rows", "peak RSS", "pcsync", "gocsv pass", "ratio")
	var rss []int64
	var perRow []float64 // µs
	for _, n := range []int{small, large} {
		in := filepath.Join(dir, fmt.Sprintf("mem%d.csv", n))
		if err := writeRows(in, n); err != nil {
			return err
		}
		base, err := gocsvPass(in)
		if err != nil {
			return err
		}
		r, err := timeRun(true, bin, nil, "run", "--dry-run", in)
		if err != nil {
			return err
		}
		rss = append(rss, r.maxRSS)
		perRow = append(perRow, r.wall.Seconds()/float64(n)*1e6)
		fmt.Printf("  %10d %9.1f MiB %10.2fs %10.2fs %8.2f\n", n, float64(r.maxRSS)/(1<<20),
			r.wall.Seconds(), base.Seconds(), r.wall.Seconds()/base.Seconds())
	}
	fmt.Printf("  time per row: %.2f µs at %d rows, %.2f µs at %d (linear: not more per row at more rows)\n",
		perRow[0], small, perRow[1], large)
	fmt.Printf("  RSS growth %d -> %d rows: %+.1f%%  (target <= +25%%, peak < 48 MiB; time target ratio <= 2)\n",
		small, large, 100*float64(rss[1]-rss[0])/float64(rss[0]))
	fmt.Println()
	return nil
}

// bareProcess runs the bare loop in a child process and returns its wall
// time, measured from outside as pcsync's is: process start included.
func bareProcess(url string, rows, workers int, capped bool, paced float64) (result, error) {
	self, err := os.Executable()
	if err != nil {
		return result{}, err
	}
	cmd := exec.Command(self, "-bare", url, "-rows", fmt.Sprint(rows), "-workers", fmt.Sprint(workers), "-paced", fmt.Sprint(paced), "-capped="+fmt.Sprint(capped))
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return result{}, fmt.Errorf("bare loop: %w", err)
	}
	return result{wall: time.Since(start), cpu: cpuOf(cmd.ProcessState)}, nil
}

// cpuOf is the CPU time, user and system, a finished process used.
func cpuOf(ps *os.ProcessState) time.Duration {
	return ps.UserTime() + ps.SystemTime()
}

// result is one timed run of the binary.
type result struct {
	wall   time.Duration
	cpu    time.Duration // user and system
	maxRSS int64         // bytes
}

// timeRun runs bin with args, against srv when not nil, and times it; its
// stderr (notes such as the columns not used) is shown only with its
// error, so that the tables stay readable. With watchRSS, it also reads the child's peak RSS while it runs (polling /proc
// every 2 ms, which costs the machine some CPU: not while throughput or
// rate are measured).
func timeRun(watchRSS bool, bin string, srv *server, args ...string) (result, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = os.Environ()
	if srv != nil {
		cmd.Env = append(cmd.Env, "PERSONACLICK_API_URL="+srv.url,
			"PERSONACLICK_SHOP_ID="+emulator.SandboxShopID, "PERSONACLICK_SHOP_SECRET="+emulator.SandboxShopSecret)
	}
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return result{}, err
	}
	// The child's rusage counts the parent's pages at fork time, so read
	// its own high-water mark from /proc while it runs.
	var hwm atomic.Int64
	stop := make(chan struct{})
	go func() {
		if !watchRSS {
			return
		}
		status := fmt.Sprintf("/proc/%d/status", cmd.Process.Pid)
		for {
			if kb := readHWM(status); kb > 0 {
				hwm.Store(kb * 1024)
			}
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	err := cmd.Wait()
	wall := time.Since(start)
	close(stop)
	if err != nil {
		return result{}, fmt.Errorf("%s %v: %w\n%s", bin, args, err, stderr.Bytes())
	}
	return result{wall: wall, cpu: cpuOf(cmd.ProcessState), maxRSS: hwm.Load()}, nil
}

// readHWM returns VmHWM in KiB from a /proc status file, 0 if unreadable.
func readHWM(path string) int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

// server is the emulator on loopback, noting when each request arrived and
// how many connections were opened.
type server struct {
	url  string
	em   atomic.Pointer[emulator.Emulator]
	http *http.Server
	mu   sync.Mutex
	at   []time.Time // when the handler ran
	rx   []time.Time // when the request reached the socket (see kernelArrival); zero if unknown
	nc   int
}

// connKey is the context key of the request's connection.
type connKey struct{}

func startServer() (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &server{url: "http://" + ln.Addr().String()}
	s.em.Store(emulator.New(emulator.Sandbox()))
	s.http = &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			now := time.Now()
			c, _ := r.Context().Value(connKey{}).(net.Conn)
			rx, _ := arrivalOf(c, now)
			s.mu.Lock()
			s.at = append(s.at, now)
			s.rx = append(s.rx, rx)
			s.mu.Unlock()
			s.em.Load().ServeHTTP(w, r)
		}),
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			return context.WithValue(ctx, connKey{}, c)
		},
		ConnState: func(_ net.Conn, st http.ConnState) {
			if st == http.StateNew {
				s.mu.Lock()
				s.nc++
				s.mu.Unlock()
			}
		},
	}
	go s.http.Serve(kernelArrival(ln))
	return s, nil
}

// reset forgets the arrivals and connections seen so far and starts a
// fresh emulator, then collects the garbage of the last run, so that a run
// meets a server in the same state as the one before it, and no collection
// of the previous run's leftovers stalls the server mid-run.
func (s *server) reset() { s.resetWith(emulator.Sandbox()) }

// resetWith is reset with an emulator of opt (a latency, a limit).
func (s *server) resetWith(opt emulator.Options) {
	s.mu.Lock()
	s.at, s.rx, s.nc = s.at[:0], s.rx[:0], 0
	s.mu.Unlock()
	s.em.Store(emulator.New(opt))
	runtime.GC()
}

// stats returns the emulator's counts.
func (s *server) stats() emulator.Stats { return s.em.Load().Stats() }

func (s *server) conns() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nc
}

// arrivals returns the requests' arrival times as the kernel stamped them
// (see kernelArrival) and the times the handler ran. arrived is nil when
// some request has no kernel time.
func (s *server) arrivals() (arrived, handled []time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	handled = append([]time.Time(nil), s.at...)
	arrived = append([]time.Time(nil), s.rx...)
	for _, t := range arrived {
		if t.IsZero() {
			return nil, handled
		}
	}
	return arrived, handled
}

// rateOf returns the achieved rate of the requests at times at,
// (n-1)/(last-first), and the most of them any rolling one-second window
// [t, t+1s) holds.
func rateOf(at []time.Time) (float64, int) {
	at = slices.Clone(at)
	if len(at) < 2 {
		return 0, len(at)
	}
	slices.SortFunc(at, func(a, b time.Time) int { return a.Compare(b) })
	busiest, j, bi, bj := 0, 0, 0, 0
	for i := range at {
		for at[i].Sub(at[j]) >= time.Second {
			j++
		}
		if i-j+1 > busiest {
			busiest, bi, bj = i-j+1, i, j
		}
	}
	if os.Getenv("PCBENCH_DEBUG") != "" {
		fmt.Fprintf(os.Stderr, "busiest window: requests %d..%d, from %v after the first, span %v\n", bj, bi, at[bj].Sub(at[0]), at[bi].Sub(at[bj]))
		for k := max(bj-3, 0); k <= min(bj+5, len(at)-1); k++ {
			fmt.Fprintf(os.Stderr, "  #%d at %v\n", k, at[k].Sub(at[0]))
		}
		for k := max(bi-5, 0); k <= min(bi+3, len(at)-1); k++ {
			fmt.Fprintf(os.Stderr, "  #%d at %v\n", k, at[k].Sub(at[0]))
		}
	}
	return float64(len(at)-1) / at[len(at)-1].Sub(at[0]).Seconds(), busiest
}

func (s *server) close() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	s.http.Shutdown(ctx)
}

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}
