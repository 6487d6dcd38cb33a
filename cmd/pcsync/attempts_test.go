package main

import (
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pcsync/pcsync/internal/emulator"
)

// A row that was retried says in its error column, in the results and the
// failed-rows file, after how many attempts it gave up; a row sent once
// keeps the server's text. The top errors, of the run and of report, are
// one group however many attempts each row had.
func TestErrorSaysAfterHowManyAttempts(t *testing.T) {
	t.Parallel()
	const unavailable = "service temporarily unavailable"
	for _, tc := range []struct {
		retries string
		want    string
	}{
		{"0", unavailable},
		{"1", unavailable + " (after 2 attempts)"},
		{"2", unavailable + " (after 3 attempts)"},
	} {
		t.Run("retries "+tc.retries, func(t *testing.T) {
			t.Parallel()
			_, env := shop(t, emulator.Faults{Rate5xx: 1})
			in := writeFile(t, "get.csv", "email,action\na@example.com,segments/get\nb@example.com,segments/get\n")
			dir := filepath.Dir(in)
			runJSON, reportJSON := filepath.Join(dir, "run.json"), filepath.Join(dir, "report.json")
			r := pcsync(t, env, "", "run", "--retries", tc.retries, "--rate", "0", "--quiet", "--summary-json", runJSON, in)
			if r.code != exitRowsFailed {
				t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			for _, name := range []string{"get.results.csv", "get.failed.csv"} {
				recs := readCSV(t, filepath.Join(dir, name))
				errCol := slices.Index(recs[0], "error")
				if len(recs) != 3 || errCol < 0 {
					t.Fatalf("%s: %q", name, recs)
				}
				for _, rec := range recs[1:] {
					if rec[errCol] != tc.want {
						t.Errorf("%s: error %q, want %q", name, rec[errCol], tc.want)
					}
				}
			}
			if !strings.Contains(r.stdout, unavailable) || strings.Contains(r.stdout, "attempts)") {
				t.Errorf("the summary's top errors name the attempts:\n%s", r.stdout)
			}
			rep := pcsync(t, nil, "", "report", "--summary-json", reportJSON, filepath.Join(dir, "get.results.csv"))
			if rep.code != exitRowsFailed && rep.code != exitOK {
				t.Fatalf("report: exit %d\n%s%s", rep.code, rep.stdout, rep.stderr)
			}
			want := []any{map[string]any{"message": unavailable, "count": 2.0}}
			for _, path := range []string{runJSON, reportJSON} {
				if got := readJSON(t, path)["top_errors"]; !reflect.DeepEqual(got, want) {
					t.Errorf("%s: top_errors %s, want %v", filepath.Base(path), fmt.Sprint(got), want)
				}
			}
		})
	}
}
