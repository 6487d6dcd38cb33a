package summary

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pcsync/pcsync/internal/job"
)

func result(a job.Action, st job.Status, attempts int, msg string) *job.Result {
	return &job.Result{Action: a, Status: st, Attempts: attempts, Error: msg}
}

func TestCountsByActionAndStatus(t *testing.T) {
	s := New(Options{})
	for _, r := range []*job.Result{
		result(job.SegmentsAdd, job.StatusOK, 1, ""),
		result(job.SegmentsAdd, job.StatusOK, 3, ""),
		result(job.SegmentsAdd, job.StatusFailed, 6, "segment 7 is dynamic"),
		result(job.SubscriptionsCallback, job.StatusInvalid, 0, `event "x": unknown event`),
		result(job.SegmentsGet, job.StatusSkipped, 0, "not sent: the run was stopped"),
		result(job.SegmentsGet, job.StatusDuplicate, 0, "not sent: same as row 1"),
		result("", job.StatusInvalid, 0, `action "frob": unknown action`),
	} {
		s.Add(r)
	}
	add, get, cb := job.SegmentsAdd.Index(), job.SegmentsGet.Index(), job.SubscriptionsCallback.Index()
	tests := []struct {
		name      string
		got, want int64
	}{
		{"total", s.Total(), 7},
		{"requests", s.Requests(), 10},
		{"done", s.Done(), 3},
		{"ok", s.Status(job.StatusOK), 2},
		{"invalid", s.Status(job.StatusInvalid), 2},
		{"add ok", s.Count(add, job.StatusOK), 2},
		{"add failed", s.Count(add, job.StatusFailed), 1},
		{"add total", s.ActionTotal(add), 3},
		{"get skipped", s.Count(get, job.StatusSkipped), 1},
		{"get duplicate", s.Count(get, job.StatusDuplicate), 1},
		{"callback invalid", s.Count(cb, job.StatusInvalid), 1},
		{"no action invalid", s.Count(NoAction, job.StatusInvalid), 1},
		{"remove total", s.ActionTotal(job.SegmentsRemove.Index()), 0},
		// The duplicate's "same as row 1" is no error: it is done.
		{"other errors", s.OtherErrors(), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %d, want %d", tt.got, tt.want)
			}
		})
	}
	if top := s.TopErrors(); len(top) != 4 {
		t.Errorf("top errors %v, want the 4 rows not done", top)
	}
}

func TestAddRowOutOfRangeActionCountsAsNoAction(t *testing.T) {
	s := New(Options{})
	s.AddRow(-1, job.StatusInvalid, 0, "x")
	s.AddRow(NoAction+7, job.StatusInvalid, 0, "x")
	if got := s.Count(NoAction, job.StatusInvalid); got != 2 {
		t.Errorf("no-action invalid = %d, want 2", got)
	}
}

