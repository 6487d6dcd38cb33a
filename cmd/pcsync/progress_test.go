package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pcsync/pcsync/internal/emulator"
	"github.com/pcsync/pcsync/internal/sandboxtest"
)

// pcsyncWith runs the command in-process like pcsync, with progress driven
// through seams. Each write to stderr is told on written, if not nil and
// not full.
func pcsyncWith(t *testing.T, ctx context.Context, seams progressSeams, written chan struct{}, env map[string]string, args ...string) result {
	t.Helper()
	var out bytes.Buffer
	errb := &signalWriter{written: written}
	a := &app{stdin: strings.NewReader(""), stdout: &out, stderr: errb,
		getenv: func(k string) string { return env[k] }, progress: seams}
	code := a.main(ctx, args)
	return result{code, out.String(), errb.String()}
}

// signalWriter is a buffer that tells each write on written, unless a
// signal is already waiting there. The buffer is a field, not embedded, so
// that io.WriteString cannot go around Write.
type signalWriter struct {
	buf     bytes.Buffer
	written chan struct{}
}

func (w *signalWriter) String() string { return w.buf.String() }

func (w *signalWriter) Write(p []byte) (int, error) {
	n, err := w.buf.Write(p)
	select {
	case w.written <- struct{}{}:
	default:
	}
	return n, err
}

// tickRig is a run whose progress shows at known points, with no clock:
// an emulator on an HTTP server whose every n-th request first hands a
// tick to the run's progress, then waits until progress has written to
// stderr, and only then is answered.
type tickRig struct {
	env     map[string]string
	seams   progressSeams
	written chan struct{}
	asked   atomic.Int64 // the interval progress asked its ticker for

	ctx      context.Context // the run's; cancelled at request cancelAt
	cancel   func()
	cancelAt int64
}

func newTickRig(t *testing.T, n int64) *tickRig {
	t.Helper()
	rig := &tickRig{written: make(chan struct{}, 1)}
	rig.ctx, rig.cancel = context.WithCancel(context.Background())
	t.Cleanup(rig.cancel)
	ticks := make(chan time.Time)
	var requests atomic.Int64
	shop := sandboxtest.New(t, emulator.Faults{}, sandboxtest.WithSecret(testSecret), sandboxtest.WithHandler(func(em http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			k := requests.Add(1)
			if k == rig.cancelAt {
				rig.cancel() // as SIGINT does: the rows in flight finish, the rest are skipped
			}
			if k%n == 0 {
				select {
				case <-rig.written: // an earlier write (the bar's blank state)
				default:
				}
				select {
				case ticks <- time.Time{}:
					select {
					case <-rig.written:
					case <-r.Context().Done():
					}
				case <-r.Context().Done(): // no progress is listening; the run times out and the test fails
				}
			}
			em.ServeHTTP(w, r)
		})
	}))
	var clock atomic.Int64 // each reading of the clock is one second later
	rig.seams = progressSeams{
		terminal: func(io.Writer) bool { return false },
		ticks: func(every time.Duration) (<-chan time.Time, func()) {
			rig.asked.Store(int64(every))
			return ticks, func() {}
		},
		now: func() time.Time { return time.Unix(clock.Add(1), 0) },
	}
	rig.env = map[string]string{envAPIURL: shop.URL, envShopID: shop.Options.ShopID, envShopSecret: testSecret}
	return rig
}

func (rig *tickRig) run(t *testing.T, args ...string) result {
	t.Helper()
	return pcsyncWith(t, rig.ctx, rig.seams, rig.written, rig.env, args...)
}

// emails40 is 40 segments/add rows.
func emails40() string {
	var b strings.Builder
	b.WriteString("email,action,segment_id\n")
	for i := 1; i <= 40; i++ {
		fmt.Fprintf(&b, "user%d@example.com,segments/add,100500\n", i)
	}
	return b.String()
}

// parseLogLine reads one slog line, text or JSON, into its attributes.
func parseLogLine(t *testing.T, format, line string) map[string]string {
	t.Helper()
	attrs := map[string]string{}
	if format == "json" {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("not JSON: %q: %v", line, err)
		}
		for k, v := range m {
			attrs[k] = fmt.Sprint(v)
		}
		return attrs
	}
	for rest := line; rest != ""; {
		k, v, ok := strings.Cut(rest, "=")
		if !ok {
			t.Fatalf("not key=value: %q", line)
		}
		if strings.HasPrefix(v, `"`) {
			end := strings.Index(v[1:], `"`) + 2
			uq, err := strconv.Unquote(v[:end])
			if err != nil {
				t.Fatalf("bad quoting in %q: %v", line, err)
			}
			attrs[k], rest = uq, strings.TrimPrefix(v[end:], " ")
			continue
		}
		attrs[k], rest, _ = strings.Cut(v, " ")
	}
	return attrs
}

