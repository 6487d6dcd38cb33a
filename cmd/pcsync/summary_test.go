package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pcsync/pcsync/internal/emulator"
	"github.com/pcsync/pcsync/internal/job"
)

// troubled600 is mixed600 with rows that cannot be sent (a broken email
// every 37th row, an unknown action every 53rd), copies of row 1 (every
// 41st row: duplicates with --dedupe) and rows the API refuses
// (segments/add to the dynamic segment 7, past row 100 so that the first
// answers do not all look like refused credentials).
func troubled600() string {
	lines := strings.Split(strings.TrimSuffix(mixed600(), "\n"), "\n")
	for i := 1; i < len(lines); i++ {
		f := strings.Split(lines[i], ",")
		switch {
		case i%41 == 0:
			f = strings.Split(lines[1], ",")
		case i%37 == 0:
			f[0], f[1] = fmt.Sprintf("user%d@", i), ""
		case i%53 == 0:
			f[2] = "segments/frob"
		case i > 100 && i%10 == 5:
			f[3] = "7"
		}
		lines[i] = strings.Join(f, ",")
	}
	return strings.Join(lines, "\n") + "\n"
}

// counted is a results file recounted by the test, independently of
// internal/summary.
type counted struct {
	status   map[string]int
	byAction map[string]map[string]int
	requests int
	errors   map[string]int // by message, quoted values replaced by "…"
}

var quoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

func recount(t *testing.T, path string, comma rune) counted {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = comma
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, name := range recs[0] {
		col[strings.ToLower(name)] = i
	}
	c := counted{status: map[string]int{}, byAction: map[string]map[string]int{}, errors: map[string]int{}}
	for _, rec := range recs[1:] {
		st, act := rec[col["status"]], strings.ToLower(rec[col["action"]])
		if _, ok := job.ParseAction(act); !ok {
			act = "(no valid action)"
		}
		if c.byAction[act] == nil {
			c.byAction[act] = map[string]int{}
		}
		c.status[st]++
		c.byAction[act][st]++
		n, _ := strconv.Atoi(rec[col["attempts"]])
		c.requests += n
		if msg := rec[col["error"]]; msg != "" && st != "ok" && st != "duplicate" && st != "unchanged" {
			c.errors[quoted.ReplaceAllString(msg, `"…"`)]++
		}
	}
	return c
}

// assertSummaryMatches compares every number of a summary JSON with the
// recount of its results file.
func assertSummaryMatches(t *testing.T, got map[string]any, want counted) {
	t.Helper()
	statuses := []string{"ok", "failed", "invalid", "skipped", "duplicate", "unchanged"}
	num := func(m map[string]any, key string) int {
		v, ok := m[key].(float64)
		if !ok {
			t.Errorf("%q is %v, not a number", key, m[key])
		}
		return int(v)
	}
	total := 0
	for _, s := range statuses {
		total += want.status[s]
		if n := num(got, s); n != want.status[s] {
			t.Errorf("%s: JSON %d, results file %d", s, n, want.status[s])
		}
	}
	if n := num(got, "total"); n != total {
		t.Errorf("total: JSON %d, results file %d", n, total)
	}
	if n := num(got, "requests"); n != want.requests {
		t.Errorf("requests: JSON %d, results file %d", n, want.requests)
	}
	by := got["by_action"].(map[string]any)
	for act, counts := range want.byAction {
		m, ok := by[act].(map[string]any)
		if !ok {
			t.Errorf("by_action has no %q", act)
			continue
		}
		sum := 0
		for _, s := range statuses {
			sum += counts[s]
			if n := num(m, s); n != counts[s] {
				t.Errorf("by_action %s %s: JSON %d, results file %d", act, s, n, counts[s])
			}
		}
		if n := num(m, "total"); n != sum {
			t.Errorf("by_action %s total: JSON %d, results file %d", act, n, sum)
		}
	}
	for act, v := range by {
		if want.byAction[act] == nil && num(v.(map[string]any), "total") != 0 {
			t.Errorf("by_action %s has rows the results file does not", act)
		}
	}
	type group struct {
		msg string
		n   int
	}
	var groups []group
	errorRows := 0
	for m, n := range want.errors {
		groups = append(groups, group{m, n})
		errorRows += n
	}
	slices.SortFunc(groups, func(a, b group) int {
		if a.n != b.n {
			return b.n - a.n
		}
		return strings.Compare(a.msg, b.msg)
	})
	top := got["top_errors"].([]any)
	if len(top) != min(5, len(groups)) {
		t.Fatalf("top_errors has %d groups, the results file %d: %v", len(top), len(groups), top)
	}
	inTop := 0
	for i, e := range top {
		e := e.(map[string]any)
		if e["message"] != groups[i].msg || num(e, "count") != groups[i].n {
			t.Errorf("top error %d: JSON %v, results file %q × %d", i, e, groups[i].msg, groups[i].n)
		}
		inTop += num(e, "count")
	}
	if n := num(got, "other_errors"); n != errorRows-inTop {
		t.Errorf("other_errors: JSON %d, results file %d", n, errorRows-inTop)
	}
}

func readJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v\n%s", path, err, b)
	}
	return m
}

// countLines returns the counting part of a printed summary: the table
// and the top errors.
func countLines(out string) []string {
	var lines []string
	in := false
	for _, l := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(l, "  action "):
			in = true
		case strings.HasPrefix(l, "results:"), strings.HasPrefix(l, "failed:"), strings.HasPrefix(l, "not done:"):
			in = false
		}
		if in {
			lines = append(lines, l)
		}
	}
	return lines
}

func TestSummaryJSONMatchesResultsAndReport(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		input  string
		faults emulator.Faults
		code   int
	}{
		{"all ok", mixed600(), emulator.Faults{}, exitOK},
		{"invalid and failing rows", troubled600(), emulator.Faults{Rate5xx: 0.05}, exitRowsFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, env := shop(t, tt.faults)
			in := writeFile(t, "mixed.csv", tt.input)
			dir := filepath.Dir(in)
			results, runJSON, reportJSON := filepath.Join(dir, "mixed.results.csv"), filepath.Join(dir, "run.json"), filepath.Join(dir, "report.json")
			env["PCSYNC_SUMMARY_JSON"] = runJSON
			r := pcsync(t, env, "", "run", "--rate", "0", "--workers", "8", "--retries", "0", "--dedupe", "--quiet", in)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d\n%s%s", r.code, tt.code, r.stdout, r.stderr)
			}
			want := recount(t, results, ',')
			if tt.code != exitOK && (want.status["invalid"] == 0 || want.status["failed"] == 0 || want.status["duplicate"] == 0 || want.byAction["(no valid action)"] == nil) {
				t.Fatalf("the input does not exercise invalid, failed, duplicate and no-action rows: %v", want.status)
			}
			run := readJSON(t, runJSON)
			assertSummaryMatches(t, run, want)
			if run["exit_code"] != float64(r.code) || run["interrupted"] != false || run["stopped"] != "" {
				t.Errorf("exit_code %v interrupted %v stopped %v", run["exit_code"], run["interrupted"], run["stopped"])
			}
			if _, ok := run["elapsed_seconds"].(float64); !ok {
				t.Errorf("no elapsed_seconds: %v", run)
			}

			rep := pcsync(t, nil, "", "report", "--summary-json", reportJSON, results)
			if rep.code != r.code {
				t.Errorf("report exit %d, run exit %d\n%s%s", rep.code, r.code, rep.stdout, rep.stderr)
			}
			runLines, repLines := countLines(r.stdout), countLines(rep.stdout)
			if len(runLines) < 3 || !slices.Equal(runLines, repLines) {
				t.Errorf("report table differs from the run's:\nrun:\n%s\nreport:\n%s", strings.Join(runLines, "\n"), strings.Join(repLines, "\n"))
			}
			report := readJSON(t, reportJSON)
			delete(run, "elapsed_seconds")
			delete(run, "rows_per_second")
			delete(run, "pace") // what bound the run: a report cannot know it
			if !reflect.DeepEqual(run, report) {
				t.Errorf("report JSON differs from the run's:\nrun    %v\nreport %v", run, report)
			}
		})
	}
}

func TestSummaryJSONOfStoppedRuns(t *testing.T) {
	t.Parallel()
	t.Run("interrupted", func(t *testing.T) {
		_, env := shop(t, emulator.Faults{})
		in := writeFile(t, "mixed.csv", mixed600())
		path := filepath.Join(filepath.Dir(in), "s.json")
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // as if SIGINT came before the first row
		var out, errb bytes.Buffer
		a := &app{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(k string) string { return env[k] }}
		if code := a.main(ctx, []string{"run", "--quiet", "--summary-json", path, in}); code != exitInterrupted {
			t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
		}
		// Nothing was sent: the run never got as far as sending, and
		// writes no summary.
		if !strings.Contains(errb.String(), "interrupted before sending began: nothing was sent") {
			t.Errorf("stderr:\n%s", errb.String())
		}
		if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("a summary of a run that sent nothing: %v", err)
		}
	})
	t.Run("refused credentials", func(t *testing.T) {
		_, env := shop(t, emulator.Faults{})
		env[envShopSecret] = "not-the-secret"
		in := writeFile(t, "mixed.csv", mixed600())
		path := filepath.Join(filepath.Dir(in), "s.json")
		r := pcsync(t, env, "", "run", "--rate", "0", "--workers", "2", "--quiet", "--summary-json", path, in)
		if r.code != exitUsage {
			t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		got := readJSON(t, path)
		if got["exit_code"] != 2.0 || got["stopped"] != "refused" || got["interrupted"] != false {
			t.Errorf("summary %v", got)
		}
		assertSummaryMatches(t, got, recount(t, strings.TrimSuffix(in, ".csv")+".results.csv", ','))
	})
}

