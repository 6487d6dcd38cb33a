package csvsource

import (
	"encoding/csv"
	"errors"
	"testing"
)

func TestErrorMessage(t *testing.T) {
	t.Parallel()
	errX := errors.New("bad value")
	tests := []struct {
		name string
		err  *Error
		want string
	}{
		{"line", &Error{Line: 5, Err: errX}, "line 5: bad value"},
		{"line and column", &Error{Line: 5, Column: 2, Err: errX}, "line 5, column 2: bad value"},
		{"line, column and name", &Error{Line: 5, Column: 2, Name: "email", Err: errX}, "line 5, column 2 (email): bad value"},
		{"column only", &Error{Column: 2, Name: "email", Err: errX}, "column 2 (email): bad value"},
		{"nowhere", &Error{Err: errX}, "bad value"},
		{"name without column", &Error{Line: 1, Name: "email", Err: errX}, "line 1: bad value"},
		{"no error", &Error{Line: 3}, "line 3: invalid input"},
		{"csv error", &Error{Line: 7, Err: csv.ErrBareQuote}, `line 7: bare " in non-quoted-field`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if tt.err.Err != nil && !errors.Is(tt.err, tt.err.Err) {
				t.Errorf("errors.Is does not find %v", tt.err.Err)
			}
		})
	}
}

func TestReadError(t *testing.T) {
	t.Parallel()
	names := []string{"Email", "Action"}
	errIO := errors.New("i/o")
	tests := []struct {
		name   string
		err    error
		record []string
		want   Error
		is     error
	}{
		{
			name: "bare quote in the second field",
			err:  &csv.ParseError{StartLine: 4, Line: 4, Column: 9, Err: csv.ErrBareQuote}, record: []string{"a"},
			want: Error{Line: 4, Column: 2, Name: "Action"}, is: csv.ErrBareQuote,
		},
		{
			name: "quote past the header's columns",
			err:  &csv.ParseError{StartLine: 4, Line: 6, Column: 1, Err: csv.ErrQuote}, record: []string{"a", "b"},
			want: Error{Line: 4, Column: 3}, is: csv.ErrQuote,
		},
		{
			name: "field count",
			err:  &csv.ParseError{StartLine: 9, Line: 9, Column: 1, Err: csv.ErrFieldCount}, record: []string{"a", "b", "c"},
			want: Error{Line: 9}, is: csv.ErrFieldCount,
		},
		{name: "read failure", err: errIO, want: Error{}, is: errIO},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := readError(tt.err, tt.record, names)
			if got.Line != tt.want.Line || got.Column != tt.want.Column || got.Name != tt.want.Name {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			if !errors.Is(got, tt.is) {
				t.Errorf("%v does not wrap %v", got, tt.is)
			}
		})
	}
}
