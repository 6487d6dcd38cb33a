package results

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pcsync/pcsync/internal/api"
	"github.com/pcsync/pcsync/internal/job"
)

const resultsHeader = "row,email,action,status,http_status,attempts,error,segments\n"

func writeResults(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "r.csv")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// readRecords reads every record of path, copied, and the error that
// ended the reading (nil at io.EOF).
func readRecords(t *testing.T, path string, comma rune) ([]Record, *Reader, error) {
	t.Helper()
	rd, err := OpenReader(path, comma)
	if err != nil {
		return nil, nil, err
	}
	t.Cleanup(func() { rd.Close() })
	var out []Record
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			return out, rd, nil
		}
		if err != nil {
			return out, rd, err
		}
		c := *rec
		c.Input = append([]string(nil), rec.Input...)
		c.Fields = append([]string(nil), rec.Fields...)
		out = append(out, c)
	}
}

func TestReaderParsesRecords(t *testing.T) {
	t.Parallel()
	path := writeResults(t, resultsHeader+
		"1,a@b.co,segments/get,ok,200,1,,100500:static 7:dynamic\n"+
		"2,\"multi\nline\",Segments/Add,failed,503,6,service temporarily unavailable,\n"+
		",c@d.co,segments/remove,skipped,,0,not sent: the run was stopped,\n"+
		"4,e@f.co,frob,invalid,,,\"action \"\"frob\"\": unknown action\",\n")
	got, rd, err := readRecords(t, path, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []Record{
		{Line: 2, Row: 1, Input: []string{"a@b.co", "segments/get"}, Action: job.SegmentsGet, Status: job.StatusOK,
			HTTPStatus: 200, Attempts: 1, Segments: "100500:static 7:dynamic",
			Fields: []string{"1", "a@b.co", "segments/get", "ok", "200", "1", "", "100500:static 7:dynamic"}},
		{Line: 3, Row: 2, Input: []string{"multi\nline", "Segments/Add"}, Action: job.SegmentsAdd, Status: job.StatusFailed,
			HTTPStatus: 503, Attempts: 6, Error: "service temporarily unavailable",
			Fields: []string{"2", "multi\nline", "Segments/Add", "failed", "503", "6", "service temporarily unavailable", ""}},
		{Line: 5, Row: 0, Input: []string{"c@d.co", "segments/remove"}, Action: job.SegmentsRemove, Status: job.StatusSkipped,
			Error:  "not sent: the run was stopped",
			Fields: []string{"", "c@d.co", "segments/remove", "skipped", "", "0", "not sent: the run was stopped", ""}},
		{Line: 6, Row: 4, Input: []string{"e@f.co", "frob"}, Status: job.StatusInvalid, Error: `action "frob": unknown action`,
			Fields: []string{"4", "e@f.co", "frob", "invalid", "", "", `action "frob": unknown action`, ""}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("records\n got %+v\nwant %+v", got, want)
	}
	if got[2].FromInput() || !got[0].FromInput() {
		t.Error("FromInput: a record with an empty row column is not an input row; the others are")
	}
	if rd.CutShort() {
		t.Error("CutShort on a whole file")
	}
	if h := rd.Header(); h.Comma != ',' || len(h.Names) != 8 {
		t.Errorf("header %+v", h)
	}
}

func TestReaderHeaderAsInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		content string
		comma   rune
		want    rune
	}{
		{"comma", resultsHeader + "1,a@b.co,segments/add,ok,200,1,,\n", 0, ','},
		{"semicolons detected", strings.ReplaceAll(resultsHeader, ",", ";") + "1;a@b.co;segments/add;ok;200;1;;\n", 0, ';'},
		{"tabs given", strings.ReplaceAll(resultsHeader, ",", "\t") + "1\ta@b.co\tsegments/add\tok\t200\t1\t\t\n", '\t', '\t'},
		{"byte order mark", "\uFEFF" + resultsHeader + "1,a@b.co,segments/add,ok,200,1,,\n", 0, ','},
		{"header only", resultsHeader, 0, ','},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, rd, err := readRecords(t, writeResults(t, tt.content), tt.comma)
			if err != nil {
				t.Fatal(err)
			}
			if h := rd.Header(); h.Comma != tt.want || h.Names[0] != ColRow {
				t.Errorf("header %q, delimiter %q; want %q", h.Names, h.Comma, tt.want)
			}
			if n := strings.Count(tt.content, "\n") - 1; len(got) != n {
				t.Errorf("%d records, want %d", len(got), n)
			}
		})
	}
}

func TestReaderPassesOverALastRecordCutShort(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, tail string
	}{
		{"too few fields", "2,c@d.co,segm"},
		{"an unclosed quote", "2,c@d.co,segments/add,failed,503,1,\"service"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, rd, err := readRecords(t, writeResults(t, resultsHeader+"1,a@b.co,segments/add,ok,200,1,,\n"+tt.tail), 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || !rd.CutShort() {
				t.Errorf("%d records, CutShort %v; want 1 and true", len(got), rd.CutShort())
			}
			if _, err := rd.Next(); err != io.EOF {
				t.Errorf("Next after the end = %v, want io.EOF", err)
			}
		})
	}
}

