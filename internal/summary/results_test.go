package summary

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/results"
)

func TestFromResults(t *testing.T) {
	t.Parallel()
	const header = "row,email,action,status,http_status,attempts,error,segments\n"
	add, get, remove := job.SegmentsAdd.Index(), job.SegmentsGet.Index(), job.SegmentsRemove.Index()
	type count struct {
		a    int
		st   job.Status
		want int64
	}
	tests := []struct {
		name     string
		content  string
		counts   []count
		requests int64
		removals int64 // RemovalsNotDone
		file     ResultsFile
		top      []ErrorCount
	}{
		{"every kind of row", header +
			"1,a@b.co,segments/add,ok,200,1,,\n" +
			"2,a@b.co,segments/add,duplicate,,0,not sent: same as row 1,\n" +
			"3,x@,segments/add,invalid,,0,\"email \"\"x@\"\": not an email address\",\n" +
			"4,y@,Segments/Get,invalid,,0,\"email \"\"y@\"\": not an email address\",\n" +
			"5,c@d.co,frob,invalid,,0,\"action \"\"frob\"\": unknown action\",\n" +
			",e@f.co,segments/remove,failed,503,6,service temporarily unavailable,\n" +
			",g@h.co,segments/remove,ok,200,1,,\n",
			[]count{{add, job.StatusOK, 1}, {add, job.StatusDuplicate, 1}, {add, job.StatusInvalid, 1},
				{get, job.StatusInvalid, 1}, {NoAction, job.StatusInvalid, 1}, {remove, job.StatusFailed, 1}, {remove, job.StatusOK, 1}},
			8, 1, ResultsFile{HasAction: true},
			[]ErrorCount{{`email "…": not an email address`, 2}, {`action "…": unknown action`, 1}, {"service temporarily unavailable", 1}}},
		{"no action column", "row,email,status,attempts,error\n1,a@b.co,ok,2,\n",
			[]count{{NoAction, job.StatusOK, 1}}, 2, 0, ResultsFile{}, nil},
		{"last record cut short", header + "1,a@b.co,segments/get,ok,200,1,,\n2,c@d.co,segm",
			[]count{{get, job.StatusOK, 1}}, 1, 0, ResultsFile{HasAction: true, CutShort: true}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "r.csv")
			os.WriteFile(path, []byte(tt.content), 0o644)
			s, file, err := FromResults(path, 0, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var total int64
			for _, c := range tt.counts {
				total += c.want
				if got := s.Count(c.a, c.st); got != c.want {
					t.Errorf("action %d %s: %d rows, want %d", c.a, c.st, got, c.want)
				}
			}
			if s.Total() != total || s.Requests() != tt.requests || s.RemovalsNotDone() != tt.removals || file != tt.file {
				t.Errorf("total %d, requests %d, removals not done %d, %+v; want %d, %d, %d, %+v",
					s.Total(), s.Requests(), s.RemovalsNotDone(), file, total, tt.requests, tt.removals, tt.file)
			}
			if got := s.TopErrors(); !reflect.DeepEqual(got, tt.top) {
				t.Errorf("top errors %v, want %v", got, tt.top)
			}
			if s.Elapsed != 0 {
				t.Errorf("Elapsed %v: a results file does not say", s.Elapsed)
			}
		})
	}
}

func TestFromResultsErrorsAreFileErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("row,status,attempts,error\n1,fine,1,\n"), 0o644)
	for _, path := range []string{filepath.Join(dir, "missing.csv"), dir, bad} {
		_, _, err := FromResults(path, 0, Options{})
		var fe *results.FileError
		if !errors.As(err, &fe) {
			t.Errorf("%s: error %v (%T), want a *results.FileError", path, err, err)
		}
	}
}