func TestSummaryJSONNeverHoldsTheSecret(t *testing.T) {
	t.Parallel()
	// segments/get carries the secret in its URL; the API is a closed port.
	_, env := shop(t, emulator.Faults{})
	env[envAPIURL] = "http://127.0.0.1:1"
	in := writeFile(t, "get.csv", "email,action\na@example.com,segments/get\nb@example.com,segments/get\n")
	path := filepath.Join(filepath.Dir(in), "s.json")
	r := pcsync(t, env, "", "run", "--retries", "0", "--rate", "0", "--quiet", "--summary-json", path, in)
	if r.code != exitRowsFailed {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	b, _ := os.ReadFile(path)
	if strings.Contains(string(b), testSecret[:16]) || !strings.Contains(string(b), `"failed": 2`) {
		t.Errorf("summary:\n%s", b)
	}
}

func TestSummaryJSONRefusedOrNotWritten(t *testing.T) {
	t.Parallel()
	em, env := shop(t, emulator.Faults{})
	in := writeFile(t, "in.csv", "email,action\na@example.com,segments/get\n")
	dir := filepath.Dir(in)
	t.Run("unwritable path: exit 2, nothing sent", func(t *testing.T) {
		r := pcsync(t, env, "", "run", "--quiet", "--summary-json", filepath.Join(dir, "no", "s.json"), in)
		if r.code != exitUsage || !strings.Contains(r.stderr, "--summary-json") {
			t.Errorf("exit %d\n%s", r.code, r.stderr)
		}
		if em.Stats().Requests != 0 {
			t.Errorf("%d requests sent", em.Stats().Requests)
		}
	})
	t.Run("the results file: exit 2", func(t *testing.T) {
		out := filepath.Join(dir, "r.csv")
		r := pcsync(t, env, "", "run", "--quiet", "--out", out, "--summary-json", out, in)
		if r.code != exitUsage || !strings.Contains(r.stderr, "--summary-json") {
			t.Errorf("exit %d\n%s", r.code, r.stderr)
		}
	})
	t.Run("dry run writes none", func(t *testing.T) {
		path := filepath.Join(dir, "dry.json")
		r := pcsync(t, env, "", "run", "--dry-run", "--summary-json", path, in)
		if r.code != exitOK {
			t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		if _, err := os.Stat(path); err == nil {
			t.Error("a dry run wrote the summary JSON")
		}
	})
}

func TestActionFlagResultsSayTheAction(t *testing.T) {
	t.Parallel()
	_, env := shop(t, emulator.Faults{})
	in := writeFile(t, "emails.csv", "email\na@example.com\nnot-an-email\nb@example.com\n")
	results := strings.TrimSuffix(in, ".csv") + ".results.csv"
	args := []string{"run", "--action", "segments/add", "--segment-id", "42", "--rate", "0", "--quiet", in}
	if r := pcsync(t, env, "", args...); r.code != exitRowsFailed {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	recs := readCSV(t, results)
	if !slices.Equal(recs[0], []string{"row", "email", "action", "status", "http_status", "attempts", "error", "segments"}) {
		t.Fatalf("results header %q", recs[0])
	}
	for _, rec := range recs[1:] {
		if rec[2] != "segments/add" {
			t.Errorf("row %s: action %q", rec[0], rec[2])
		}
	}
	if failed := readCSV(t, strings.TrimSuffix(in, ".csv")+".failed.csv"); !slices.Equal(failed[0], []string{"email", "original_row", "original_line", "error"}) {
		t.Errorf("failed header %q: it must stay the input's, with pcsync's columns after", failed[0])
	}
	rep := pcsync(t, nil, "", "report", results)
	if !strings.Contains(rep.stdout, "  segments/add                    2        0        1") {
		t.Errorf("report:\n%s%s", rep.stdout, rep.stderr)
	}
	// --resume compares the results header with the one it would write.
	r := pcsync(t, env, "", append([]string{"run", "--resume"}, args[1:]...)...)
	if r.code != exitRowsFailed || !strings.Contains(r.stdout, "resumed: 2 rows") {
		t.Errorf("resume: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if st := checkOneResultPerRow(t, results, 3); st["ok"] != 2 || st["invalid"] != 1 {
		t.Errorf("after resume: %v", st)
	}
}
