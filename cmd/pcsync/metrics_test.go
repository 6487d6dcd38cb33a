package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pcsync/pcsync/internal/emulator"
	"github.com/pcsync/pcsync/internal/metrics"
)

// pcsyncAt is pcsync with the app's clock stopped at now.
func pcsyncAt(t *testing.T, now time.Time, env map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	a := &app{stdin: strings.NewReader(""), stdout: &out, stderr: &errb,
		getenv: func(k string) string { return env[k] }, stateLockTimeout: testLockTimeout,
		now: func() time.Time { return now }}
	code := a.main(context.Background(), args)
	return result{code, out.String(), errb.String()}
}

// gauges parses a metrics file as node_exporter does (metrics.Read).
func gauges(t *testing.T, path string) map[string]float64 {
	t.Helper()
	got, err := metrics.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// TestMetricsFileOverNights runs the command as cron would on three
// nights, with --metrics-file: a good night, a night over --max-failed,
// a night the credentials are missing. The time of the last successful
// run survives the two bad nights.
func TestMetricsFileOverNights(t *testing.T) {
	t.Parallel()
	_, env := shop(t, emulator.Faults{})
	dir := t.TempDir()
	prom := filepath.Join(dir, "pcsync.prom")
	night := func(n int) time.Time { return time.Date(2026, 11, 26+n, 2, 0, 0, 0, time.UTC) }
	nights := []struct {
		name  string
		env   map[string]string
		input string
		code  int
		want  map[string]float64
		none  []string
	}{
		{"a good night", env, segmentFile(30, func(i int) bool { return i == 7 }, none), exitRowsFailed, map[string]float64{
			metrics.ExitCode: 1, metrics.LastSuccess: float64(night(1).Unix()), metrics.LastRun: float64(night(1).Unix()), metrics.Requests: 29,
			metrics.Rows + "{action=segments/add,status=ok}": 29, metrics.Rows + "{action=segments/add,status=invalid}": 1,
			metrics.Rows + "{action=segments/get,status=ok}": 0}, nil},
		{"over --max-failed", env, segmentFile(30, func(i int) bool { return i <= 10 }, none), exitMaxFailed, map[string]float64{
			metrics.ExitCode: 3, metrics.LastSuccess: float64(night(1).Unix()), metrics.LastRun: float64(night(2).Unix()),
			metrics.Rows + "{action=segments/add,status=skipped}": 20}, nil},
		{"no credentials", map[string]string{envAPIURL: env[envAPIURL]}, segmentFile(3, none, none), exitUsage, map[string]float64{
			metrics.ExitCode: 2, metrics.LastSuccess: float64(night(1).Unix()), metrics.LastRun: float64(night(3).Unix())},
			[]string{metrics.Requests, metrics.Rows + "{action=segments/add,status=ok}"}},
	}
	for i, n := range nights {
		in := filepath.Join(dir, "contacts.csv")
		if err := os.WriteFile(in, []byte(n.input), 0o644); err != nil {
			t.Fatal(err)
		}
		r := pcsyncAt(t, night(i+1), n.env, "run", "--rate", "0", "--quiet", "--retries", "0", "--max-failed", "5", "--metrics-file", prom, in)
		if r.code != n.code {
			t.Fatalf("%s: exit %d, want %d\n%s%s", n.name, r.code, n.code, r.stdout, r.stderr)
		}
		got := gauges(t, prom)
		for k, v := range n.want {
			if g, ok := got[k]; !ok || g != v {
				t.Errorf("%s: %s = %v (present: %v), want %v", n.name, k, g, ok, v)
			}
		}
		for _, k := range n.none {
			if _, ok := got[k]; ok {
				t.Errorf("%s: %s present", n.name, k)
			}
		}
		b, _ := os.ReadFile(prom)
		if bytes.Contains(b, []byte(testSecret)) {
			t.Errorf("%s: the metrics hold the secret", n.name)
		}
	}
}

func TestMetricsFileRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	em, env := shop(t, emulator.Faults{})
	in := writeFile(t, "in.csv", segmentFile(3, none, none))
	for _, path := range []string{filepath.Join(filepath.Dir(in), "no", "such", "dir", "m.prom"), in, filepath.Dir(in)} {
		r := pcsync(t, env, "", "run", "--quiet", "--metrics-file", path, in)
		if r.code != exitUsage || !strings.Contains(r.stderr, "--metrics-file") {
			t.Errorf("--metrics-file %s: exit %d\n%s", path, r.code, r.stderr)
		}
	}
	if n := em.Stats().Requests; n != 0 {
		t.Errorf("%d requests sent", n)
	}
	if b, err := os.ReadFile(in); err != nil || string(b) != segmentFile(3, none, none) {
		t.Errorf("the input was changed: %q, %v", b, err)
	}
}