func TestGroupOf(t *testing.T) {
	long := strings.Repeat("é", 200)
	tests := []struct {
		name, in, want string
	}{
		{"plain", "segment 7 is dynamic", "segment 7 is dynamic"},
		{"quoted value", `email "x@": not an email address (nothing after @)`, `email "…": not an email address (nothing after @)`},
		{"escaped quote inside", `email "a\"b@": not an email address`, `email "…": not an email address`},
		{"two problems", `email "a": no @; phone "12": a phone number has 6 to 15 digits`, `email "…": no @; phone "…": a phone number has 6 to 15 digits`},
		{"unbalanced quote kept", `answer is not the documented JSON: "<html`, `answer is not the documented JSON: "<html`},
		{"long message cut at a rune", long, long[:236] + "…"},
		{"attempts left out", "service temporarily unavailable (after 6 attempts)", "service temporarily unavailable"},
		{"attempts of a stopped row left out", "stopped before retrying: connection refused (after 2 attempts)", "stopped before retrying: connection refused"},
		{"attempts with a quoted value", `answer is not the documented JSON: "x" (after 3 attempts)`, `answer is not the documented JSON: "…"`},
		{"not a number of attempts", "service unavailable (after some attempts)", "service unavailable (after some attempts)"},
		{"no space before", "unavailable(after 2 attempts)", "unavailable(after 2 attempts)"},
		{"not at the end", "x (after 2 attempts) y", "x (after 2 attempts) y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := GroupOf(tt.in); got != tt.want {
				t.Errorf("GroupOf(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestTopErrorsGroupsRowValues(t *testing.T) {
	s := New(Options{})
	for i := range 7 {
		s.Add(result(job.SegmentsAdd, job.StatusInvalid, 0, fmt.Sprintf(`email "user%d@": not an email address (nothing after @)`, i)))
	}
	s.Add(result(job.SegmentsAdd, job.StatusFailed, 1, "service temporarily unavailable"))
	s.Add(result(job.SegmentsAdd, job.StatusFailed, 6, "service temporarily unavailable (after 6 attempts)"))
	s.Add(result(job.SegmentsAdd, job.StatusFailed, 3, "service temporarily unavailable (after 3 attempts)"))
	s.Add(result(job.SegmentsAdd, job.StatusFailed, 1, "b"))
	s.Add(result(job.SegmentsAdd, job.StatusFailed, 1, "a"))
	want := []ErrorCount{
		{`email "…": not an email address (nothing after @)`, 7},
		{"service temporarily unavailable", 3},
		{"a", 1}, // ties by message
		{"b", 1},
	}
	if got := s.TopErrors(); !reflect.DeepEqual(got, want) {
		t.Errorf("top errors\n got %v\nwant %v", got, want)
	}
}

func TestErrorGroupsAreBounded(t *testing.T) {
	s := New(Options{TopErrors: 2, MaxGroups: 3})
	for i := range 1000 {
		s.Add(result(job.SegmentsGet, job.StatusFailed, 1, fmt.Sprintf("server error %d", i)))
	}
	for range 5 {
		s.Add(result(job.SegmentsGet, job.StatusFailed, 1, "server error 1"))
	}
	if n := len(s.errs.groups); n != 3 {
		t.Errorf("%d groups kept, want at most 3", n)
	}
	top := s.TopErrors()
	if len(top) != 2 || top[0] != (ErrorCount{"server error 1", 6}) {
		t.Errorf("top = %v", top)
	}
	var sum int64
	for _, e := range top {
		sum += e.Count
	}
	if sum+s.OtherErrors() != 1005 {
		t.Errorf("top %d + other %d != 1005 error rows", sum, s.OtherErrors())
	}
}

func TestCleanBeforeGrouping(t *testing.T) {
	s := New(Options{Clean: func(m string) string { return strings.ReplaceAll(m, "s3cr3t", "[REDACTED]") }})
	s.Add(result(job.SegmentsGet, job.StatusFailed, 1, "GET /x?shop_secret=s3cr3t: refused"))
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "s3cr3t") || !strings.Contains(string(b), "[REDACTED]") {
		t.Errorf("JSON: %s", b)
	}
}

func TestAddDoesNotAllocate(t *testing.T) {
	s := New(Options{})
	ok := result(job.SegmentsAdd, job.StatusOK, 1, "")
	failed := result(job.SegmentsAdd, job.StatusFailed, 2, `email "a@b": domain "b" has no dot (after 2 attempts)`)
	s.Add(failed) // the group's first message allocates its key
	tests := []struct {
		name string
		r    *job.Result
	}{{"ok row", ok}, {"error of a known group", failed}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if n := testing.AllocsPerRun(1000, func() { s.Add(tt.r) }); n != 0 {
				t.Errorf("%.1f allocations per row", n)
			}
		})
	}
}

