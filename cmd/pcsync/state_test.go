package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pcsync/pcsync/internal/emulator"
	"github.com/pcsync/pcsync/internal/state"
)

// writePaths are the emulator's paths of the four writing calls.
var writePaths = []string{"/segments/add", "/segments/remove", "/subscriptions/manage", "/subscriptions/callback"}

// calls counts the successful calls an emulator applied, by path.
func calls(em *emulator.Emulator) map[string]int64 {
	return em.Stats().Applied
}

// writesSince returns the writing calls applied since before.
func writesSince(em *emulator.Emulator, before map[string]int64) int64 {
	now := calls(em)
	var n int64
	for _, p := range writePaths {
		n += now[p] - before[p]
	}
	return n
}

// statusesOf returns the statuses of a results file, by status.
func statusesOf(t *testing.T, path string) map[string]int {
	t.Helper()
	recs := readCSV(t, path)
	col := -1
	for i, h := range recs[0] {
		if h == "status" {
			col = i
		}
	}
	st := map[string]int{}
	for _, r := range recs[1:] {
		st[r[col]]++
	}
	return st
}

// TestStateSendsOnlyWhatChanged is the first "done when" of incremental
// runs: the same 600-row file twice sends only its reads the second time;
// six rows changed send six writes.
func TestStateSendsOnlyWhatChanged(t *testing.T) {
	t.Parallel()
	em, env := shop(t, emulator.Faults{})
	dir := t.TempDir()
	in := writeFile(t, "mixed.csv", mixed600())
	results := strings.TrimSuffix(in, ".csv") + ".results.csv"
	stateFile := filepath.Join(dir, "pcsync.state")
	run := func(args ...string) result {
		t.Helper()
		r := pcsync(t, env, "", append([]string{"run", "--rate", "0", "--workers", "8", "--quiet", "--state", stateFile}, args...)...)
		if r.code != exitOK {
			t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		return r
	}

	run(in)
	if st := checkOneResultPerRow(t, results, 600); st["ok"] != 600 {
		t.Fatalf("first run: %v", st)
	}

	before, gets := calls(em), em.Stats().Applied["/segments/get"]
	summaryJSON := filepath.Join(dir, "summary.json")
	r := run("--summary-json", summaryJSON, in)
	if n := writesSince(em, before); n != 0 {
		t.Errorf("second run sent %d writes, want none", n)
	}
	if n := em.Stats().Applied["/segments/get"] - gets; n != 120 {
		t.Errorf("second run sent %d reads, want the 120 segments/get rows", n)
	}
	if st := checkOneResultPerRow(t, results, 600); st["unchanged"] != 480 || st["ok"] != 120 {
		t.Errorf("second run: %v, want 480 unchanged and the 120 reads ok", st)
	}
	if !strings.Contains(r.stdout, "unchanged") || !strings.Contains(r.stdout, "  total                         120        0        0        0         0       480") {
		t.Errorf("summary does not count the unchanged rows:\n%s", r.stdout)
	}
	if recs := readCSV(t, strings.TrimSuffix(in, ".csv")+".failed.csv"); len(recs) != 1 {
		t.Errorf("unchanged rows went to the failed file: %d records", len(recs)-1)
	}
	var sum map[string]any
	if b, err := os.ReadFile(summaryJSON); err != nil || json.Unmarshal(b, &sum) != nil || sum["unchanged"] != 480.0 || sum["exit_code"] != 0.0 {
		t.Errorf("summary JSON: %v %v", sum, err)
	}
	rep := pcsync(t, nil, "", "report", results)
	if rep.code != exitOK || !strings.Contains(rep.stdout, "       480\n") {
		t.Errorf("report of the second run: exit %d\n%s%s", rep.code, rep.stdout, rep.stderr)
	}

	// Six rows change their parameters: one of each writing action, and two
	// more adds (one by phone).
	lines := strings.Split(mixed600(), "\n")
	change := map[int][2]string{ // row -> old, new
		1:  {"segments/remove,42", "segments/remove,100500"}, // another segment
		3:  {"true,no", "false,no"},                          // another flag value
		4:  {"complained", "unsubscribed"},                   // another event
		5:  {"segments/add,100500", "segments/add,42"},
		10: {"segments/add,100500", "segments/add,42"},
		15: {"user15@example.com", "User15@example.com"}, // the email as sent differs
	}
	for row, c := range change {
		if !strings.Contains(lines[row], c[0]) {
			t.Fatalf("row %d %q lacks %q", row, lines[row], c[0])
		}
		lines[row] = strings.Replace(lines[row], c[0], c[1], 1)
	}
	os.WriteFile(in, []byte(strings.Join(lines, "\n")), 0o644)
	before = calls(em)
	run(in)
	if n := writesSince(em, before); n != 6 {
		t.Errorf("third run sent %d writes, want the 6 rows changed", n)
	}
	if st := checkOneResultPerRow(t, results, 600); st["unchanged"] != 474 || st["ok"] != 126 {
		t.Errorf("third run: %v", st)
	}
}

// mirrorList is an email list of u{from}..u{to}, then n{1}..n{extra}.
func mirrorList(from, to, extra int) string {
	var b strings.Builder
	b.WriteString("email,first_name\n")
	for i := from; i <= to; i++ {
		fmt.Fprintf(&b, "u%d@example.com,U%d\n", i, i)
	}
	for i := 1; i <= extra; i++ {
		fmt.Fprintf(&b, "n%d@example.com,N%d\n", i, i)
	}
	return b.String()
}

// TestMirror is the second "done when": a mirrored list of 300, then 290
// of them and 5 new ones (5 adds, 10 removes), then a list of 100, which
// the guard refuses.
func TestMirror(t *testing.T) {
	t.Parallel()
	em, env := shop(t, emulator.Faults{})
	dir := t.TempDir()
	stateFile := filepath.Join(dir, "pcsync.state")
	in := filepath.Join(dir, "members.csv")
	results := filepath.Join(dir, "members.results.csv")
	mirror := func(list string, args ...string) result {
		t.Helper()
		os.WriteFile(in, []byte(list), 0o644)
		return pcsync(t, env, "", append([]string{"run", "--rate", "0", "--quiet", "--state", stateFile, "--mirror",
			"--action", "segments/add", "--segment-id", "100500"}, append(args, in)...)...)
	}

	if r := mirror(mirrorList(1, 300, 0)); r.code != exitOK || em.SegmentSize("100500") != 300 {
		t.Fatalf("first mirror: exit %d, segment of %d\n%s%s", r.code, em.SegmentSize("100500"), r.stdout, r.stderr)
	}

	before := calls(em)
	r := mirror(mirrorList(1, 290, 5))
	if r.code != exitOK {
		t.Fatalf("second mirror: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	now := calls(em)
	if adds, removes := now["/segments/add"]-before["/segments/add"], now["/segments/remove"]-before["/segments/remove"]; adds != 5 || removes != 10 {
		t.Errorf("%d adds and %d removes reached the API, want 5 and 10", adds, removes)
	}
	if em.SegmentSize("100500") != 295 {
		t.Errorf("segment holds %d, want 295", em.SegmentSize("100500"))
	}
	if _, ok := em.Contact("u291@example.com", ""); !ok {
		t.Error("a removed contact is gone altogether")
	} else if c, _ := em.Contact("u291@example.com", ""); len(c.Segments) != 0 {
		t.Errorf("u291 is still in %v", c.Segments)
	}
	recs := readCSV(t, results)
	hdr := strings.Join(recs[0], ",")
	if hdr != "row,email,first_name,action,status,http_status,attempts,error,segments" {
		t.Fatalf("results header %q", hdr)
	}
	removed := map[string]bool{}
	for _, rec := range recs[1:] {
		if rec[0] == "" {
			if rec[3] != "segments/remove" || rec[4] != "ok" || rec[2] != "" {
				t.Errorf("removal record %q", rec)
			}
			removed[rec[1]] = true
		}
	}
	if len(recs) != 1+295+10 || len(removed) != 10 || !removed["u291@example.com"] || !removed["u300@example.com"] {
		t.Errorf("%d records, removals %v", len(recs)-1, removed)
	}
	if !strings.Contains(r.stderr, "the state holds 300 of its contacts; 10") {
		t.Errorf("the run did not say what it removes:\n%s", r.stderr)
	}
	if !strings.Contains(r.stdout, "pcsync: 305 rows") || !strings.Contains(r.stdout, "(0 rows)") {
		t.Errorf("summary:\n%s", r.stdout)
	}
	rep := pcsync(t, nil, "", "report", results)
	if rep.code != exitOK || !strings.Contains(rep.stdout, "segments/remove                10") {
		t.Errorf("report: exit %d\n%s%s", rep.code, rep.stdout, rep.stderr)
	}

	// A list of 100 would remove 195 of 295: refused, nothing sent, and
	// the results of the last run are left alone.
	before, sent := calls(em), em.Stats().Requests
	lastResults := mustRead(t, results)
	dry := mirror(mirrorList(1, 100, 0), "--dry-run")
	if dry.code != exitUsage || !strings.Contains(dry.stdout, "195 would be removed (66.1%)") || !strings.Contains(dry.stdout, "would be refused") {
		t.Errorf("dry run: exit %d\n%s%s", dry.code, dry.stdout, dry.stderr)
	}
	r = mirror(mirrorList(1, 100, 0))
	if r.code != exitUsage || !strings.Contains(r.stderr, "would remove 195 of the 295 contacts") || !strings.Contains(r.stderr, "--max-removals 10%") {
		t.Errorf("refused mirror: exit %d\n%s", r.code, r.stderr)
	}
	if em.Stats().Requests != sent || mustRead(t, results) != lastResults {
		t.Error("a refused mirror sent requests or touched the results")
	}

	// Raised, the bound lets it through.
	r = mirror(mirrorList(1, 100, 0), "--max-removals", "70%")
	if r.code != exitOK || calls(em)["/segments/remove"]-before["/segments/remove"] != 195 || em.SegmentSize("100500") != 100 {
		t.Errorf("raised bound: exit %d, segment of %d\n%s", r.code, em.SegmentSize("100500"), r.stderr)
	}
}

func TestMirrorFirstRunRemovesNothing(t *testing.T) {
	t.Parallel()
	em, env := shop(t, emulator.Faults{})
	dir := t.TempDir()
	in := writeFile(t, "m.csv", mirrorList(1, 3, 0))
	// Members added by a plain run are not the mirror's to remove.
	plain := writeFile(t, "p.csv", "email\nold@example.com\n")
	stateFile := filepath.Join(dir, "s.state")
	args := []string{"run", "--rate", "0", "--quiet", "--state", stateFile, "--action", "segments/add", "--segment-id", "100500"}
	if r := pcsync(t, env, "", append(args, plain)...); r.code != exitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if r := pcsync(t, env, "", append(args, "--mirror", in)...); r.code != exitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if n := calls(em)["/segments/remove"]; n != 0 || em.SegmentSize("100500") != 4 {
		t.Errorf("%d removes, segment of %d", n, em.SegmentSize("100500"))
	}
}

func TestStateRefusesWithExit2(t *testing.T) {
	t.Parallel()
	em, env := shop(t, emulator.Faults{})
	dir := t.TempDir()
	list := writeFile(t, "list.csv", "email\na@example.com\n")
	mixed := writeFile(t, "mixed.csv", "email,action,segment_id\na@example.com,segments/add,100500\nb@example.com,segments/remove,100500\n")
	otherSeg := writeFile(t, "other.csv", "email,segment_id\na@example.com,100500\nb@example.com,42\n")
	stateFile := filepath.Join(dir, "s.state")
	mirror := []string{"run", "--state", stateFile, "--mirror", "--action", "segments/add", "--segment-id", "100500"}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"mirror without state", []string{"run", "--mirror", "--action", "segments/add", "--segment-id", "1", list}, "--mirror needs --state"},
		{"mirror without action", []string{"run", "--state", stateFile, "--mirror", "--segment-id", "1", list}, "--mirror needs --action segments/add and --segment-id"},
		{"mirror of another action", []string{"run", "--state", stateFile, "--mirror", "--action", "segments/remove", "--segment-id", "1", list}, "--mirror needs --action segments/add"},
		{"mirror without segment", []string{"run", "--state", stateFile, "--mirror", "--action", "segments/add", list}, "--segment-id"},
		{"mirror with shard", append(append([]string{}, mirror...), "--shard", "1/2", list), "--mirror with --shard"},
		{"mirror with resume", append(append([]string{}, mirror...), "--resume", list), "--mirror with --resume"},
		{"mirror of a row that removes", append(append([]string{}, mirror...), mixed), `row 2 (line 3): action "segments/remove": --mirror takes segments/add rows only`},
		{"mirror of a row of another segment", append(append([]string{}, mirror...), otherSeg), `row 2 (line 3): segment_id "42"`},
		{"state is the input", []string{"run", "--action", "segments/get", "--state", list, list}, "is the input"},
		{"state is the results", []string{"run", "--action", "segments/get", "--state", filepath.Join(dir, "r.csv"), "--out", filepath.Join(dir, "r.csv"), list}, "also an output"},
		{"state is not a state", []string{"run", "--action", "segments/get", "--state", mixed, list}, "not a pcsync state file"},
		{"bad max-removals", []string{"run", "--max-removals", "120%", list}, "share from 0 to 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := pcsync(t, env, "", tt.args...)
			if r.code != exitUsage || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, want 2 saying %q\n%s", r.code, tt.want, r.stderr)
			}
		})
	}
	if em.Stats().Requests != 0 {
		t.Errorf("%d requests sent by refused runs", em.Stats().Requests)
	}
	if b, _ := os.ReadFile(mixed); !strings.HasPrefix(string(b), "email,action") {
		t.Error("a CSV given as --state was changed")
	}

	// A state records its shop, and only one run may use it at a time.
	get := []string{"run", "--quiet", "--rate", "0", "--action", "segments/get", "--state", stateFile, list}
	if r := pcsync(t, env, "", get...); r.code != exitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	sent := em.Stats().Requests
	other := map[string]string{envShopID: "another-shop", envShopSecret: testSecret, envAPIURL: env[envAPIURL]}
	if r := pcsync(t, other, "", get...); r.code != exitUsage || !strings.Contains(r.stderr, `records another shop (shop ID "sandbox-shop", not "another-shop")`) {
		t.Errorf("another shop: exit %d\n%s", r.code, r.stderr)
	}
	held, err := state.Open(stateFile, state.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	for _, args := range [][]string{get, append([]string{"run", "--dry-run", "--action", "segments/get", "--state", stateFile}, list)} {
		if r := pcsync(t, env, "", args...); r.code != exitUsage || !strings.Contains(r.stderr, "another pcsync run is using it") {
			t.Errorf("%v while another run holds the state: exit %d\n%s", args, r.code, r.stderr)
		}
	}
	if em.Stats().Requests != sent {
		t.Error("requests sent by refused runs")
	}
}

