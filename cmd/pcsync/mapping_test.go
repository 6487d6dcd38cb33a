package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pcsync/pcsync/internal/emulator"
)

// readCSVComma reads a CSV written with comma, a byte order mark stripped.
func readCSVComma(t *testing.T, path string, comma rune) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\uFEFF")))
	r.Comma = comma
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return recs
}

// TestExcelExportExample: testdata/examples/excel-export.csv, as Excel
// saves a sheet (BOM, ';', CRLF, natural headers, a blank row), dry-runs
// and runs clean with --action alone: its columns are read by their
// synonyms, the blank row is skipped, and the results keep its header.
func TestExcelExportExample(t *testing.T) {
	t.Parallel()
	in := writeFile(t, "excel-export.csv", readTestdata(t, filepath.Join("examples", "excel-export.csv")))
	em, env := shop(t, emulator.Faults{})
	d := pcsync(t, env, "", "run", "--dry-run", "--action", "segments/add", in)
	for _, want := range []string{
		"dry run: 4 rows", "invalid                         0", "1 blank row skipped",
		"columns read as fields: E-mail Address → email, Mobile Phone → phone, Segment → segment_id",
		`columns not used (carried into the results untouched): "First Name"`,
		`"segment_id":100500`,
	} {
		if !strings.Contains(d.stdout, want) {
			t.Errorf("dry run lacks %q:\n%s%s", want, d.stdout, d.stderr)
		}
	}
	if d.code != exitOK || em.Stats().Requests != 0 {
		t.Fatalf("dry run: exit %d, %d requests\n%s%s", d.code, em.Stats().Requests, d.stdout, d.stderr)
	}

	r := pcsync(t, env, "", "run", "--rate", "0", "--quiet", "--action", "segments/add", in)
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"E-mail Address → email", "1 blank row skipped"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("run's stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if n := em.Stats().Requests; n != 4 {
		t.Errorf("%d requests, want 4", n)
	}
	if m := em.SegmentSize("100500"); m != 3 {
		t.Errorf("segment 100500 has %d members, want 3 (100500.0 is 100500)", m)
	}
	recs := readCSVComma(t, strings.TrimSuffix(in, ".csv")+".results.csv", ';')
	if got := strings.Join(recs[0][1:5], ";"); got != "E-mail Address;Mobile Phone;Segment;First Name" {
		t.Errorf("results header %q: want the input's names", got)
	}
	if len(recs) != 5 {
		t.Fatalf("%d result rows, want 4 (the blank row left out)", len(recs)-1)
	}
	rows := map[string]string{}
	for _, rec := range recs[1:] {
		rows[rec[1]+rec[2]] = rec[0]
	}
	if rows["linus@example.com"] != "5" || rows["alan@example.com+1 (555) 010-0199"] != "3" {
		t.Errorf("row numbers %v: want linus@example.com as row 5 (the blank row keeps its number)", rows)
	}
}

