package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pcsync/pcsync/internal/emulator"
)

// TestSummaryNamesTheBound runs pcsync against the sandbox far away, with
// too few workers, and against an API that throttles: the summary, text
// and JSON, names what bound each run.
func TestSummaryNamesTheBound(t *testing.T) {
	t.Parallel()
	_, throttling := shop(t, emulator.Faults{MaxRPS: 20})
	tests := []struct {
		name   string
		env    map[string]string
		args   []string
		rows   int
		bound  string
		inText string
	}{
		{"the rate asked", nil, []string{"--sandbox", "--latency", "10ms", "--rate", "50"}, 20, "rate", "the rate asked (50/s)"},
		{"one worker far away", nil, []string{"--sandbox", "--latency", "50ms", "--rate", "100", "--workers", "1"}, 15, "workers",
			"of 100/s asked: bound by 1 workers at the API's latency (p50 5"},
		{"the API's throttling", throttling, []string{"--rate", "100"}, 40, "throttled", "the API throttled above about"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var csv strings.Builder
			csv.WriteString("email,action\n")
			for i := range tt.rows {
				fmt.Fprintf(&csv, "u%d@example.com,segments/get\n", i)
			}
			in := writeFile(t, "in.csv", csv.String())
			path := filepath.Join(filepath.Dir(in), "s.json")
			r := pcsync(t, tt.env, "", append(append([]string{"run"}, tt.args...), "--quiet", "--summary-json", path, in)...)
			if r.code != exitOK {
				t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout, tt.inText) {
				t.Errorf("summary lacks %q:\n%s", tt.inText, r.stdout)
			}
			pace, _ := readJSON(t, path)["pace"].(map[string]any)
			if pace["bound"] != tt.bound {
				t.Errorf("pace %v: want bound %q", pace, tt.bound)
			}
			switch tt.bound {
			case "rate":
				if pace["adaptive"] != true || pace["latency_p50_ms"].(float64) < 9 || pace["asked_rate"] != 50.0 {
					t.Errorf("pace %v: want adaptive, p50 ≥ 9ms, asked 50", pace)
				}
			case "workers":
				if pace["adaptive"] != false || pace["max_workers"] != 1.0 || pace["effective_rate"].(float64) > 25 {
					t.Errorf("pace %v: want one fixed worker, at most 20/s", pace)
				}
			case "throttled":
				// The emulator counts requests in seconds aligned on the
				// clock's: a rolling second may see up to twice its limit
				// accepted, and a run this short throttles once or twice.
				if above := pace["throttled_above"].(float64); above < 10 || above > 40 || pace["suggested_rate"] != float64(int(0.95*above)) {
					t.Errorf("pace %v: want throttled above 20 to 40, and a rate suggested below it", pace)
				}
			}
		})
	}
}
