package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/pcsync/pcsync/internal/emulator"
	"github.com/pcsync/pcsync/internal/job"
)

// TestExamplesRunClean runs every example of testdata/examples (one per
// action, named after it; with-errors.csv aside, and excel-export.csv and
// windows-1252.csv, which TestExcelExportExample and TestEncodings run
// with their flags; workbook.xlsx is TestWorkbookExample's) through a dry run and
// then a real run on the emulator: every row valid, every row ok.
func TestExamplesRunClean(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "examples", "*.csv"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"with-errors.csv": true, "excel-export.csv": true, "windows-1252.csv": true}
	others, err := filepath.Glob(filepath.Join("..", "..", "testdata", "examples", "*.xlsx"))
	if err != nil || len(others) != 1 || filepath.Base(others[0]) != "workbook.xlsx" {
		t.Errorf("workbooks %q (%v): want workbook.xlsx, which TestWorkbookExample runs", others, err)
	}
	for _, act := range job.Actions {
		want[exampleName(act)] = true
	}
	for _, f := range files {
		if !want[filepath.Base(f)] {
			t.Errorf("%s: an example for no action", f)
		}
	}
	for _, act := range job.Actions {
		name := exampleName(act)
		t.Run(name, func(t *testing.T) {
			in := writeFile(t, name, readTestdata(t, filepath.Join("examples", name)))
			recs := readCSV(t, in)
			if len(recs) < 4 {
				t.Errorf("%d rows: want at least 3", len(recs)-1)
			}
			for i, rec := range recs[1:] {
				if !strings.Contains(strings.Join(rec, ","), ","+string(act)+",") {
					t.Errorf("row %d is not a %s row: %q", i+1, act, rec)
				}
			}

			em, env := shop(t, emulator.Faults{})
			d := pcsync(t, env, "", "run", "--dry-run", in)
			if d.code != exitOK || !strings.Contains(d.stdout, "invalid                         0") {
				t.Errorf("dry run: exit %d\n%s%s", d.code, d.stdout, d.stderr)
			}
			if em.Stats().Requests != 0 {
				t.Errorf("the dry run sent %d requests", em.Stats().Requests)
			}

			r := pcsync(t, env, "", "run", "--rate", "0", "--quiet", in)
			if r.code != exitOK {
				t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			res := strings.TrimSuffix(in, ".csv") + ".results.csv"
			if st := checkOneResultPerRow(t, res, len(recs)-1); st["ok"] != len(recs)-1 {
				t.Errorf("statuses %v", st)
			}
		})
	}
}

// exampleName is the example file of an action: segments-add.csv.
func exampleName(a job.Action) string {
	return strings.ReplaceAll(string(a), "/", "-") + ".csv"
}