func TestProgressLinesOffATerminal(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			rig := newTickRig(t, 10)
			in := writeFile(t, "emails.csv", emails40())
			r := rig.run(t, "run", "--rate", "0", "--workers", "1", "--timeout", "10s",
				"--log-format", format, "--progress-every", "3s", in)
			if r.code != exitOK {
				t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			if bytes.IndexByte([]byte(r.stderr), 0x1b) >= 0 || strings.Contains(r.stderr, "\r") {
				t.Errorf("control characters on stderr: %q", r.stderr)
			}
			if time.Duration(rig.asked.Load()) != 3*time.Second {
				t.Errorf("ticker every %v, want --progress-every 3s", time.Duration(rig.asked.Load()))
			}
			lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
			if len(lines) != 5 {
				t.Fatalf("%d lines, want a progress line at requests 10, 20, 30, 40 and a last one:\n%s", len(lines), r.stderr)
			}
			last := int64(-1)
			for i, line := range lines {
				a := parseLogLine(t, format, line)
				want := "progress"
				if i == 4 {
					want = "run ended"
				}
				if a["msg"] != want || a["level"] != "INFO" || a["total"] != "40" {
					t.Errorf("line %d: %q", i+1, line)
				}
				done, err := strconv.ParseInt(a["done"], 10, 64)
				if err != nil || done < last || (i < 4 && done >= int64(10*(i+1))) || (i == 4 && done != 40) {
					t.Errorf("line %d: done %q, after %d", i+1, a["done"], last)
				}
				last = done
				if a["ok"] != a["done"] || a["failed"] != "0" || a["invalid"] != "0" {
					t.Errorf("line %d: counts %q", i+1, line)
				}
				// The clock reads one second later each time: the start,
				// then one reading per line.
				elapsed := time.Duration(i+1) * time.Second
				if a["elapsed"] != elapsed.String() {
					t.Errorf("line %d: elapsed %q, want %v", i+1, a["elapsed"], elapsed)
				}
				if rate := fmt.Sprint(math.Round(float64(done)/float64(i+1)*10) / 10); a["rows_per_s"] != rate {
					t.Errorf("line %d: rows_per_s %q, want %s", i+1, a["rows_per_s"], rate)
				}
				if _, err := time.ParseDuration(a["eta"]); i < 4 && done > 0 && err != nil {
					t.Errorf("line %d: eta %q", i+1, a["eta"])
				}
				if _, has := a["eta"]; i == 4 && has {
					t.Errorf("the last line has an eta: %q", line)
				}
			}
		})
	}
}

func TestProgressBarOnATerminal(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"summary on stdout", nil},
		{"summary on stderr after the bar", []string{"--out", "-"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rig := newTickRig(t, 10)
			rig.seams.terminal = func(io.Writer) bool { return true }
			in := writeFile(t, "emails.csv", emails40())
			args := append([]string{"run", "--rate", "0", "--workers", "1", "--timeout", "10s", "--failed", in + ".failed"}, tt.args...)
			r := rig.run(t, append(args, in)...)
			if r.code != exitOK {
				t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			if time.Duration(rig.asked.Load()) != progressBarEvery {
				t.Errorf("bar redrawn every %v", time.Duration(rig.asked.Load()))
			}
			bar, after, ok := strings.Cut(r.stderr, "\n")
			if !ok {
				t.Fatalf("the bar's line never ends: %q", r.stderr)
			}
			if strings.Count(bar, "\r") < 5 {
				t.Errorf("bar drawn %d times, want at start, four ticks and the end: %q", strings.Count(bar, "\r"), bar)
			}
			draws := strings.Split(bar, "\r")
			final := strings.TrimRight(draws[len(draws)-1], " ")
			for _, want := range []string{"ok 40, failed 0, invalid 0", "100%", "(40/40", "rows/s)"} {
				if !strings.Contains(final, want) {
					t.Errorf("last drawing %q lacks %q", final, want)
				}
			}
			if strings.Contains(r.stderr, "level=") || strings.Contains(r.stderr, "msg=") {
				t.Errorf("log lines on a terminal: %q", r.stderr)
			}
			summary := r.stdout
			if tt.args != nil {
				summary = after
			}
			if !strings.HasPrefix(summary, "pcsync: 40 rows in ") {
				t.Errorf("the summary does not start on a line of its own: %q", summary)
			}
		})
	}
}

