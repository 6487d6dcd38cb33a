package main

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/pcsync/pcsync/internal/emulator"
)

// hundredWithTenInvalid is 100 rows of which 10 are invalid, two of each
// kind: bad email, unknown action, flag "maybe", event "exploded", no contact.
func hundredWithTenInvalid() string {
	var b strings.Builder
	b.WriteString("email,phone,action,segment_id,event,sms_bulk\n")
	bad := map[int]string{
		7: "bob@,,segments/add,1,,", 17: "x@@y.com,,segments/get,,,",
		27: "a@b.co,,segments/append,1,,", 37: "a@b.co,,subscribe,,,",
		47: "a@b.co,,subscriptions/manage,,,maybe", 57: "c@d.co,,subscriptions/manage,,,MAYBE",
		67: "a@b.co,,subscriptions/callback,,exploded,", 77: "e@f.co,,subscriptions/callback,,,",
		87: ",,segments/get,,,", 97: " , ,segments/add,1,,",
	}
	for i := 1; i <= 100; i++ {
		if row, ok := bad[i]; ok {
			b.WriteString(row + "\n")
			continue
		}
		fmt.Fprintf(&b, "u%d@example.com,,segments/add,100500,,\n", i)
	}
	return b.String()
}

func TestTenInvalidRowsOfAHundred(t *testing.T) {
	t.Parallel()
	em, env := shop(t, emulator.Faults{})
	in := writeFile(t, "h.csv", hundredWithTenInvalid())
	r := pcsync(t, env, "", "run", "--rate", "0", "--quiet", in)
	if r.code != exitRowsFailed {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if n := em.Stats().Requests; n != 90 {
		t.Errorf("%d requests, want exactly the 90 valid rows", n)
	}
	if st := checkOneResultPerRow(t, strings.TrimSuffix(in, ".csv")+".results.csv", 100); st["ok"] != 90 || st["invalid"] != 10 {
		t.Errorf("statuses %v", st)
	}
	failed := strings.TrimSuffix(in, ".csv") + ".failed.csv"
	recs := readCSV(t, failed)
	if len(recs) != 11 {
		t.Fatalf("failed file has %d rows, want 10", len(recs)-1)
	}
	for _, rec := range recs[1:] {
		if reason := rec[len(rec)-1]; !strings.Contains(reason, ":") {
			t.Errorf("unclear reason %q", reason)
		}
	}
	wantReasons := []string{`email "bob@"`, `action "segments/append": unknown action`, `sms_bulk "maybe": not a flag`,
		`event "exploded": unknown event`, "no contact"}
	all := fmt.Sprint(recs)
	for _, w := range wantReasons {
		if !strings.Contains(all, w) {
			t.Errorf("no reason mentions %q", w)
		}
	}
	d := pcsync(t, env, "", "run", "--dry-run", failed)
	if d.code != exitRowsFailed || em.Stats().Requests != 90 {
		t.Errorf("dry run of the failed file: exit %d, %d requests", d.code, em.Stats().Requests)
	}
}

func TestExcelExportBOMSemicolonCRLF(t *testing.T) {
	t.Parallel()
	em, env := shop(t, emulator.Faults{})
	content := "\ufeffEmail;Action;Segment_ID\r\nada@example.com;segments/add;100500\r\n\"Lovelace, Ada\"\"s\"\"@example.com\";segments/get;\r\n"
	in := writeFile(t, "export.csv", strings.Replace(content, `"Lovelace, Ada""s""@example.com"`, "grace@example.com", 1))
	r := pcsync(t, env, "", "run", "--rate", "0", "--quiet", in)
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if em.SegmentSize("100500") != 1 {
		t.Error("row not applied")
	}
	res, _ := os.ReadFile(strings.TrimSuffix(in, ".csv") + ".results.csv")
	// The results open in Excel as the input did: a BOM, ';', CRLF.
	s := string(res)
	if !strings.HasPrefix(s, "\ufeffrow;Email;Action;Segment_ID;status") || strings.Count(s, "\n") != 3 || strings.Count(s, "\r\n") != 3 {
		t.Errorf("results: %q", s)
	}
	failed, _ := os.ReadFile(strings.TrimSuffix(in, ".csv") + ".failed.csv")
	if string(failed) != "\ufeffEmail;Action;Segment_ID;original_row;original_line;error\r\n" {
		t.Errorf("failed-rows file: %q", failed)
	}
}

func TestBrokenStdinIsRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	em, env := shop(t, emulator.Faults{})
	dir := t.TempDir()
	stdin := "email,action\na@b.co,segments/get\nb@b.co,segments/get\nc@b.co,segments/get\n\"d@b.co,segments/get\n"
	r := pcsync(t, env, stdin, "run", "--out", dir+"/r.csv", "--failed", dir+"/f.csv", "-")
	if r.code != exitUsage || !strings.Contains(r.stderr, "line 5") || !strings.Contains(r.stderr, "nothing was sent") {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if em.Stats().Requests != 0 {
		t.Errorf("%d requests sent", em.Stats().Requests)
	}
}

func TestDedupe(t *testing.T) {
	t.Parallel()
	em, env := shop(t, emulator.Faults{})
	in := writeFile(t, "d.csv", "email,action,segment_id,note\n"+
		"a@b.co,segments/add,1,first\n"+
		"a@b.co,segments/add,1,same call, other note\n"+ // not quoted: see below
		"a@b.co,segments/add,2,other segment\n"+
		" a@b.co ,Segments/Add,1,same once normalized\n"+
		"a@b.co,segments/remove,1,other action\n")
	// The second data line has a comma in its note: quote it.
	os.WriteFile(in, []byte(strings.Replace(mustRead(t, in), "same call, other note", `"same call, other note"`, 1)), 0o644)
	r := pcsync(t, env, "", "run", "--dedupe", "--rate", "0", "--workers", "1", "--quiet", in)
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if n := em.Stats().Requests; n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
	recs := readCSV(t, strings.TrimSuffix(in, ".csv")+".results.csv")
	dups := 0
	for _, rec := range recs[1:] {
		if rec[5] == "duplicate" {
			dups++
			if rec[8] != "not sent: same as row 1" {
				t.Errorf("duplicate row %s: %q", rec[0], rec[8])
			}
		}
	}
	if dups != 2 {
		t.Errorf("%d duplicates, want 2", dups)
	}
	if f := readCSV(t, strings.TrimSuffix(in, ".csv")+".failed.csv"); len(f) != 1 {
		t.Errorf("duplicates went to the failed file: %q", f)
	}
	d := pcsync(t, env, "", "run", "--dedupe", "--dry-run", in)
	if !regexp.MustCompile(`duplicate \(not sent\)\s+2\n`).MatchString(d.stdout) {
		t.Errorf("dry run:\n%s", d.stdout)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