func TestDryRunWithState(t *testing.T) {
	t.Parallel()
	em, env := shop(t, emulator.Faults{})
	dir := t.TempDir()
	in := writeFile(t, "mixed.csv", mixed600())
	stateFile := filepath.Join(dir, "s.state")

	r := pcsync(t, env, "", "run", "--dry-run", "--state", stateFile, in)
	if r.code != exitOK || !strings.Contains(r.stdout, "does not exist yet (the first run creates it): 600 rows would be sent") {
		t.Errorf("dry run on no state: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if _, err := os.Stat(stateFile); !os.IsNotExist(err) {
		t.Errorf("a dry run created the state: %v", err)
	}

	if r := pcsync(t, env, "", "run", "--rate", "0", "--quiet", "--state", stateFile, in); r.code != exitOK {
		t.Fatalf("run: exit %d\n%s", r.code, r.stderr)
	}
	sent, before := em.Stats().Requests, mustRead(t, stateFile)
	r = pcsync(t, env, "", "run", "--dry-run", "--state", stateFile, in)
	for _, want := range []string{
		"  unchanged (not sent)          480\n",
		"state " + stateFile + ": 120 rows would be sent, 480 are unchanged since an earlier run (not sent)\n",
		"at 10/s the 120 requests take at least 12s\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("dry run lacks %q:\n%s", want, r.stdout)
		}
	}
	if r.code != exitOK || em.Stats().Requests != sent || mustRead(t, stateFile) != before {
		t.Errorf("dry run: exit %d, sent %d, state changed %v", r.code, em.Stats().Requests-sent, mustRead(t, stateFile) != before)
	}
}