func TestProgressBarOfAnInterruptedRun(t *testing.T) {
	t.Parallel()
	rig := newTickRig(t, 10)
	rig.seams.terminal = func(io.Writer) bool { return true }
	rig.cancelAt = 15
	in := writeFile(t, "emails.csv", emails40())
	r := rig.run(t, "run", "--rate", "0", "--workers", "1", "--timeout", "10s", in)
	if r.code != exitInterrupted {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	bar, after, ok := strings.Cut(r.stderr, "\n")
	if !ok {
		t.Fatalf("the bar's line never ends: %q", r.stderr)
	}
	draws := strings.Split(bar, "\r")
	final := draws[len(draws)-1]
	// Row 15 was in flight and finishes; rows 16 to 40 are skipped, and
	// the bar stays where the run stopped.
	for _, want := range []string{"ok 15, failed 0, invalid 0, skipped 25", " 37% ", "(15/40"} {
		if !strings.Contains(final, want) {
			t.Errorf("last drawing %q lacks %q", final, want)
		}
	}
	if after != "pcsync: interrupted: rows not yet sent are marked skipped in the results; to finish the job: pcsync run --resume --rate 0 --workers 1 --timeout 10s "+in+"\n" {
		t.Errorf("after the bar: %q", after)
	}
}

func TestProgressQuietShowsNothing(t *testing.T) {
	t.Parallel()
	for _, terminal := range []bool{false, true} {
		t.Run(fmt.Sprint("terminal=", terminal), func(t *testing.T) {
			_, env := shop(t, emulator.Faults{})
			seams := progressSeams{
				terminal: func(io.Writer) bool { return terminal },
				ticks: func(time.Duration) (<-chan time.Time, func()) {
					t.Error("--quiet asked for a ticker")
					return nil, func() {}
				},
			}
			in := writeFile(t, "emails.csv", emails40())
			r := pcsyncWith(t, context.Background(), seams, nil, env, "run", "--rate", "0", "--quiet", in)
			if r.code != exitOK || r.stderr != "" {
				t.Errorf("exit %d, stderr %q", r.code, r.stderr)
			}
		})
	}
}

func TestLogFormatAppliesToDiagnostics(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		args []string
		code int
		want string // in the JSON record's msg; "" for plain text
	}{
		{"json error", nil, []string{"run", "--log-format", "json", "/nonexistent/x.csv"}, exitUsage, "cannot read input"},
		{"json from the environment", map[string]string{"PCSYNC_LOG_FORMAT": "JSON"}, []string{"run", "/nonexistent/x.csv"}, exitUsage, "cannot read input"},
		{"text stays plain", nil, []string{"run", "--log-format", "text", "/nonexistent/x.csv"}, exitUsage, ""},
		{"unknown format", nil, []string{"run", "--log-format", "xml", "x.csv"}, exitUsage, ""},
		{"bad interval", nil, []string{"run", "--progress-every", "0s", "x.csv"}, exitUsage, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := pcsync(t, tt.env, "", tt.args...)
			if r.code != tt.code {
				t.Fatalf("exit %d\n%s", r.code, r.stderr)
			}
			if tt.want == "" {
				if !strings.HasPrefix(r.stderr, "pcsync: ") {
					t.Errorf("stderr %q", r.stderr)
				}
				return
			}
			a := parseLogLine(t, "json", strings.TrimSuffix(r.stderr, "\n"))
			if a["level"] != "ERROR" || !strings.Contains(a["msg"], tt.want) {
				t.Errorf("stderr %q", r.stderr)
			}
		})
	}
}

func TestLogFormatJSONSandboxRunIsAllJSON(t *testing.T) {
	t.Parallel()
	in := writeFile(t, "demo.csv", readTestdata(t, "demo.csv"))
	r := pcsync(t, nil, "", "run", "--sandbox", "--rate", "0", "--log-format", "json", in)
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	if len(lines) < 2 {
		t.Fatalf("stderr %q", r.stderr)
	}
	if a := parseLogLine(t, "json", lines[0]); !strings.HasPrefix(a["msg"], "sandbox: ") {
		t.Errorf("first line %q", lines[0])
	}
	if a := parseLogLine(t, "json", lines[len(lines)-1]); a["msg"] != "run ended" || a["done"] != "15" {
		t.Errorf("last line %q", lines[len(lines)-1])
	}
}
