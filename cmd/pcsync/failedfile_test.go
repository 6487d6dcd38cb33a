package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pcsync/pcsync/internal/emulator"
)

// The failed-rows file carries each row's original number and line; fed
// back in, its results say them (original_row, original_line) beside the
// row's index in the file run, carry no stale error column, and --resume
// of that run still tells the file's rows apart; the next round's failed
// file keeps the first run's numbers.
func TestFailedFileKeepsTheOriginalRow(t *testing.T) {
	t.Parallel()
	_, env := shop(t, emulator.Faults{})
	in := writeFile(t, "c.csv", "email,crm_id\n"+
		"a@example.com,c1\n"+
		"bad2,c2\n"+
		"c@example.com,c3\n"+
		"bad4,c4\n")
	dir := filepath.Dir(in)
	path := func(name string) string { return filepath.Join(dir, name) }
	run := func(extra ...string) result {
		t.Helper()
		args := append([]string{"run", "--action", "segments/add", "--segment-id", "100500", "--rate", "0", "--quiet"}, extra...)
		return pcsync(t, env, "", args...)
	}
	check := func(name string, want [][]string) {
		t.Helper()
		got := readCSV(t, path(name))
		slices.SortFunc(got[1:], func(a, b []string) int { return strings.Compare(a[0], b[0]) }) // rows finish in any order
		if !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("%s:\n got %q\nwant %q", name, got, want)
		}
	}

	if r := run(in); r.code != exitRowsFailed {
		t.Fatalf("first run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	const badEmail = `email "bad2": not an email address (no @)`
	check("c.failed.csv", [][]string{
		{"email", "crm_id", "original_row", "original_line", "error"},
		{"bad2", "c2", "2", "3", badEmail},
		{"bad4", "c4", "4", "5", strings.ReplaceAll(badEmail, "bad2", "bad4")},
	})

	// One row fixed, the other not: fed back in, a round of its own.
	b, _ := os.ReadFile(path("c.failed.csv"))
	os.WriteFile(path("c.failed.csv"), []byte(strings.Replace(string(b), "bad2,", "b2@example.com,", 1)), 0o644)
	if r := run(path("c.failed.csv")); r.code != exitRowsFailed {
		t.Fatalf("second round: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	head := []string{"row", "email", "crm_id", "original_row", "original_line", "action", "status", "http_status", "attempts", "error", "segments"}
	results2 := [][]string{head,
		{"1", "b2@example.com", "c2", "2", "3", "segments/add", "ok", "200", "1", "", ""},
		{"2", "bad4", "c4", "4", "5", "segments/add", "invalid", "", "0", `email "bad4": not an email address (no @)`, ""},
	}
	check("c.results-2.csv", results2)
	check("c.failed-2.csv", [][]string{
		{"email", "crm_id", "original_row", "original_line", "error"},
		{"bad4", "c4", "4", "5", `email "bad4": not an email address (no @)`},
	})

	// --resume of the round goes by the rows' index in the file it runs:
	// row 1 is done, row 2 is tried again.
	r := run("--resume", path("c.failed.csv"))
	// pcsync's own columns are not named as columns it leaves unread.
	out := r.stdout + r.stderr
	if r.code != exitRowsFailed || !strings.Contains(out, "1 row was already ok") || !strings.Contains(out, `columns not used (carried into the results untouched): "crm_id"`+"\n") {
		t.Fatalf("resume: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	check("c.results-2.csv", results2)

	// A third round keeps the first run's numbers.
	if r := run(path("c.failed-2.csv")); r.code != exitRowsFailed {
		t.Fatalf("third round: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	check("c.failed-3.csv", [][]string{
		{"email", "crm_id", "original_row", "original_line", "error"},
		{"bad4", "c4", "4", "5", `email "bad4": not an email address (no @)`},
	})
}
