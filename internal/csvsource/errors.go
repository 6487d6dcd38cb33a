package csvsource

import (
	"encoding/csv"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Problems with the input that are not CSV syntax. They are returned wrapped
// in an *Error; test for them with errors.Is. CSV syntax problems wrap
// encoding/csv's csv.ErrQuote, csv.ErrBareQuote and csv.ErrFieldCount.
var (
	// ErrEmpty reports an input with no header: no bytes, or only blank
	// lines and a byte order mark.
	ErrEmpty = errors.New("the file is empty")

	// ErrDuplicateColumn reports two header names that mean the same
	// known column, such as "Email" and "email ".
	ErrDuplicateColumn = errors.New("duplicate column")

	// ErrUTF16 reports an input that starts with a UTF-16 byte order mark,
	// as Excel writes for "Unicode Text".
	ErrUTF16 = errors.New("the file is UTF-16 text; save it as \"CSV UTF-8\"")

	// ErrWorkbook reports an input whose bytes are a spreadsheet workbook
	// (.xlsx, .xls), whatever its name says.
	ErrWorkbook = errors.New("this is a spreadsheet workbook, not CSV text: open it and save it as \"CSV UTF-8\"")

	// ErrBareCR reports a header ended by a lone carriage return, as
	// written by old Mac software: the whole file would read as one line.
	ErrBareCR = errors.New("lines end with a lone carriage return (old Mac format); save the file with Windows or Unix line ends")
)

// ErrClosed is returned by Source.Next after Source.Close.
var ErrClosed = errors.New("csvsource: source is closed")

// Error reports a problem with the input at a place in the file.
type Error struct {
	Line   int    // 1-based physical line, 0 if unknown
	Column int    // 1-based column, 0 if not about one column
	Name   string // the column's header name when known
	Err    error
}

// Error returns the place and the problem in words for end users, such as
// `line 5: bare " in non-quoted field` or
// `line 5, column 2 (email): bare " in non-quoted field`.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(e.Line))
	}
	if e.Column > 0 {
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString("column ")
		b.WriteString(strconv.Itoa(e.Column))
		if e.Name != "" {
			b.WriteString(" (")
			b.WriteString(Printable(e.Name))
			b.WriteString(")")
		}
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	} else {
		b.WriteString("invalid input")
	}
	return b.String()
}

// Unwrap returns the underlying problem.
func (e *Error) Unwrap() error { return e.Err }

// detailError gives a sentinel error a message written for the case at hand
// while errors.Is still finds the sentinel.
type detailError struct {
	msg string
	err error
}

func (e *detailError) Error() string { return e.msg }
func (e *detailError) Unwrap() error { return e.err }

// readError turns an error from csv.Reader.Read into an *Error. record is
// what Read returned with the error (the fields before a syntax error, or
// the whole record for a wrong field count) and names the header names, nil
// while reading the header itself.
func readError(err error, record, names []string) *Error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return &Error{Err: fmt.Errorf("cannot read the input: %w", err)}
	}
	// Line is where the record starts: with an unbalanced quote the parser
	// notices only lines later, or at the end of the file.
	e := &Error{Line: pe.StartLine}
	var where string
	if pe.Line != pe.StartLine {
		where = " (noticed on line " + strconv.Itoa(pe.Line) + ")"
	}
	switch pe.Err {
	case csv.ErrFieldCount:
		e.Err = &detailError{
			msg: fmt.Sprintf("the record has %d fields but the header has %d (check the delimiter and the quotes)", len(record), len(names)),
			err: pe.Err,
		}
	case csv.ErrBareQuote:
		e.setColumn(len(record), names)
		e.Err = &detailError{
			msg: `bare " in non-quoted field` + where + `; a value containing " must be enclosed in quotes, with its quotes doubled`,
			err: pe.Err,
		}
	case csv.ErrQuote:
		e.setColumn(len(record), names)
		e.Err = &detailError{
			msg: `unbalanced quote: a quoted field is not closed, or text follows its closing "` + where,
			err: pe.Err,
		}
	default:
		e.Err = pe.Err
	}
	return e
}

// setColumn names the field at index i, the one after the fields read
// before a syntax error.
func (e *Error) setColumn(i int, names []string) {
	e.Column = i + 1
	if i < len(names) {
		e.Name = names[i]
	}
}