func TestReaderErrors(t *testing.T) {
	t.Parallel()
	ok := "1,a@b.co,segments/add,ok,200,1,,\n"
	tests := []struct {
		name    string
		content string // "" for no file
		line    int
		column  string
		want    string // the message after the file's name
	}{
		{"no such file", "", 0, "", "cannot read results: open "},
		{"empty", "\n\n", 0, "", ": line 1: the file is empty"},
		{"an input file", "email,action\na@b.co,segments/get\n", 0, ColRow,
			` is not a pcsync results file: it has no "row" column (its columns: email,action)`},
		{"no status column", "row,email,action,attempts,error\n1,a@b.co,segments/get,1,\n", 0, ColStatus,
			` is not a pcsync results file: it has no "status" column`},
		{"broken record mid-file", resultsHeader + "1,a@b.co\n" + ok, 0, "", ": record on line 2: wrong number of fields"},
		{"row not a number", resultsHeader + ok + "x,a@b.co,segments/add,ok,200,1,,\n", 3, ColRow, `, line 3: column row: "x" is not a row number`},
		{"row 0", resultsHeader + "0,a@b.co,segments/add,ok,200,1,,\n", 2, ColRow, `, line 2: column row: "0" is not a row number`},
		{"unknown status", resultsHeader + "1,a@b.co,segments/add,fine,200,1,,\n", 2, ColStatus,
			`, line 2: column status: "fine" is not a status pcsync writes (ok, failed, invalid, skipped, duplicate, unchanged)`},
		{"negative attempts", resultsHeader + "1,a@b.co,segments/add,ok,200,-1,,\n", 2, ColAttempts, `, line 2: column attempts: "-1" is not a number of requests`},
		{"bad HTTP status", resultsHeader + "1,a@b.co,segments/add,ok,OK,1,,\n", 2, ColHTTPStatus, `, line 2: column http_status: "OK" is not an HTTP status`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "missing.csv")
			if tt.content != "" {
				path = writeResults(t, tt.content)
			}
			_, rd, err := readRecords(t, path, 0)
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v (%T), want a *FileError", err, err)
			}
			if fe.Path != path || fe.Line != tt.line || fe.Column != tt.column {
				t.Errorf("FileError{Path %q, Line %d, Column %q}, want %q, %d, %q", fe.Path, fe.Line, fe.Column, path, tt.line, tt.column)
			}
			if msg := err.Error(); !strings.Contains(msg, tt.want) || !strings.Contains(msg, path) {
				t.Errorf("message %q, want the file's name and %q", msg, tt.want)
			}
			if rd != nil {
				if _, again := rd.Next(); again != err {
					t.Errorf("Next after an error = %v, want the same error", again)
				}
			}
		})
	}
	_, _, err := readRecords(t, filepath.Join(t.TempDir(), "missing.csv"), 0)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: %v is not fs.ErrNotExist", err)
	}
}

// TestReaderReadsWhatWriterWrote: every result the Writer writes reads
// back as it was, with or without an action column of the input's.
func TestReaderReadsWhatWriterWrote(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		h      []string
		fields func([]string) []string // an input row's fields in h's order
	}{
		{"no action column", []string{"Email", "segment_id", "status"}, func(f []string) []string { return f }},
		{"the input's action column last", []string{"Email", "segment_id", "status", "Action"},
			func(f []string) []string { return append(f, "segments/remove") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := header(';', tt.h...)
			var res bytes.Buffer
			w, err := NewWriter(&res, nil, h, Options{})
			if err != nil {
				t.Fatal(err)
			}
			results := []job.Result{
				{Row: row(1, tt.fields([]string{"a@b.co", "42", "vip"})...), Action: job.SegmentsRemove, Status: job.StatusOK,
					HTTPStatus: 200, Attempts: 1, Segments: []api.Segment{{ID: "42", Type: "static"}}},
				{Row: row(2, tt.fields([]string{"=1+1", "", "a;b"})...), Action: job.SegmentsRemove, Status: job.StatusInvalid,
					Error: "-segment_id: missing"},
				{Row: job.Row{Fields: tt.fields([]string{"x@y.co", "42", "gone"}), Origin: job.OriginMirror},
					Action: job.SegmentsRemove, Status: job.StatusFailed, HTTPStatus: 500, Attempts: 3, Error: "server error"},
			}
			for i := range results {
				if err := w.Write(&results[i]); err != nil {
					t.Fatal(err)
				}
			}
			w.Flush()
			got, rd, err := readRecords(t, writeResults(t, res.String()), 0)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(rd.Header().Names, ResultsHeader(h)) {
				t.Errorf("header %q, want %q", rd.Header().Names, ResultsHeader(h))
			}
			if len(got) != len(results) {
				t.Fatalf("%d records, want %d", len(got), len(results))
			}
			for i, r := range results {
				g := got[i]
				if g.Row != r.Row.Index || !reflect.DeepEqual(g.Input[:len(tt.h)], r.Row.Fields) || g.Action != r.Action ||
					g.Status != r.Status || g.HTTPStatus != r.HTTPStatus || g.Attempts != r.Attempts ||
					g.Error != Defuse(r.Error) || g.Segments != FormatSegments(r.Segments) {
					t.Errorf("record %d reads %+v, written from %+v", i, g, r)
				}
			}
		})
	}
}
