package summary

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/pcsync/pcsync/internal/job"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// TestJSONGolden pins the bytes --summary-json writes: key order,
// indentation, which keys are left out, [] for no errors.
func TestJSONGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		fill func(s *Summary)
	}{
		{"run", func(s *Summary) {
			// Every status, a row with no valid action, errors to group
			// (quotes, characters JSON escapes) and more groups than the
			// top list holds.
			s.Add(result(job.SegmentsAdd, job.StatusOK, 1, ""))
			s.Add(result(job.SegmentsAdd, job.StatusOK, 3, ""))
			s.Add(result(job.SegmentsAdd, job.StatusFailed, 6, "segment 7 is dynamic: only static segments accept contacts"))
			s.Add(result(job.SegmentsRemove, job.StatusFailed, 1, `answer is not the documented JSON: "<html> & more`))
			s.Add(result(job.SegmentsGet, job.StatusSkipped, 0, "not sent: the run was stopped"))
			s.Add(result(job.SegmentsGet, job.StatusDuplicate, 0, "not sent: same as row 1"))
			s.Add(result(job.SubscriptionsManage, job.StatusUnchanged, 0, "not sent: applied with the same parameters at 2026-01-02T03:04:05Z"))
			s.Add(result(job.SubscriptionsCallback, job.StatusInvalid, 0, `email "x@": not an email address (nothing after @)`))
			s.Add(result(job.SubscriptionsCallback, job.StatusInvalid, 0, `email "y@": not an email address (nothing after @)`))
			s.Add(result("", job.StatusInvalid, 0, `action "frob": unknown action`))
			s.Add(result("", job.StatusFailed, 2, "error 1"))
			s.Add(result("", job.StatusFailed, 2, "error 2"))
			s.Elapsed, s.ExitCode, s.Stopped = 1503*time.Millisecond, 1, StoppedGaveUp
		}},
		{"resumed", func(s *Summary) {
			for range 3 {
				s.Add(result(job.SegmentsAdd, job.StatusOK, 1, ""))
			}
			s.Elapsed, s.AlreadyDone, s.Interrupted, s.ExitCode = 2*time.Second, 597, true, 130
		}},
		{"resumed-nothing-left", func(s *Summary) {
			// No row this time: the rate is known, and 0.
			s.Elapsed, s.AlreadyDone = 12*time.Millisecond, 600
		}},
		{"report", func(s *Summary) {
			// A results file: no elapsed time, so neither it nor the rate.
			s.AddRow(job.SegmentsGet.Index(), job.StatusOK, 1, "")
			s.AddRow(NoAction, job.StatusOK, 2, "")
			s.AddRow(NoAction, job.StatusFailed, 6, "service temporarily unavailable")
			s.ExitCode = 1
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := New(Options{TopErrors: 4})
			tt.fill(s)
			path := filepath.Join(t.TempDir(), "summary.json")
			if err := s.WriteJSONFile(path); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", tt.name+".golden.json")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to write it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s:\n%s", path, golden, got)
			}
			// MarshalJSON is the same, compact.
			compact, err := json.Marshal(s)
			if err != nil {
				t.Fatal(err)
			}
			var c bytes.Buffer
			json.Compact(&c, want)
			if !bytes.Equal(compact, c.Bytes()) {
				t.Errorf("json.Marshal:\n%s\nwant\n%s", compact, c.Bytes())
			}
		})
	}
}

// TestJSONKeysFollowTheVocabulary: the count keys are job.Statuses in
// their order and the by_action keys job.Actions then NoActionLabel, so
// that a status or action added to job shows here as a failure.
func TestJSONKeysFollowTheVocabulary(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	s.AddRow(NoAction, job.StatusOK, 0, "")
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var statuses []string
	for _, st := range job.Statuses {
		statuses = append(statuses, st.String())
	}
	var actions []string
	for _, a := range job.Actions {
		actions = append(actions, string(a))
	}
	top := keys(t, b)
	if want := append([]string{"total"}, statuses...); !reflect.DeepEqual(top[:len(want)], want) {
		t.Errorf("keys %v, want them to start with %v", top, want)
	}
	var v struct {
		ByAction json.RawMessage `json:"by_action"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if got, want := keys(t, v.ByAction), append(actions, NoActionLabel); !reflect.DeepEqual(got, want) {
		t.Errorf("by_action keys %v, want %v", got, want)
	}
	var by map[string]json.RawMessage
	json.Unmarshal(v.ByAction, &by)
	for name, counts := range by {
		if got, want := keys(t, counts), append([]string{"total"}, statuses...); !reflect.DeepEqual(got, want) {
			t.Errorf("by_action %s keys %v, want %v", name, got, want)
		}
	}
}

// keys returns the keys of a JSON object in their order.
func keys(t *testing.T, obj []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(obj))
	var out []string
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not an object: %s", obj)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return out
}