func TestJSON(t *testing.T) {
	s := New(Options{})
	s.Add(result(job.SegmentsAdd, job.StatusOK, 1, ""))
	s.Add(result(job.SegmentsAdd, job.StatusFailed, 2, "segment 7 is dynamic"))
	s.Add(result("", job.StatusInvalid, 0, `action "frob": unknown`))
	s.Elapsed, s.ExitCode, s.Stopped = 2*time.Second, 1, StoppedGaveUp

	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	want := map[string]any{
		"total": 3.0, "ok": 1.0, "failed": 1.0, "invalid": 1.0, "skipped": 0.0, "duplicate": 0.0, "unchanged": 0.0,
		"requests": 3.0, "elapsed_seconds": 2.0, "rows_per_second": 1.5,
		"top_errors": []any{
			map[string]any{"message": `action "…": unknown`, "count": 1.0},
			map[string]any{"message": "segment 7 is dynamic", "count": 1.0},
		},
		"other_errors": 0.0, "exit_code": 1.0, "interrupted": false, "stopped": "gave_up",
	}
	by := got["by_action"].(map[string]any)
	delete(got, "by_action")
	if !reflect.DeepEqual(got, want) {
		t.Errorf("JSON\n got %v\nwant %v", got, want)
	}
	if len(by) != job.NumActions+1 {
		t.Errorf("by_action has %d keys: %v", len(by), by)
	}
	wantAdd := map[string]any{"total": 2.0, "ok": 1.0, "failed": 1.0, "invalid": 0.0, "skipped": 0.0, "duplicate": 0.0, "unchanged": 0.0}
	if !reflect.DeepEqual(by["segments/add"], wantAdd) {
		t.Errorf("by_action segments/add = %v", by["segments/add"])
	}
	if n := by[NoActionLabel].(map[string]any)["invalid"]; n != 1.0 {
		t.Errorf("by_action %s invalid = %v", NoActionLabel, n)
	}
	for _, st := range job.Statuses {
		if _, ok := got[st.String()]; !ok {
			t.Errorf("no %q key: every status has one", st)
		}
	}
	if !strings.HasPrefix(string(b), `{"total":3,"ok":1,`) {
		t.Errorf("keys out of order: %s", b)
	}
}

func TestJSONLeavesOutWhatIsUnknown(t *testing.T) {
	s := New(Options{})
	s.Add(result(job.SegmentsAdd, job.StatusOK, 1, ""))
	b, _ := json.Marshal(s)
	for _, key := range []string{"elapsed_seconds", "rows_per_second", "already_done", NoActionLabel} {
		if strings.Contains(string(b), `"`+key+`"`) {
			t.Errorf("%s present: %s", key, b)
		}
	}
	if !strings.Contains(string(b), `"top_errors":[]`) {
		t.Errorf("top_errors is not an empty list: %s", b)
	}
}

func TestWriteJSONFileIsAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "summary.json")
	os.WriteFile(path, []byte("old"), 0o644)
	s := New(Options{})
	s.Add(result(job.SegmentsAdd, job.StatusOK, 1, ""))
	if err := s.WriteJSONFile(path); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	var got struct{ Total int }
	if err := json.Unmarshal(b, &got); err != nil || got.Total != 1 {
		t.Errorf("file %q: %v", b, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
	if err := s.WriteJSONFile(filepath.Join(dir, "missing", "s.json")); err == nil {
		t.Error("no error writing into a missing directory")
	}
}

func TestCheckJSONPath(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		path string
		ok   bool
	}{
		{"new file", filepath.Join(dir, "s.json"), true},
		{"a directory", dir, false},
		{"missing directory", filepath.Join(dir, "no", "s.json"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := CheckJSONPath(tt.path); (err == nil) != tt.ok {
				t.Errorf("CheckJSONPath = %v, want ok=%v", err, tt.ok)
			}
		})
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files left: %v", entries)
	}
}

func TestWriteText(t *testing.T) {
	s := New(Options{})
	for range 4 {
		s.Add(result(job.SegmentsAdd, job.StatusOK, 1, ""))
	}
	s.Add(result(job.SegmentsGet, job.StatusFailed, 6, "service temporarily unavailable"))
	s.Add(result("", job.StatusInvalid, 0, `action "x": unknown action`))
	var b bytes.Buffer
	s.WriteText(&b)
	want := `pcsync: 6 rows, 10 requests
  action                         ok   failed  invalid  skipped duplicate
  segments/add                    4        0        0        0         0
  segments/get                    0        1        0        0         0
  (no valid action)               0        0        1        0         0
  total                           4        1        1        0         0
top errors (rows):
  1  action "…": unknown action
  1  service temporarily unavailable
`
	if b.String() != want {
		t.Errorf("text\n%s\nwant\n%s", b.String(), want)
	}
	s.Elapsed = 3 * time.Second
	b.Reset()
	s.WriteText(&b)
	if first, _, _ := strings.Cut(b.String(), "\n"); first != "pcsync: 6 rows in 3s (2 rows/s), 10 requests" {
		t.Errorf("headline %q", first)
	}
	// Stopped early: the skipped rows are neither dealt with nor in the rate.
	for range 3 {
		s.Add(result(job.SegmentsAdd, job.StatusSkipped, 0, "not sent: the run was stopped"))
	}
	b.Reset()
	s.WriteText(&b)
	if first, _, _ := strings.Cut(b.String(), "\n"); first != "pcsync: 6 of 9 rows dealt with in 3s (2 rows/s), 10 requests; 3 skipped (not sent)" {
		t.Errorf("headline %q", first)
	}
}

