package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pcsync/pcsync/internal/emulator"
)

const damagedText = "the state file is damaged: move it away to start afresh (every row will then be sent)"

// zeroFilePages overwrites the pages of the file at path from page 2 (the
// two meta pages kept) to its end with zeros.
func zeroFilePages(t *testing.T, path string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	ps := int64(os.Getpagesize())
	zero := make([]byte, ps)
	for off := 2 * ps; off < fi.Size(); off += ps {
		if _, err := f.WriteAt(zero, off); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDamagedStateIsRefused: a state whose pages are zeroed is refused
// before anything is sent, by a run, a resumed run and a dry run (exit 2,
// the advice to move it away); no panic.
func TestDamagedStateIsRefused(t *testing.T) {
	t.Parallel()
	em, env := shop(t, emulator.Faults{})
	in := writeFile(t, "in.csv", rows1500())
	stateFile := filepath.Join(t.TempDir(), "s.state")
	if r := pcsync(t, env, "", "run", "--rate", "0", "--quiet", "--state", stateFile, in); r.code != exitOK {
		t.Fatalf("first run: exit %d\n%s", r.code, r.stderr)
	}
	zeroFilePages(t, stateFile)
	sent := em.Stats().Requests
	for _, extra := range [][]string{{}, {"--resume"}, {"--dry-run"}} {
		t.Run(strings.Join(append([]string{"run"}, extra...), " "), func(t *testing.T) {
			args := append(append([]string{"run", "--rate", "0", "--quiet", "--state", stateFile}, extra...), in)
			r := pcsync(t, env, "", args...)
			if r.code != exitUsage || !strings.Contains(r.stderr, damagedText) || !strings.Contains(r.stderr, stateFile) {
				t.Errorf("exit %d, want %d and %q naming the file\n%s%s", r.code, exitUsage, damagedText, r.stdout, r.stderr)
			}
		})
	}
	if n := em.Stats().Requests - sent; n != 0 {
		t.Errorf("%d requests sent with a damaged state", n)
	}
}

// TestStateDamagedMidRun damages the state under a running run (every
// page after the meta pages zeroed, as a disk fault would): the run stops
// like any fatal error, exit 1, every row with one result (the rest
// skipped and in the failed file), the summary printed and written; a run
// without the state then finishes the job with --resume.
func TestStateDamagedMidRun(t *testing.T) {
	t.Parallel()
	em, env := shop(t, emulator.Faults{})
	in := writeFile(t, "in.csv", rows1500())
	dir := t.TempDir()
	stateFile, sumFile := filepath.Join(dir, "s.state"), filepath.Join(dir, "sum.json")
	results := strings.TrimSuffix(in, ".csv") + ".results.csv"
	failed := strings.TrimSuffix(in, ".csv") + ".failed.csv"
	done := make(chan result, 1)
	go func() {
		done <- pcsync(t, env, "", "run", "--rate", "500", "--quiet", "--state", stateFile, "--summary-json", sumFile, in)
	}()
	deadline := time.Now().Add(20 * time.Second)
	for em.Stats().Requests < 100 && time.Now().Before(deadline) {
		time.Sleep(2 * time.Millisecond) // polling the run in progress; bounded
	}
	zeroFilePages(t, stateFile)
	var r result
	select {
	case r = <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("the run did not stop on a damaged state")
	}
	if r.code != exitRowsFailed || !strings.Contains(r.stderr, damagedText) || strings.Contains(r.stderr, "panic") {
		t.Fatalf("exit %d, want %d and %q\n%s", r.code, exitRowsFailed, damagedText, r.stderr)
	}
	if !strings.Contains(r.stdout, "1500 rows") {
		t.Errorf("no summary of the 1500 rows:\n%s", r.stdout)
	}
	st := checkOneResultPerRow(t, results, 1500)
	if st["skipped"] == 0 || st["ok"]+st["skipped"] != 1500 {
		t.Errorf("results: %v", st)
	}
	if got := len(readCSV(t, failed)) - 1; got != st["skipped"] {
		t.Errorf("the failed file lists %d rows, the results %d skipped", got, st["skipped"])
	}
	js := readJSON(t, sumFile)
	if js["total"] != 1500.0 || js["stopped"] != "error" || js["exit_code"] != 1.0 {
		t.Errorf("summary JSON: total %v stopped %v exit %v", js["total"], js["stopped"], js["exit_code"])
	}

	os.Rename(stateFile, stateFile+".damaged")
	if r := pcsync(t, env, "", "run", "--rate", "0", "--quiet", "--resume", in); r.code != exitOK {
		t.Fatalf("resume: exit %d\n%s", r.code, r.stderr)
	}
	if st := checkOneResultPerRow(t, results, 1500); st["ok"] != 1500 {
		t.Errorf("after the resume: %v", st)
	}
}
