package shard

import (
	"github.com/pcsync/pcsync/internal/csvsource"
	"github.com/pcsync/pcsync/internal/job"
)

// Columns locates the cells a row is assigned by; -1 for a missing column.
type Columns struct {
	Email, Phone int
}

// ColumnsOf returns the email and phone columns of an input with header h.
func ColumnsOf(h *csvsource.Header) Columns {
	return Columns{Email: h.Field("email"), Phone: h.Field("phone")}
}

// Has reports whether the record with these fields belongs to s.
func (c Columns) Has(s Spec, fields []string) bool {
	return s.Has(cell(fields, c.Email), cell(fields, c.Phone))
}

func cell(fields []string, i int) string {
	if i < 0 || i >= len(fields) {
		return ""
	}
	return fields[i]
}

// Filter returns a source of the rows of src that belong to s, numbered as
// in the input. Each row of another shard is passed to other, when it is
// not nil; an error from other stops the reading, and Next returns it. For
// the zero Spec, Filter returns src itself.
func Filter(src job.Rows, h csvsource.Header, s Spec, other func(job.Row) error) job.Rows {
	if !s.On() {
		return src
	}
	return &filter{src: src, spec: s, cols: ColumnsOf(&h), other: other}
}

type filter struct {
	src   job.Rows
	spec  Spec
	cols  Columns
	other func(job.Row) error
	err   error
}

// Next returns the next row of the shard, or the first error.
func (f *filter) Next() (job.Row, error) {
	for f.err == nil {
		row, err := f.src.Next()
		if err != nil {
			return row, err
		}
		if f.cols.Has(f.spec, row.Fields) {
			return row, nil
		}
		if f.other != nil {
			f.err = f.other(row)
		}
	}
	return job.Row{}, f.err
}