// TestMirrorRetriesFailedRemovals: a removal that failed is in the results,
// not in the failed-rows file (which would add the contact back), and the
// next mirrored run sends it again.
func TestMirrorRetriesFailedRemovals(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	stateFile := filepath.Join(dir, "s.state")
	in := filepath.Join(dir, "members.csv")
	mirror := func(env map[string]string, list string) result {
		t.Helper()
		os.WriteFile(in, []byte(list), 0o644)
		return pcsync(t, env, "", "run", "--rate", "0", "--retries", "0", "--quiet", "--state", stateFile, "--mirror",
			"--action", "segments/add", "--segment-id", "100500", in)
	}
	healthy, env := shop(t, emulator.Faults{})
	if r := mirror(env, mirrorList(1, 30, 0)); r.code != exitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	_, failing := shop(t, emulator.Faults{Rate5xx: 1})
	r := mirror(failing, mirrorList(1, 29, 0))
	if r.code != exitRowsFailed || !strings.Contains(r.stderr, "1 removals did not end ok") || !strings.Contains(r.stdout, "(0 rows)") {
		t.Errorf("failing removal: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if st := statusesOf(t, filepath.Join(dir, "members.results.csv")); st["failed"] != 1 || st["unchanged"] != 29 {
		t.Errorf("results: %v", st)
	}
	if recs := readCSV(t, filepath.Join(dir, "members.failed.csv")); len(recs) != 1 {
		t.Errorf("the failed removal is in the failed-rows file: %q", recs)
	}
	before := calls(healthy)["/segments/remove"]
	if r := mirror(env, mirrorList(1, 29, 0)); r.code != exitOK || calls(healthy)["/segments/remove"]-before != 1 || healthy.SegmentSize("100500") != 29 {
		t.Errorf("retry: exit %d, segment of %d\n%s", r.code, healthy.SegmentSize("100500"), r.stderr)
	}
	// The results of a mirrored run, removals and all, can be resumed by a
	// plain run: the removals are not input rows and are passed over.
	r = pcsync(t, env, "", "run", "--resume", "--rate", "0", "--quiet", "--action", "segments/add", "--segment-id", "100500", in)
	if r.code != exitOK || !strings.Contains(r.stdout, "29 rows were already ok") {
		t.Errorf("resume of a mirrored run's results: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
