package job

import (
	"strconv"
	"strings"
)

// FieldError says what is wrong with one column of a row.
type FieldError struct {
	Column  string // the normalized column name, as in the header keys
	Value   string // the offending value as written ("" when it is missing)
	Problem string
}

// Error renders e as `email "bob@": not a valid email address`.
func (e *FieldError) Error() string {
	if e.Value == "" {
		return e.Column + ": " + e.Problem
	}
	return e.Column + " " + Quote(e.Value) + ": " + e.Problem
}

// Problems lists every column of a row that is at fault. It is the error
// Build returns for an invalid row.
type Problems []*FieldError

// Error joins the problems with "; ".
func (p Problems) Error() string {
	parts := make([]string, len(p))
	for i, e := range p {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

func (p *Problems) add(column, value, problem string) {
	*p = append(*p, &FieldError{Column: column, Value: value, Problem: problem})
}

// Quote quotes a value (a cell, a header name) for a message: Go syntax,
// so that no control or invalid byte reaches a terminal raw, and a long
// one shortened.
func Quote(v string) string {
	const max = 60
	if len(v) > max {
		cut := max
		for cut > 0 && v[cut]&0xC0 == 0x80 { // do not split a UTF-8 sequence
			cut--
		}
		v = v[:cut] + "…"
	}
	return strconv.Quote(v)
}