// TestColumnMapping: synonyms and --map read natural headers; two
// columns read as one field are refused naming both; unused columns are
// named, with a fix for a near miss.
func TestColumnMapping(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		args     []string
		env      map[string]string
		code     int
		want     []string // in stdout+stderr
	}{
		{name: "synonyms", in: "E-mail Address;Mobile Phone;Segment\r\nada@example.com;;100500\r\n",
			args: []string{"--action", "segments/add"}, code: exitOK,
			want: []string{"E-mail Address → email, Mobile Phone → phone, Segment → segment_id"}},
		{name: "more synonyms", in: "Email Address,Phone Number\nada@example.com,+15550100199\n",
			args: []string{"--action", "segments/get"}, code: exitOK, want: []string{"Email Address → email, Phone Number → phone"}},
		{name: "map", in: "Kontakt,Gruppe,Notiz\nada@example.com,100500,x\n",
			args: []string{"--action", "segments/add", "--map", "kontakt=email, GRUPPE=segment_id"}, code: exitOK,
			want: []string{"Kontakt → email (--map), Gruppe → segment_id (--map)", `columns not used (carried into the results untouched): "Notiz"`}},
		{name: "map from the environment", in: "Kontakt\nada@example.com\n", env: map[string]string{"PCSYNC_MAP": "Kontakt=email"},
			args: []string{"--action", "segments/get"}, code: exitOK, want: []string{"Kontakt → email (--map)"}},
		{name: "two columns for one field", in: "Mobile,Phone,email\n1,2,a@b.co\n", args: []string{"--action", "segments/get"},
			code: exitUsage, want: []string{`"Phone" and "Mobile" (column 1) both map to phone`}},
		{name: "map onto a field the file has", in: "email,Work Mail\na@b.co,c@d.co\n", args: []string{"--action", "segments/get", "--map", "Work Mail=email"},
			code: exitUsage, want: []string{`"Work Mail" and "email" (column 1) both map to email`}},
		{name: "two columns for one field, one left unread", in: "Phone,Mobile,email\n+15550100199,2,a@b.co\n", args: []string{"--action", "segments/get", "--map", "Mobile="},
			code: exitOK, want: []string{`columns not used (carried into the results untouched): "Mobile"`}},
		{name: "bad map", in: "email\na@b.co\n", args: []string{"--action", "segments/get", "--map", "x=nothing"},
			code: exitUsage, want: []string{`"nothing" is not a field`}},
		{name: "near miss", in: "email,Segmnt ID\na@b.co,100500\n", args: []string{"--action", "segments/get"},
			code: exitOK, want: []string{`warning: column "Segmnt ID" is not used: did you mean segment_id? --map 'Segmnt ID=segment_id'`}},
		{name: "default applied while a near miss exists", in: "email,Segmnt\na@b.co,7\n", args: []string{"--action", "segments/add", "--segment-id", "100500"},
			code: exitOK, want: []string{`--segment-id 100500 is applied to every row while column "Segmnt" is not used: did you mean segment_id? --map 'Segmnt=segment_id'`}},
		{name: "default beside a segment column", in: "email;Segment\na@b.co;100500\nc@d.co;\n", args: []string{"--action", "segments/add", "--segment-id", "42"},
			code: exitOK, want: []string{`--segment-id 42 applies only to the rows whose "Segment" cell is empty`}},
		{name: "a field's name inside", in: "customer_email,action\na@b.co,segments/get\n", args: nil,
			code: exitUsage, want: []string{`no email or phone column (its columns: "customer_email", "action")`, "--map 'Header=email'"}},
		{name: "headerless list of emails", in: "ada@example.com\nbob@example.com\n", args: []string{"--action", "segments/get"},
			code: exitUsage, want: []string{"the first line looks like data (\"ada@example.com\"): add a header line such as `email`"}},
		{name: "headerless list of phones", in: "+44 7700 900123\n+15550100199\n", args: []string{"--action", "segments/get"},
			code: exitUsage, want: []string{"the first line looks like data"}},
		{name: "sep line", in: "sep=;\r\nemail;action;note\r\na@b.co;segments/get;x,y\r\n", code: exitOK, want: []string{"dry run: 1 row,"}},
		{name: "sep line, then a broken row named by its line", in: "sep=;\nemail;action\na@b.co;segments/get\nb@c.co\n", code: exitUsage,
			want: []string{"line 4"}},
		{name: "blank rows", in: "email,action\na@b.co,segments/get\n,\n , \n", code: exitOK, want: []string{"2 blank rows skipped", "invalid                         0"}},
		{name: "invalid --segment-id", in: "email\na@b.co\n", args: []string{"--action", "segments/add", "--segment-id", "1.005E+05"},
			code: exitUsage, want: []string{"scientific notation", "format the column as Text"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := writeFile(t, "in.csv", tt.in)
			r := pcsync(t, tt.env, "", append(append([]string{"run", "--dry-run"}, tt.args...), in)...)
			out := r.stdout + r.stderr
			if r.code != tt.code {
				t.Errorf("exit %d, want %d\n%s", r.code, tt.code, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if strings.Contains(out, "[") && strings.Contains(out, "its columns: [") {
				t.Errorf("columns shown as a Go slice:\n%s", out)
			}
		})
	}
}

// TestSegmentIDsFromASpreadsheet: the segment ids, refused before
// anything is sent, each with its reason; 100500.0 is sent as 100500.
func TestSegmentIDsFromASpreadsheet(t *testing.T) {
	t.Parallel()
	em, env := shop(t, emulator.Faults{})
	in := writeFile(t, "s.csv", "email,action,segment_id\n"+
		"a@example.com,segments/add,abc\n"+
		"b@example.com,segments/add,1.005E+05\n"+
		"c@example.com,segments/add,100500.0\n"+
		"d@example.com,segments/add,-1\n"+
		"e@example.com,segments/add,\"=HYPERLINK(\"\"x\"\")\"\n"+
		"f@example.com,segments/add,99999999999999999999999\n")
	r := pcsync(t, env, "", "run", "--rate", "0", "--quiet", in)
	if r.code != exitRowsFailed {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if n := em.Stats().Requests; n != 1 {
		t.Errorf("%d requests, want 1 (100500.0)", n)
	}
	if em.SegmentSize("100500") != 1 {
		t.Errorf("100500.0 did not reach segment 100500")
	}
	recs := readCSV(t, strings.TrimSuffix(in, ".csv")+".failed.csv")
	want := []string{"positive whole number", "scientific notation", "without a sign", "formula", "too large"}
	if len(recs) != 1+len(want) {
		t.Fatalf("%d failed rows, want %d: %q", len(recs)-1, len(want), recs)
	}
	for i, w := range want {
		if e := recs[i+1][len(recs[i+1])-1]; !strings.Contains(e, w) {
			t.Errorf("failed row %d: %q, want %q", i+1, e, w)
		}
	}
}

// TestInvalidOut: --dry-run --invalid-out writes every invalid row, sending
// nothing; without --dry-run it is refused.
func TestInvalidOut(t *testing.T) {
	t.Parallel()
	em, env := shop(t, emulator.Faults{})
	in := writeFile(t, "h.csv", hundredWithTenInvalid())
	out := filepath.Join(t.TempDir(), "invalid.csv")
	r := pcsync(t, env, "", "run", "--dry-run", "--invalid-out", out, in)
	if r.code != exitRowsFailed || em.Stats().Requests != 0 {
		t.Fatalf("exit %d, %d requests\n%s%s", r.code, em.Stats().Requests, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "the 10 invalid rows are in "+out) {
		t.Errorf("stdout does not point to the file:\n%s", r.stdout)
	}
	recs := readCSV(t, out)
	if got := strings.Join(recs[0], ","); got != "email,phone,action,segment_id,event,sms_bulk,row,line,error" {
		t.Errorf("header %q", got)
	}
	if len(recs) != 11 {
		t.Fatalf("%d invalid rows, want 10", len(recs)-1)
	}
	if first := recs[1]; first[0] != "bob@" || first[6] != "7" || first[7] != "8" || !strings.Contains(first[8], `email "bob@"`) {
		t.Errorf("first invalid row %q", first)
	}

	if _, err := os.Stat(strings.TrimSuffix(in, ".csv") + ".results.csv"); err == nil {
		t.Error("the dry run wrote a results file")
	}
	r = pcsync(t, env, "", "run", "--invalid-out", out, in)
	if r.code != exitUsage || !strings.Contains(r.stderr, "--invalid-out goes with --dry-run") || em.Stats().Requests != 0 {
		t.Errorf("without --dry-run: exit %d, %d requests\n%s", r.code, em.Stats().Requests, r.stderr)
	}
	r = pcsync(t, env, "", "run", "--dry-run", "--invalid-out", in, in)
	if r.code != exitUsage || !strings.Contains(r.stderr, "other than the input") {
		t.Errorf("onto the input: exit %d\n%s", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(in); string(b) != hundredWithTenInvalid() {
		t.Error("the input was overwritten")
	}
}

// TestDedupeEmailCaseInsensitive: --dedupe agrees with --shard and
// --state: ADA@example.com and ada@example.com are one contact.
func TestDedupeEmailCaseInsensitive(t *testing.T) {
	t.Parallel()
	em, env := shop(t, emulator.Faults{})
	in := writeFile(t, "d.csv", "email,action,segment_id\nada@example.com,segments/add,100500\nADA@Example.com,segments/add,100500\n")
	r := pcsync(t, env, "", "run", "--rate", "0", "--quiet", "--dedupe", in)
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if n := em.Stats().Requests; n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
	if st := checkOneResultPerRow(t, strings.TrimSuffix(in, ".csv")+".results.csv", 2); st["duplicate"] != 1 {
		t.Errorf("statuses %v", st)
	}
}

// TestResumeWithBlankRows: blank rows keep their numbers, so a resumed run
// matches the earlier run's rows and sends only those not done.
func TestResumeWithBlankRows(t *testing.T) {
	t.Parallel()
	em, env := shop(t, emulator.Faults{})
	in := writeFile(t, "r.csv", "\ufeffemail;action;segment_id\r\n;;\r\na@example.com;segments/add;100500\r\n;;\r\nb@example.com;segments/add;7\r\nc@example.com;segments/add;100500\r\n;;\r\n")
	r := pcsync(t, env, "", "run", "--rate", "0", "--quiet", in)
	if r.code != exitRowsFailed || em.Stats().Requests != 3 {
		t.Fatalf("first run: exit %d, %d requests\n%s%s", r.code, em.Stats().Requests, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "3 blank rows skipped") {
		t.Errorf("stderr lacks the blank rows:\n%s", r.stderr)
	}
	r = pcsync(t, env, "", "run", "--rate", "0", "--quiet", "--resume", in)
	if r.code != exitRowsFailed || !strings.Contains(r.stdout, "2 rows were already ok") {
		t.Fatalf("resumed run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if n := em.Stats().Requests; n != 4 {
		t.Errorf("%d requests in all, want 4: only row 4 sent again", n)
	}
	recs := readCSVComma(t, strings.TrimSuffix(in, ".csv")+".results.csv", ';')
	rows := map[string]string{}
	for _, rec := range recs[1:] {
		rows[rec[0]] = rec[1]
	}
	// The resumed results keep the input's BOM and CRLF.
	b, _ := os.ReadFile(strings.TrimSuffix(in, ".csv") + ".results.csv")
	if s := string(b); !strings.HasPrefix(s, "\ufeffrow;email;") || strings.Count(s, "\n") != 4 || strings.Count(s, "\r\n") != 4 {
		t.Errorf("resumed results: %q", s)
	}
	want := map[string]string{"2": "a@example.com", "4": "b@example.com", "5": "c@example.com"}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("results rows %v, want %v", rows, want)
	}
}

// TestEncodings: invalid UTF-8 is refused before anything is sent, naming
// its line and the --encoding to give; with it (or for UTF-16, without
// it) the file is read and the results are UTF-8.
func TestEncodings(t *testing.T) {
	t.Parallel()
	cp1252 := readTestdata(t, filepath.Join("examples", "windows-1252.csv"))
	utf16 := func(s string, bigEndian, bom bool) string {
		var b []byte
		if bom {
			b = append(b, 0xFF, 0xFE)
			if bigEndian {
				b[0], b[1] = 0xFE, 0xFF
			}
		}
		for _, r := range s {
			lo, hi := byte(r), byte(r>>8)
			if bigEndian {
				b = append(b, hi, lo)
			} else {
				b = append(b, lo, hi)
			}
		}
		return string(b)
	}
	plain := "email,action,first_name\r\njose@example.com,segments/get,José\r\nann@example.com,segments/get,Ann\r\n"
	tests := []struct {
		name, in string
		args     []string
		code     int
		want     string // in the output
		cell     string // the first row's first_name in the results
	}{
		{name: "windows-1252 without --encoding", in: cp1252, code: exitUsage,
			want: `line 2, column 3 (first_name): "Jos\xe9" is not valid UTF-8: the file is in another encoding; if it is Excel's plain "CSV", give --encoding windows-1252`},
		{name: "windows-1252", in: cp1252, args: []string{"--encoding", "windows-1252"}, code: exitOK, cell: "José"},
		{name: "latin1", in: cp1252, args: []string{"--encoding", "latin1"}, code: exitOK, cell: "José"},
		{name: "utf-16le without a BOM", in: utf16(plain, false, false), code: exitOK, want: "is UTF-16LE text: read as such", cell: "José"},
		{name: "utf-16be with a BOM", in: utf16(plain, true, true), code: exitOK, want: "is UTF-16BE text", cell: "José"},
		{name: "utf-16le named", in: utf16(plain, false, true), args: []string{"--encoding", "UTF-16LE"}, code: exitOK, cell: "José"},
		{name: "unknown encoding", in: plain, args: []string{"--encoding", "ebcdic"}, code: exitUsage, want: `unknown encoding "ebcdic"`},
		{name: "an xls named .csv", in: "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + strings.Repeat("\x00", 100), args: []string{"--encoding", "windows-1252"},
			code: exitUsage, want: "an .xls file"},
		{name: "control bytes in a header name", in: "em\bail,action\na@b.co,segments/get\n\"x\n", code: exitUsage, want: `column 1 ("em\bail"): unbalanced quote`},
		{name: "bad byte in the header", in: "email,n\xe4me,action\na@b.co,x,segments/get\n", code: exitUsage, want: `line 1, column 2: "n\xe4me" is not valid UTF-8`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			em, env := shop(t, emulator.Faults{})
			in := writeFile(t, "in.csv", tt.in)
			if d := pcsync(t, env, "", append(append([]string{"run", "--dry-run"}, tt.args...), in)...); d.code != tt.code {
				t.Errorf("dry run: exit %d, want %d\n%s%s", d.code, tt.code, d.stdout, d.stderr)
			}
			r := pcsync(t, env, "", append(append([]string{"run", "--rate", "0", "--quiet"}, tt.args...), in)...)
			out := r.stdout + r.stderr
			if r.code != tt.code || !strings.Contains(out, tt.want) {
				t.Fatalf("exit %d, want %d with %q\n%s", r.code, tt.code, tt.want, out)
			}
			if !utf8.ValidString(out) || strings.ContainsAny(out, "\x00\b") {
				t.Errorf("raw bytes reached the terminal: %q", out)
			}
			if tt.code != exitOK {
				if n := em.Stats().Requests; n != 0 {
					t.Errorf("%d requests sent", n)
				}
				return
			}
			b, err := os.ReadFile(strings.TrimSuffix(in, ".csv") + ".results.csv")
			if err != nil {
				t.Fatal(err)
			}
			if !utf8.Valid(b) {
				t.Errorf("results are not UTF-8: %q", b)
			}
			recs := readCSV(t, strings.TrimSuffix(in, ".csv")+".results.csv")
			names := map[string]bool{}
			for _, rec := range recs[1:] {
				names[rec[3]] = true
			}
			if !names[tt.cell] {
				t.Errorf("results' first_name cells %v lack %q", names, tt.cell)
			}
			if _, err := os.Stat(in); err != nil {
				t.Errorf("the input is gone: %v", err)
			}
		})
	}
}

// TestPhonesSentInE164: the phones, sent in full international
// format or refused before anything is sent with the reason.
func TestPhonesSentInE164(t *testing.T) {
	t.Parallel()
	in := "phone,action\n+44 (0) 7700 900123,segments/get\n00447700900124,segments/get\n07700 900125,segments/get\n4400114527199,segments/get\n4.47701E+12,segments/get\n"
	tests := []struct {
		name     string
		args     []string
		requests int64
		invalid  []string
	}{
		{name: "no country", requests: 3, invalid: []string{"a national number: give --default-country", "scientific notation"}},
		{name: "GB", args: []string{"--default-country", "gb"}, requests: 4, invalid: []string{"scientific notation"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			em, env := shop(t, emulator.Faults{})
			f := writeFile(t, "p.csv", in)
			d := pcsync(t, env, "", append(append([]string{"run", "--dry-run"}, tt.args...), f)...)
			if !strings.Contains(d.stdout, "segments/get?phone=%2B447700900123&") {
				t.Errorf("dry run's example does not show +447700900123:\n%s", d.stdout)
			}
			r := pcsync(t, env, "", append(append([]string{"run", "--rate", "0", "--quiet"}, tt.args...), f)...)
			if r.code != exitRowsFailed || em.Stats().Requests != tt.requests {
				t.Fatalf("exit %d, %d requests, want %d\n%s%s", r.code, em.Stats().Requests, tt.requests, r.stdout, r.stderr)
			}
			recs := readCSV(t, strings.TrimSuffix(f, ".csv")+".failed.csv")
			if len(recs)-1 != len(tt.invalid) {
				t.Fatalf("failed rows %q, want %d", recs, len(tt.invalid))
			}
			for i, w := range tt.invalid {
				if e := recs[i+1][len(recs[i+1])-1]; !strings.Contains(e, w) {
					t.Errorf("failed row %d: %q, want %q", i+1, e, w)
				}
			}
		})
	}
	r := pcsync(t, nil, "", "run", "--dry-run", "--default-country", "XX", writeFile(t, "q.csv", in))
	if r.code != exitUsage || !strings.Contains(r.stderr, `unknown country "XX"`) {
		t.Errorf("--default-country XX: exit %d\n%s", r.code, r.stderr)
	}
}

// TestMappedResultsReadBack: the results keep the input's names, even two
// that mean one field (one left unread by --map): report and --resume
// read them back.
func TestMappedResultsReadBack(t *testing.T) {
	t.Parallel()
	em, env := shop(t, emulator.Faults{})
	in := writeFile(t, "m.csv", "Phone,Mobile,E-mail,action,segment_id\n+15550100199,1,a@example.com,segments/add,100500\n,2,b@example.com,segments/add,7\n")
	r := pcsync(t, env, "", "run", "--rate", "0", "--quiet", "--map", "mobile=", in)
	if r.code != exitRowsFailed || em.Stats().Requests != 2 {
		t.Fatalf("exit %d, %d requests\n%s%s", r.code, em.Stats().Requests, r.stdout, r.stderr)
	}
	res := strings.TrimSuffix(in, ".csv") + ".results.csv"
	if rep := pcsync(t, nil, "", "report", res); rep.code != exitRowsFailed && rep.code != exitOK {
		t.Errorf("report: exit %d\n%s%s", rep.code, rep.stdout, rep.stderr)
	} else if !strings.Contains(rep.stdout, "segments/add") {
		t.Errorf("report:\n%s", rep.stdout)
	}
	r = pcsync(t, env, "", "run", "--rate", "0", "--quiet", "--map", "mobile=", "--resume", in)
	if r.code != exitRowsFailed || !strings.Contains(r.stdout, "1 row was already ok") || em.Stats().Requests != 3 {
		t.Errorf("resume: exit %d, %d requests\n%s%s", r.code, em.Stats().Requests, r.stdout, r.stderr)
	}
}

// TestWorkbookExample: testdata/examples/workbook.xlsx is read directly
// (its first sheet), dry-run and run like a CSV; a phone stored as a
// number keeps its digits; named .csv it is still recognised.
func TestWorkbookExample(t *testing.T) {
	t.Parallel()
	wb := readTestdata(t, filepath.Join("examples", "workbook.xlsx"))
	for _, name := range []string{"workbook.xlsx", "renamed.csv"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			in := writeFile(t, name, wb)
			em, env := shop(t, emulator.Faults{})
			d := pcsync(t, env, "", "run", "--dry-run", "--action", "segments/add", in)
			for _, want := range []string{"dry run: 4 rows", "invalid                         0", "1 blank row skipped",
				"Email Address → email, Mobile Phone → phone, Segment → segment_id"} {
				if !strings.Contains(d.stdout, want) {
					t.Errorf("dry run lacks %q:\n%s%s", want, d.stdout, d.stderr)
				}
			}
			if d.code != exitOK || em.Stats().Requests != 0 {
				t.Fatalf("dry run: exit %d, %d requests\n%s%s", d.code, em.Stats().Requests, d.stdout, d.stderr)
			}
			r := pcsync(t, env, "", "run", "--rate", "0", "--quiet", "--action", "segments/add", in)
			if r.code != exitOK || em.Stats().Requests != 4 || !strings.Contains(r.stderr, "is an .xlsx workbook") {
				t.Fatalf("exit %d, %d requests\n%s%s", r.code, em.Stats().Requests, r.stdout, r.stderr)
			}
			res := strings.TrimSuffix(in, filepath.Ext(in)) + ".results.csv"
			recs := readCSV(t, res)
			phones := map[string]string{}
			for _, rec := range recs[1:] {
				phones[rec[0]] = rec[2]
			}
			if phones["2"] != "447700900123" || phones["5"] != "" || len(recs) != 5 {
				t.Errorf("results %q: want row 2's phone as its digits 447700900123, and linus@ as row 5 (after the blank row)", recs)
			}
			r = pcsync(t, env, "", "run", "--rate", "0", "--quiet", "--action", "segments/add", "--resume", in)
			if r.code != exitOK || !strings.Contains(r.stdout, "4 rows were already ok") || em.Stats().Requests != 4 {
				t.Errorf("resume: exit %d, %d requests\n%s%s", r.code, em.Stats().Requests, r.stdout, r.stderr)
			}
		})
	}
}

func TestWorkbookRefusals(t *testing.T) {
	t.Parallel()
	wb := readTestdata(t, filepath.Join("examples", "workbook.xlsx"))
	tests := []struct {
		name, file, in string
		args           []string
		want           string
	}{
		{"unknown sheet", "w.xlsx", wb, []string{"--sheet", "Nope"}, `the workbook has no sheet "Nope" (its sheets: "Contacts", "Notes")`},
		{"a sheet with no rows", "w.xlsx", wb, []string{"--sheet", "Notes"}, "the header has no rows under it"},
		{"--sheet on a CSV", "c.csv", "email\na@b.co\n", []string{"--sheet", "Contacts"}, `--sheet "Contacts": the input is not an .xlsx workbook`},
		{"a zip that is no workbook", "z.csv", "PK\x03\x04\x14\x00\x00\x00\x08\x00\x00\x01\b" + strings.Repeat("\x00", 40), nil, "cannot read the workbook"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := writeFile(t, tt.file, tt.in)
			r := pcsync(t, nil, "", append(append([]string{"run", "--dry-run", "--action", "segments/add"}, tt.args...), in)...)
			if r.code != exitUsage || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, want 2 with %q\n%s%s", r.code, tt.want, r.stdout, r.stderr)
			}
			if !utf8.ValidString(r.stderr) || strings.ContainsAny(r.stderr, "\x00\x03\x04\b") {
				t.Errorf("raw bytes on the terminal: %q", r.stderr)
			}
		})
	}
	r := pcsync(t, nil, "", "run", "--dry-run", "--action", "segments/add", "--sheet", "Contacts", writeFile(t, "w.xlsx", wb))
	if r.code != exitOK || !strings.Contains(r.stdout, "dry run: 4 rows") {
		t.Errorf("--sheet Contacts: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
