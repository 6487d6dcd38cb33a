package results

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/pcsync/pcsync/internal/api"
	"github.com/pcsync/pcsync/internal/csvsource"
	"github.com/pcsync/pcsync/internal/job"
)

func header(comma rune, names ...string) csvsource.Header {
	h := csvsource.Header{Names: names, Comma: comma}
	for _, n := range names {
		h.Keys = append(h.Keys, strings.ToLower(strings.TrimSpace(n)))
	}
	return h
}

func row(i int, fields ...string) job.Row {
	return job.Row{Index: i, Line: i + 1, Fields: fields}
}

func readAll(t *testing.T, b *bytes.Buffer, comma rune) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(b.Bytes()))
	r.Comma = comma
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("output is not CSV: %v\n%s", err, b)
	}
	return recs
}

func TestWriterRecords(t *testing.T) {
	var res, fail bytes.Buffer
	h := header(',', "Email", "segment_id", "note")
	w, err := NewWriter(&res, &fail, h, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []job.Result{
		{Row: row(1, "a@b.co", "1", "x, y"), Action: job.SegmentsAdd, Status: job.StatusOK, HTTPStatus: 200, Attempts: 1},
		{Row: row(3, "c@d.co", "", "multi\nline"), Action: job.SegmentsGet, Status: job.StatusOK, HTTPStatus: 200, Attempts: 2,
			Segments: []api.Segment{{ID: "100500", Type: "static"}, {ID: "7", Type: "dynamic"}}},
		{Row: row(2, "bad", "1", ""), Status: job.StatusInvalid, Error: `email "bad": not an email address (no @)`},
		{Row: row(4, "e@f.co", "7", ""), Action: job.SegmentsAdd, Status: job.StatusFailed, HTTPStatus: 403, Attempts: 1, Error: "segment 7 is dynamic"},
	} {
		if err := w.Write(&r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	got := readAll(t, &res, ',')
	want := [][]string{
		// The input has no action column: pcsync's own says the action used.
		{"row", "Email", "segment_id", "note", "action", "status", "http_status", "attempts", "error", "segments"},
		{"1", "a@b.co", "1", "x, y", "segments/add", "ok", "200", "1", "", ""},
		{"3", "c@d.co", "", "multi\nline", "segments/get", "ok", "200", "2", "", "100500:static 7:dynamic"},
		{"2", "bad", "1", "", "", "invalid", "", "0", `email "bad": not an email address (no @)`, ""},
		{"4", "e@f.co", "7", "", "segments/add", "failed", "403", "1", "segment 7 is dynamic", ""},
	}
	assertRecords(t, "results", got, want)

	// The failed file keeps the input's header (it is fed back in with
	// --action again), then the row's number and line, and the error.
	gotFail := readAll(t, &fail, ',')
	wantFail := [][]string{
		{"Email", "segment_id", "note", "original_row", "original_line", "error"},
		{"bad", "1", "", "2", "3", `email "bad": not an email address (no @)`},
		{"e@f.co", "7", "", "4", "5", "segment 7 is dynamic"},
	}
	assertRecords(t, "failed", gotFail, wantFail)
}

func TestWriterFailedFileFedBackKeepsItsShape(t *testing.T) {
	// A failed-rows file used as input has its error, original_row and
	// original_line columns already: the new failed file keeps the
	// original numbers and replaces the error instead of adding columns,
	// and the results carry the numbers but not the stale error, which
	// their own replaces. An original number left empty is filled in.
	var res, fail bytes.Buffer
	h := header(';', "email", "original_row", "original_line", "Error")
	w, err := NewWriter(&res, &fail, h, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []job.Result{
		{Row: row(1, "a@b.co", "17", "18", "old reason"), Action: job.SegmentsGet, Status: job.StatusFailed, Attempts: 3, Error: "connection refused"},
		{Row: row(2, "c@d.co", "40", "42", "old reason"), Action: job.SegmentsGet, Status: job.StatusOK, HTTPStatus: 200, Attempts: 1},
		{Row: row(3, "e@f.co", "", "", ""), Action: job.SegmentsGet, Status: job.StatusFailed, Attempts: 1, Error: "connection refused"},
	} {
		if err := w.Write(&r); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	assertRecords(t, "results", readAll(t, &res, ';'), [][]string{
		{"row", "email", "original_row", "original_line", "action", "status", "http_status", "attempts", "error", "segments"},
		{"1", "a@b.co", "17", "18", "segments/get", "failed", "", "3", "connection refused", ""},
		{"2", "c@d.co", "40", "42", "segments/get", "ok", "200", "1", "", ""},
		{"3", "e@f.co", "", "", "segments/get", "failed", "", "1", "connection refused", ""},
	})
	assertRecords(t, "failed", readAll(t, &fail, ';'), [][]string{
		{"email", "original_row", "original_line", "Error"},
		{"a@b.co", "17", "18", "connection refused"},
		{"e@f.co", "3", "4", "connection refused"},
	})
	if !strings.Contains(res.String(), ";") {
		t.Error("results do not use the input's delimiter")
	}
}

func TestWriterKeepsTheInputsActionColumn(t *testing.T) {
	// With an action column of its own, the input's cells are written back
	// as they are (even empty, when --action filled them in) and no second
	// action column is added.
	var res, fail bytes.Buffer
	h := header(',', "email", " Action ")
	w, err := NewWriter(&res, &fail, h, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []job.Result{
		{Row: row(1, "a@b.co", "Segments/Get"), Action: job.SegmentsGet, Status: job.StatusOK, HTTPStatus: 200, Attempts: 1},
		{Row: row(2, "c@d.co", ""), Action: job.SegmentsAdd, Status: job.StatusOK, HTTPStatus: 200, Attempts: 1},
	} {
		if err := w.Write(&r); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	assertRecords(t, "results", readAll(t, &res, ','), [][]string{
		{"row", "email", " Action ", "status", "http_status", "attempts", "error", "segments"},
		{"1", "a@b.co", "Segments/Get", "ok", "200", "1", "", ""},
		{"2", "c@d.co", "", "ok", "200", "1", "", ""},
	})
	assertRecords(t, "failed", readAll(t, &fail, ','), [][]string{{"email", " Action ", "original_row", "original_line", "error"}})
}

func TestWriterDefusesAndScrubs(t *testing.T) {
	var res bytes.Buffer
	h := header(',', "email")
	w, err := NewWriter(&res, nil, h, Options{Scrub: []string{"s3cr3t-value"}})
	if err != nil {
		t.Fatal(err)
	}
	r := job.Result{Row: row(1, "=cmd|' /C calc'!A0"), Status: job.StatusFailed, Error: "=HYPERLINK(\"x\") s3cr3t-value\nnext"}
	w.Write(&r)
	w.Flush()
	recs := readAll(t, &res, ',')
	if recs[1][1] != "=cmd|' /C calc'!A0" {
		t.Errorf("input value changed: %q", recs[1][1])
	}
	if got := recs[1][6]; got != `'=HYPERLINK("x") [REDACTED] next` {
		t.Errorf("error cell = %q", got)
	}
}

func TestDefuse(t *testing.T) {
	for in, want := range map[string]string{
		"":          "",
		"plain":     "plain",
		"=1+1":      "'=1+1",
		"+1":        "'+1",
		"-1":        "'-1",
		"@SUM(A1)":  "'@SUM(A1)",
		"\tx":       "'\tx",
		"a\r\nb\nc": "a b c",
		"ok = fine": "ok = fine",
	} {
		if got := Defuse(in); got != want {
			t.Errorf("Defuse(%q) = %q, want %q", in, got, want)
		}
	}
}

func assertRecords(t *testing.T, name string, got, want [][]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d records, want %d:\n%q", name, len(got), len(want), got)
	}
	for i := range want {
		if strings.Join(got[i], "\x00") != strings.Join(want[i], "\x00") {
			t.Errorf("%s record %d:\n got %q\nwant %q", name, i, got[i], want[i])
		}
	}
}