func TestWriteTextShowsUnchangedOnlyWhenSomeRowIs(t *testing.T) {
	s := New(Options{})
	s.Add(result(job.SegmentsAdd, job.StatusOK, 1, ""))
	s.Add(result(job.SegmentsAdd, job.StatusUnchanged, 0, "not sent: applied with the same parameters at 2026-01-02T03:04:05Z"))
	s.Add(result(job.SubscriptionsManage, job.StatusUnchanged, 0, "not sent: applied with the same parameters at 2026-01-02T03:04:05Z"))
	var b bytes.Buffer
	s.WriteText(&b)
	want := `pcsync: 3 rows, 1 request
  action                         ok   failed  invalid  skipped duplicate unchanged
  segments/add                    1        0        0        0         0         1
  subscriptions/manage            0        0        0        0         0         1
  total                           1        0        0        0         0         2
`
	if b.String() != want {
		t.Errorf("text\n%s\nwant\n%s", b.String(), want)
	}
	if s.Done() != 3 || len(s.TopErrors()) != 0 {
		t.Errorf("unchanged rows are done and no error: done %d, top errors %v", s.Done(), s.TopErrors())
	}
}

// TestCountsReadWhileAdding: progress reads the counts while the run adds
// to them (run with -race); every reading is a count some moment had.
func TestCountsReadWhileAdding(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	const n = 20000
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range n {
			st := job.StatusOK
			if i%4 == 0 {
				st = job.StatusFailed
			}
			s.Add(result(job.SegmentsAdd, st, 1, ""))
		}
	}()
	var last int64
	readings := 0
	for finished := false; !finished; {
		select {
		case <-done:
			finished = true
		default:
		}
		total, requests := s.Total(), s.Requests()
		if total < last || total > n || requests > n {
			t.Fatalf("reading %d: total %d after %d, requests %d", readings, total, last, requests)
		}
		last = total
		readings++
	}
	if s.Total() != n || s.Status(job.StatusFailed) != n/4 || s.Done() != n-n/4 || s.Requests() != n {
		t.Errorf("total %d, failed %d, done %d, requests %d", s.Total(), s.Status(job.StatusFailed), s.Done(), s.Requests())
	}
}

func TestRemovalsNotDone(t *testing.T) {
	t.Parallel()
	removal := func(st job.Status) *job.Result {
		r := result(job.SegmentsRemove, st, 1, "")
		r.Row.Origin = job.OriginMirror
		return r
	}
	tests := []struct {
		name string
		rows []*job.Result
		want int64
	}{
		{"none", nil, 0},
		{"input rows not done do not count", []*job.Result{result(job.SegmentsAdd, job.StatusFailed, 1, "x")}, 0},
		{"removals done do not count", []*job.Result{removal(job.StatusOK), removal(job.StatusUnchanged)}, 0},
		{"removals not done", []*job.Result{removal(job.StatusFailed), removal(job.StatusSkipped), removal(job.StatusOK)}, 2},
		{"a status not counted is no removal", []*job.Result{removal(job.NumStatuses)}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := New(Options{})
			for _, r := range tt.rows {
				s.Add(r)
			}
			if got := s.RemovalsNotDone(); got != tt.want {
				t.Errorf("RemovalsNotDone = %d, want %d", got, tt.want)
			}
		})
	}
}

// TestTopErrorsNeverHideASixth: with six groups the sixth is shown rather
// than "1 (other errors)"; with seven, two are other errors.
func TestTopErrorsNeverHideASixth(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		groups, shown int
		other         int64
	}{{5, 5, 0}, {6, 6, 0}, {7, 5, 2}} {
		t.Run(strconv.Itoa(tt.groups), func(t *testing.T) {
			t.Parallel()
			s := New(Options{})
			for g := range tt.groups {
				s.AddRow(job.SegmentsAdd.Index(), job.StatusFailed, 1, "error "+strconv.Itoa(g))
			}
			var b strings.Builder
			s.WriteText(&b)
			if n := len(s.TopErrors()); n != tt.shown || s.OtherErrors() != tt.other || strings.Contains(b.String(), "(other errors)") != (tt.other > 0) {
				t.Errorf("%d shown, %d other:\n%s", n, s.OtherErrors(), b.String())
			}
		})
	}
}
