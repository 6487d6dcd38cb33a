package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pcsync/pcsync/internal/emulator"
)

// segmentFile is a segments/add file of n rows: the rows in invalid have a
// broken email, those in refused go to the dynamic segment 7 (the API
// answers 403), the others to segment 100500.
func segmentFile(n int, invalid, refused func(i int) bool) string {
	var b strings.Builder
	b.WriteString("email,action,segment_id\n")
	for i := 1; i <= n; i++ {
		email, seg := fmt.Sprintf("user%d@example.com", i), "100500"
		if invalid(i) {
			email = fmt.Sprintf("user%d@", i)
		}
		if refused(i) {
			seg = "7"
		}
		fmt.Fprintf(&b, "%s,segments/add,%s\n", email, seg)
	}
	return b.String()
}

func none(int) bool { return false }

// TestMaxFailed runs the real command against the emulator over HTTP with
// --max-failed, and reads what the summary JSON and the results file say.
func TestMaxFailed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		limit    string
		input    string
		code     int
		max      int    // max_failed in the JSON
		stopped  string // stopped in the JSON
		ok, skip int    // -1: not checked
		errText  string // on stderr
	}{
		{"under a count", "5", segmentFile(50, func(i int) bool { return i%10 == 0 }, none), exitRowsFailed, 5, "", 45, 0, ""},
		{"at a count is not past it", "5", segmentFile(50, func(i int) bool { return i <= 5 }, none), exitRowsFailed, 5, "", 45, 0, ""},
		{"past a count stops at once", "5", segmentFile(100, func(i int) bool { return i <= 30 }, none), exitMaxFailed, 5, "max_failed", 0, 70,
			"too many rows failed or invalid: 6 rows, over --max-failed 5 (5 rows); stopped: the rows not sent are marked skipped"},
		{"a percentage at its limit", "10%", segmentFile(100, func(i int) bool { return i%10 == 0 }, none), exitRowsFailed, 10, "", 90, 0, ""},
		{"a percentage past it", "10%", segmentFile(100, func(i int) bool { return i%10 == 0 || i == 99 }, none), exitMaxFailed, 10, "max_failed", -1, -1,
			"11 rows, over --max-failed 10% (10 rows)"},
		{"0: one failed row is too many", "0", segmentFile(40, none, func(i int) bool { return i == 20 }), exitMaxFailed, 0, "max_failed", -1, -1,
			": 1 row, over --max-failed 0 (0 rows)"},
		{"every row ok", "0", segmentFile(20, none, none), exitOK, 0, "", 20, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, env := shop(t, emulator.Faults{})
			in := writeFile(t, "in.csv", tt.input)
			js := filepath.Join(filepath.Dir(in), "s.json")
			r := pcsync(t, env, "", "run", "--rate", "0", "--workers", "2", "--retries", "0", "--quiet", "--max-failed", tt.limit, "--summary-json", js, in)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.errText) {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.code, r.stdout, r.stderr)
			}
			var got struct {
				Total, OK, Failed, Invalid, Skipped int
				MaxFailed                           *int `json:"max_failed"`
				ExitCode                            int  `json:"exit_code"`
				Stopped                             string
			}
			b, err := os.ReadFile(js)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if got.MaxFailed == nil || *got.MaxFailed != tt.max || got.Stopped != tt.stopped || got.ExitCode != tt.code {
				t.Errorf("summary JSON:\n%s", b)
			}
			if tt.ok >= 0 && (got.OK != tt.ok || got.Skipped != tt.skip) {
				t.Errorf("ok %d, skipped %d; want %d, %d", got.OK, got.Skipped, tt.ok, tt.skip)
			}
			if tt.code == exitMaxFailed && got.Failed+got.Invalid <= tt.max {
				t.Errorf("stopped with %d failed and %d invalid, limit %d", got.Failed, got.Invalid, tt.max)
			}
			c := recount(t, strings.TrimSuffix(in, ".csv")+".results.csv", ',')
			if n := c.status["ok"] + c.status["failed"] + c.status["invalid"] + c.status["skipped"]; n != got.Total || n != strings.Count(tt.input, "\n")-1 {
				t.Errorf("the results file has %d records for %d rows", n, got.Total)
			}
		})
	}
}

// TestMaxFailedStopsEarly: a run over its limit stops sending, so that a
// file that fails throughout costs a few requests, not one per row.
func TestMaxFailedStopsEarly(t *testing.T) {
	t.Parallel()
	em, env := shop(t, emulator.Faults{})
	in := writeFile(t, "in.csv", segmentFile(500, none, func(i int) bool { return i > 10 }))
	r := pcsync(t, env, "", "run", "--rate", "0", "--workers", "2", "--retries", "0", "--quiet", "--max-failed", "3", in)
	if r.code != exitMaxFailed {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if n := em.Stats().Requests; n > 10+4+2 {
		t.Errorf("%d requests for a run that crossed --max-failed 3 at its 14th row", n)
	}
}

func TestMaxFailedRefusesBadValues(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"-1", "abc", "101%", "2.5", "x%"} {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			r := pcsync(t, nil, "", "run", "--sandbox", "--max-failed", v, "in.csv")
			if r.code != exitUsage || !strings.Contains(r.stderr, "want a number of rows such as 25, or a percentage of the run's rows such as 2%") {
				t.Errorf("exit %d\n%s", r.code, r.stderr)
			}
		})
	}
}
