package csvsource

import (
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
)

// fuzzComma turns the fuzzer's byte into Options.Comma: detection, one of
// the detected delimiters, or any other byte, some of them invalid.
func fuzzComma(b byte) rune {
	switch b {
	case 0:
		return 0
	case 1:
		return ','
	case 2:
		return ';'
	case 3:
		return '\t'
	}
	return rune(b)
}

// FuzzSource checks that Open/Next and Scan agree on any input, and that
// the rows Next returns are consistent.
func FuzzSource(f *testing.F) {
	for _, seed := range []string{
		"",
		"\ufeff",
		"\ufeffEmail;Action;Segment_ID\r\na@x;segments/add;1\r\n",
		"email\tphone\na\tb\n",
		"email,note,action\na,\"x,\ny\",add\nb,c,d\n",
		"email,action\na,b\nc,d\ne,f\n\"g,h\n",
		"email,action\na,b\"c\n",
		"email,action\na,b,c\n",
		"Email,email \n",
		"email,action\n\n\n",
		"email,action\ra,b\r",
		"\xff\xfee\x00",
		"id,,x,X\n1,2,3,4\n",
		"sep=;\r\nE-mail Address;Segment\r\na@x;1\r\n;\r\n",
		"email,phone\n,\n \t, \na,b\n",
	} {
		f.Add(seed, byte(0))
	}
	f.Add("email;note,action\na;b,c\n", byte(1))
	f.Add("email|action\na|b\n", byte('|'))

	f.Fuzz(func(t *testing.T, data string, comma byte) {
		opts := Options{Comma: fuzzComma(comma)}
		scanRows, scanErr := Scan(strings.NewReader(data), opts)

		s, err := Open(strings.NewReader(data), opts)
		if err != nil {
			if scanErr == nil || scanErr.Error() != err.Error() || scanRows != 0 {
				t.Fatalf("Open failed with %v; Scan returned %d, %v", err, scanRows, scanErr)
			}
			return
		}
		defer s.Close()
		h := s.Header()
		if len(h.Names) == 0 || len(h.Keys) != len(h.Names) || !validComma(h.Comma) {
			t.Fatalf("bad header %#v", h)
		}
		for i, name := range h.Names {
			if h.Keys[i] != normalizeKey(name) {
				t.Fatalf("key %q of name %q", h.Keys[i], name)
			}
		}

		rows, lastLine, lastIndex := 0, 0, 0
		for {
			row, err := s.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("Next: got %v (%T), want an *Error", err, err)
				}
				if e.Line != 0 && e.Line <= lastLine {
					t.Fatalf("error on line %d after a row on line %d", e.Line, lastLine)
				}
				if scanErr == nil || scanErr.Error() != err.Error() || scanRows != rows {
					t.Fatalf("Next failed with %v after %d rows; Scan returned %d, %v", err, rows, scanRows, scanErr)
				}
				if _, again := s.Next(); again != err {
					t.Fatalf("Next after %v returned %v", err, again)
				}
				return
			}
			rows++
			if row.Index <= lastIndex || row.Index < rows || row.Index > rows+s.Blank() {
				t.Fatalf("row %d has Index %d after %d, with %d blank rows skipped", rows, row.Index, lastIndex, s.Blank())
			}
			lastIndex = row.Index
			if row.Line <= lastLine {
				t.Fatalf("row %d on line %d, after line %d", rows, row.Line, lastLine)
			}
			lastLine = row.Line
			if len(row.Fields) != len(h.Names) {
				t.Fatalf("row %d has %d fields, the header %d", rows, len(row.Fields), len(h.Names))
			}
			rec := reflect.ValueOf(row.Record)
			for k, key := range knownKeys {
				want := ""
				if i := h.Field(key); i >= 0 {
					want = row.Fields[i]
				}
				if got := rec.Field(k).String(); got != want {
					t.Fatalf("row %d: Record's %s is %q, its field %q", rows, key, got, want)
				}
			}
		}
		if scanErr != nil || scanRows != rows {
			t.Fatalf("Next read %d rows to the end; Scan returned %d, %v", rows, scanRows, scanErr)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Next(); err != ErrClosed {
			t.Fatalf("Next after Close: %v", err)
		}
	})
}
