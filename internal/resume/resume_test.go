package resume

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pcsync/pcsync/internal/csvsource"
)

const input = "email,action\na@b.co,segments/get\nc@d.co,segments/get\ne@f.co,segments/get\n"

func inputHeader(t *testing.T) csvsource.Header {
	t.Helper()
	src, err := csvsource.Open(strings.NewReader(input), csvsource.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	return src.Header()
}

func inputRows(t *testing.T, content string) *csvsource.Source {
	t.Helper()
	src, err := csvsource.Open(strings.NewReader(content), csvsource.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	return src
}

const resultsHeader = "row,email,action,status,http_status,attempts,error,segments\n"

func TestLoad(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		content string
		done    []int // rows done, of 1..3
		wantErr string
	}{
		{"ok, duplicate and unchanged are done", resultsHeader +
			"1,a@b.co,segments/get,ok,200,1,,\n2,c@d.co,segments/get,duplicate,,0,not sent: same as row 1,\n" +
			"3,e@f.co,segments/get,unchanged,,0,not sent,\n", []int{1, 2, 3}, ""},
		{"failed and skipped are not", resultsHeader +
			"1,a@b.co,segments/get,failed,503,1,down,\n2,c@d.co,segments/get,skipped,,0,stopped,\n3,e@f.co,segments/get,ok,200,1,,\n",
			[]int{3}, ""},
		{"a removal of --mirror is no row", resultsHeader + ",x@y.co,segments/remove,ok,200,1,,\n1,a@b.co,segments/get,ok,200,1,,\n",
			[]int{1}, ""},
		{"a last record cut short is redone", resultsHeader + "1,a@b.co,segments/get,ok,200,1,,\n2,c@d.co,segm", []int{1}, ""},
		{"a row twice counts once", resultsHeader + "1,a@b.co,segments/get,ok,200,1,,\n1,a@b.co,segments/get,ok,200,1,,\n", []int{1}, ""},
		{"other columns", "row,email,status,http_status,attempts,error,segments\n", nil, "its columns differ from the input's"},
		{"not a results file", "email,action\na@b.co,segments/get\n", nil, "its columns differ from the input's"},
		{"empty", "\n", nil, "cannot read its header"},
		{"a bad row number", resultsHeader + "x,a@b.co,segments/get,ok,200,1,,\n", nil, `line 2: column row: "x" is not a row number`},
		{"a broken record mid-file", resultsHeader + "1,a@b.co\n2,c@d.co,segments/get,ok,200,1,,\n", nil, "wrong number of fields"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "r.csv")
			os.WriteFile(path, []byte(tt.content), 0o644)
			st, err := Load(path, inputHeader(t))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), path) {
					t.Fatalf("Load = %v, want an error naming %s and saying %q", err, path, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for row := 1; row <= 3; row++ {
				want := false
				for _, d := range tt.done {
					want = want || d == row
				}
				if st.Done(row) != want {
					t.Errorf("Done(%d) = %v, want %v", row, st.Done(row), want)
				}
			}
			if st.Count() != len(tt.done) {
				t.Errorf("Count %d, want %d", st.Count(), len(tt.done))
			}
			if err := st.Verify(inputRows(t, input)); err != nil {
				t.Errorf("Verify of the same input: %v", err)
			}
		})
	}
}

func TestLoadWithoutResults(t *testing.T) {
	t.Parallel()
	_, err := Load(filepath.Join(t.TempDir(), "none.csv"), inputHeader(t))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load = %v, want fs.ErrNotExist", err)
	}
}

func TestVerifyRefusesAnotherInput(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "r.csv")
	os.WriteFile(path, []byte(resultsHeader+"2,c@d.co,segments/get,ok,200,1,,\n"), 0o644)
	tests := map[string]string{
		"a value changed": strings.Replace(input, "c@d.co", "c@d.org", 1),
		"a row removed":   strings.Replace(input, "a@b.co,segments/get\n", "", 1),
	}
	for name, content := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			st, err := Load(path, inputHeader(t))
			if err != nil {
				t.Fatal(err)
			}
			if err := st.Verify(inputRows(t, content)); !errors.Is(err, ErrMismatch) {
				t.Errorf("Verify = %v, want ErrMismatch", err)
			}
		})
	}
}

func TestRewriteKeepsTheDoneRecordsOnce(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "r.csv")
	os.WriteFile(path, []byte(resultsHeader+
		"3,e@f.co,segments/get,ok,200,1,,\"100500:static\"\n"+
		"1,a@b.co,segments/get,failed,503,1,down,\n"+
		",x@y.co,segments/remove,ok,200,1,,\n"+
		"3,e@f.co,segments/get,ok,200,1,,100500:static\n"+
		"2,c@d.co,segm"), 0o644)
	h := inputHeader(t)
	st, err := Load(path, h)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Rewrite(path, h.Comma, h.BOM, h.CRLF); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if want := resultsHeader + "3,e@f.co,segments/get,ok,200,1,,100500:static\n"; string(b) != want {
		t.Errorf("rewritten\n%s\nwant\n%s", b, want)
	}
}

// A failed-rows file fed back in: its results carry original_row and
// original_line but not its error column. The rows are told apart by the
// columns the results carry: a changed original number is another input,
// a changed error (which the results do not hold) is not.
func TestVerifyOfAFailedRowsFile(t *testing.T) {
	t.Parallel()
	const failed = "email,action,original_row,original_line,error\n" +
		"a@b.co,segments/get,2,3,down\nc@d.co,segments/get,5,6,down\n"
	path := filepath.Join(t.TempDir(), "r.csv")
	os.WriteFile(path, []byte("row,email,action,original_row,original_line,status,http_status,attempts,error,segments\n"+
		"2,c@d.co,segments/get,5,6,ok,200,1,,\n"), 0o644)
	tests := []struct {
		name, content string
		mismatch      bool
	}{
		{"the same file", failed, false},
		{"another error", strings.Replace(failed, "6,down", "6,gone", 1), false},
		{"another original row", strings.Replace(failed, ",5,6,", ",7,6,", 1), true},
		{"another email", strings.Replace(failed, "c@d.co", "c@d.org", 1), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st, err := Load(path, inputRows(t, failed).Header())
			if err != nil {
				t.Fatal(err)
			}
			if st.Count() != 1 || !st.Done(2) {
				t.Fatalf("%d rows done, row 2 %v", st.Count(), st.Done(2))
			}
			err = st.Verify(inputRows(t, tt.content))
			if got := errors.Is(err, ErrMismatch); got != tt.mismatch {
				t.Fatalf("Verify = %v, want a mismatch: %v", err, tt.mismatch)
			}
			if tt.mismatch {
				if row, line, missing := st.FirstDifference(inputRows(t, tt.content)); row != 2 || line != 3 || missing {
					t.Errorf("FirstDifference = row %d, line %d, missing %v; want row 2, line 3", row, line, missing)
				}
			}
		})
	}
}
