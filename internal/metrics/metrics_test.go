package metrics

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/summary"
)

// read parses a metrics file as node_exporter does (metrics.Read).
func read(t *testing.T, path string) map[string]float64 {
	t.Helper()
	got, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestWrite(t *testing.T) {
	t.Parallel()
	night1 := time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)
	night2 := night1.Add(24 * time.Hour)
	sum := summary.New(summary.Options{})
	sum.AddRow(job.SegmentsAdd.Index(), job.StatusOK, 1, "")
	sum.AddRow(job.SegmentsAdd.Index(), job.StatusFailed, 3, "segment 7 is dynamic")
	sum.AddRow(-1, job.StatusInvalid, 0, "action \"x\": unknown action")
	tests := []struct {
		name     string
		before   string // the file's earlier content; "" for none
		run      Run
		want     map[string]float64
		absent   []string
		wantRows int
	}{
		{"a first run that failed knows no success", "", Run{ExitCode: 2, Started: night1, Ended: night1.Add(time.Second)},
			map[string]float64{ExitCode: 2, LastRun: float64(night1.Unix() + 1), Duration: 1}, []string{LastSuccess, Requests}, 0},
		{"a successful run", "", Run{Summary: sum, ExitCode: 1, Started: night1, Ended: night1.Add(90 * time.Second)},
			map[string]float64{ExitCode: 1, LastSuccess: float64(night1.Unix() + 90), Requests: 4, Duration: 90,
				Rows + "{action=segments/add,status=ok}": 1, Rows + "{action=segments/add,status=failed}": 1,
				Rows + "{action=(no valid action),status=invalid}": 1, Rows + "{action=segments/get,status=ok}": 0}, nil,
			(len(job.Actions) + 1) * len(job.Statuses)},
		{"a failed run keeps the last success", "# TYPE pcsync_last_success_timestamp_seconds gauge\npcsync_last_success_timestamp_seconds 1.7642016e+09\n",
			Run{Summary: sum, ExitCode: 3, Started: night2, Ended: night2.Add(time.Second)},
			map[string]float64{ExitCode: 3, LastSuccess: 1.7642016e+09, LastRun: float64(night2.Unix() + 1)}, nil, 0},
		{"an interrupted run keeps it too", "pcsync_last_success_timestamp_seconds 1.7642016e+09\n",
			Run{ExitCode: 130, Started: night2, Ended: night2}, map[string]float64{ExitCode: 130, LastSuccess: 1.7642016e+09}, nil, 0},
		{"an unreadable earlier file is replaced", "<html>not metrics</html>\n", Run{ExitCode: 2, Started: night2, Ended: night2},
			map[string]float64{ExitCode: 2}, []string{LastSuccess}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, "pcsync.prom")
			if tt.before != "" {
				if err := os.WriteFile(path, []byte(tt.before), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if err := Write(path, tt.run); err != nil {
				t.Fatal(err)
			}
			got := read(t, path)
			for k, v := range tt.want {
				if g, ok := got[k]; !ok || g != v {
					t.Errorf("%s = %v (present %v), want %v", k, g, ok, v)
				}
			}
			for _, k := range tt.absent {
				if _, ok := got[k]; ok {
					t.Errorf("%s present", k)
				}
			}
			if tt.wantRows > 0 {
				n := 0
				for k := range got {
					if strings.HasPrefix(k, Rows+"{") {
						n++
					}
				}
				if n != tt.wantRows {
					t.Errorf("%d %s series, want %d", n, Rows, tt.wantRows)
				}
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 {
				t.Errorf("the directory holds %d files: a temporary file was left", len(entries))
			}
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
				t.Errorf("mode %v, %v: node_exporter must be able to read it", fi.Mode(), err)
			}
		})
	}
}
