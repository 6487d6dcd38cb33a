package csvsource

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// workbook builds an .xlsx of one sheet "S" from rows (row 1 first; a nil
// row is left empty).
func workbook(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", "S")
	for i, r := range rows {
		if r == nil {
			continue
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("S", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestWorkbookToCSV(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		rows [][]any
		want string
		err  string
	}{
		{name: "values as stored", rows: [][]any{{"email", "phone", "n"}, {"a@b.co", 447700900123, 100500.0}, {"x,y", "line\nbreak", true}},
			want: "\ufeffemail,phone,n\r\na@b.co,447700900123,100500\r\n\"x,y\",\"line\r\nbreak\",1\r\n"},
		{name: "blank rows kept as lines", rows: [][]any{nil, {"email", "x"}, {"a@b.co"}, nil, {"c@d.co", "y"}},
			want: "\ufeff\r\nemail,x\r\na@b.co,\r\n,\r\nc@d.co,y\r\n"},
		{name: "a cell right of the header", rows: [][]any{{"email"}, {"a@b.co", "stray"}}, err: `line 2, column 2: a cell right of the header's 1 columns: "stray"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var out strings.Builder
			err := WorkbookToCSV(&out, bytes.NewReader(workbook(t, tt.rows)), "", 0)
			if tt.err != "" {
				var e *Error
				if !errors.As(err, &e) || err.Error() != tt.err {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || out.String() != tt.want {
				t.Fatalf("WorkbookToCSV = %q, %v; want %q", out.String(), err, tt.want)
			}
			n, err := Scan(strings.NewReader(out.String()), Options{})
			if err != nil || n == 0 {
				t.Errorf("the CSV does not scan: %d, %v", n, err)
			}
		})
	}
	var out strings.Builder
	if err := WorkbookToCSV(&out, bytes.NewReader(workbook(t, [][]any{{"email", "x"}, {"a", "b"}})), "S", ';'); err != nil || out.String() != "\ufeffemail;x\r\na;b\r\n" {
		t.Errorf("sheet S with ';': %q, %v", out.String(), err)
	}
}
