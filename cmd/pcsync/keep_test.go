package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pcsync/pcsync/internal/emulator"
	"github.com/pcsync/pcsync/internal/runner"
)

// kept lists the kept copies of results in its directory, oldest first.
func kept(t *testing.T, results string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(results))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), filepath.Base(results)+".") {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names
}

// age sets the modification time of path, the time its copy is kept under.
func age(t *testing.T, path string, at time.Time) {
	t.Helper()
	if err := os.Chtimes(path, at, at); err != nil {
		t.Fatal(err)
	}
}

// TestEarlierResultsAreKept runs the command over one input night after
// night: each run keeps the results of the one before under the time it
// was written, the newest runner.KeepResults of them.
func TestEarlierResultsAreKept(t *testing.T) {
	t.Parallel()
	_, env := shop(t, emulator.Faults{})
	in := writeFile(t, "contacts.csv", segmentFile(10, none, none))
	results := strings.TrimSuffix(in, ".csv") + ".results.csv"
	night := func(n int) time.Time { return time.Date(2026, 11, 20+n, 2, 0, 0, 0, time.UTC) }

	r := pcsync(t, env, "", "run", "--rate", "0", "--quiet", in)
	if r.code != exitOK || len(kept(t, results)) != 0 || strings.Contains(r.stderr, "kept") {
		t.Fatalf("first run: exit %d, kept %v\n%s", r.code, kept(t, results), r.stderr)
	}
	first, _ := os.ReadFile(results)
	age(t, results, night(1))

	// Night 2 fails every row: night 1's ok rows stay on disk.
	os.WriteFile(in, []byte(segmentFile(10, func(int) bool { return true }, none)), 0o644)
	r = pcsync(t, env, "", "run", "--rate", "0", "--quiet", in)
	want := filepath.Base(results) + ".20261121T020000Z"
	if got := kept(t, results); r.code != exitRowsFailed || !slices.Equal(got, []string{want}) {
		t.Fatalf("second run: exit %d, kept %v, want %s\n%s", r.code, got, want, r.stderr)
	}
	if !strings.Contains(r.stderr, "the earlier results "+results+" are kept as "+filepath.Join(filepath.Dir(results), want)) {
		t.Errorf("stderr:\n%s", r.stderr)
	}
	if b, _ := os.ReadFile(filepath.Join(filepath.Dir(results), want)); string(b) != string(first) {
		t.Errorf("kept copy:\n%s\nwant the first run's:\n%s", b, first)
	}

	// --resume appends to the results file: nothing is kept.
	age(t, results, night(2))
	os.WriteFile(in, []byte(segmentFile(10, none, none)), 0o644)
	r = pcsync(t, env, "", "run", "--rate", "0", "--quiet", "--resume", in)
	if got := kept(t, results); len(got) != 1 {
		t.Errorf("--resume: exit %d, kept %v\n%s", r.code, got, r.stderr)
	}

	// Many nights: the newest runner.KeepResults are kept.
	for n := 3; n <= 9; n++ {
		age(t, results, night(n))
		if r := pcsync(t, env, "", "run", "--rate", "0", "--quiet", in); r.code != exitOK {
			t.Fatalf("night %d: exit %d\n%s", n, r.code, r.stderr)
		}
	}
	got := kept(t, results)
	if len(got) != runner.KeepResults || got[0] != filepath.Base(results)+".20261125T020000Z" || got[len(got)-1] != filepath.Base(results)+".20261129T020000Z" {
		t.Errorf("kept after 9 nights: %v", got)
	}

	// Runs whose results bear the same second as a kept copy keep theirs
	// beside it, and newer.
	for range 2 {
		age(t, results, night(9))
		pcsync(t, env, "", "run", "--rate", "0", "--quiet", in)
	}
	got = kept(t, results)
	base := filepath.Base(results) + ".20261129T020000Z"
	if len(got) != runner.KeepResults || !slices.Equal(got[len(got)-3:], []string{base, base + "-2", base + "-3"}) {
		t.Errorf("kept after three runs in one second: %v", got)
	}
}

// TestEmptyEarlierResultsAreNotKept: an empty file is not worth keeping.
func TestEmptyEarlierResultsAreNotKept(t *testing.T) {
	t.Parallel()
	_, env := shop(t, emulator.Faults{})
	in := writeFile(t, "c.csv", segmentFile(3, none, none))
	results := strings.TrimSuffix(in, ".csv") + ".results.csv"
	os.WriteFile(results, nil, 0o644)
	if r := pcsync(t, env, "", "run", "--rate", "0", "--quiet", in); r.code != exitOK || len(kept(t, results)) != 0 {
		t.Errorf("exit %d, kept %v", r.code, kept(t, results))
	}
}
