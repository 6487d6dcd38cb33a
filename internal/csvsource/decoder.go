package csvsource

import (
	"encoding/csv"
	"io"
	"strings"

	"github.com/gocarina/gocsv"
)

var _ gocsv.Decoder = (*decoder)(nil)

// decoder reads the input a batch of records at a time and is the
// gocsv.Decoder that gocsv.UnmarshalDecoder turns each batch into Records
// with, on the caller's goroutine: no goroutine of its own, no channel, and
// so no hand-off to pay per row, nothing left blocked when the caller stops
// reading, and no reader to unblock on cancellation.
//
// gocsv sees a header of the known keys only, in file order, and for each
// record the matching fields: gocsv never meets an unknown, empty or
// repeated name, so gocsv.FailIfDoubleHeaderNames cannot trip on the input.
// (gocsv.FailIfUnmatchedStructTags would: pcsync must leave it false.)
type decoder struct {
	r     *csv.Reader
	names []string // header names, for errors

	keys []string // the header gocsv sees
	cols []int    // file column of each of keys; nil when the file has only known columns

	// The batch read last: each record's fields verbatim (handed on in
	// Row.Fields, never reused), the physical line it starts on, and
	// what gocsv is given: keys, then each record's known fields.
	fields [][]string
	lines  []int
	index  []int // each record's row number: blank rows are counted but not returned
	rows   [][]string
	flat   []string // backing of the projections in rows, reused batch after batch
	err    error    // what ended the batch early (io.EOF, an *Error), returned after it

	n         int  // data records read so far, blank ones included
	blank     int  // blank records skipped so far
	checkUTF8 bool // refuse fields that are not UTF-8 (false: Scan did)
}

// newDecoder returns a decoder reading data records from r, which is
// positioned after the header h, at most batch records at a time.
func newDecoder(r *csv.Reader, h Header, batch int, checkUTF8 bool) *decoder {
	batch = max(batch, 1)
	d := &decoder{
		r: r, names: h.Names, checkUTF8: checkUTF8,
		keys:   make([]string, 0, len(knownKeys)),
		fields: make([][]string, 0, batch),
		lines:  make([]int, 0, batch),
		index:  make([]int, 0, batch),
		rows:   make([][]string, 0, batch+1),
	}
	var cols []int
	for i, k := range h.Fields {
		if k != "" {
			d.keys = append(d.keys, k)
			cols = append(cols, i)
		}
	}
	if len(cols) < len(h.Fields) {
		d.cols = cols
		d.flat = make([]string, batch*len(cols))
	}
	return d
}

// read reads the next batch: up to cap(d.fields) records. It returns how
// many it read; when that is 0, the error that ended the input (io.EOF, an
// *Error for a broken record). An error met after some records is kept and
// returned by the next read, so that the records before it come out first.
func (d *decoder) read() (int, error) {
	d.fields, d.lines, d.index, d.rows = d.fields[:0], d.lines[:0], d.index[:0], append(d.rows[:0], d.keys)
	if d.err != nil {
		return 0, d.err
	}
	for len(d.fields) < cap(d.fields) {
		fields, err := d.r.Read()
		if err != nil {
			if err != io.EOF {
				err = readError(err, fields, d.names)
			}
			d.err = err
			break
		}
		d.n++
		if blank(fields) {
			d.blank++
			continue
		}
		if i := d.invalidUTF8(fields); i >= 0 {
			line, _ := d.r.FieldPos(i)
			d.err = utf8Error(line, i, fields[i], d.names)
			break
		}
		line, _ := d.r.FieldPos(0)
		d.fields = append(d.fields, fields)
		d.lines = append(d.lines, line)
		d.index = append(d.index, d.n)
		if d.cols == nil {
			d.rows = append(d.rows, fields)
			continue
		}
		k := len(d.fields) - 1
		proj := d.flat[k*len(d.cols) : (k+1)*len(d.cols) : (k+1)*len(d.cols)]
		for i, c := range d.cols {
			proj[i] = fields[c]
		}
		d.rows = append(d.rows, proj)
	}
	if len(d.fields) == 0 {
		return 0, d.err
	}
	return len(d.fields), nil
}

// GetCSVRows returns the batch read last, header first, for gocsv.
func (d *decoder) GetCSVRows() ([][]string, error) {
	return d.rows, nil
}

// blank reports whether every field of a record is empty or white space:
// a spreadsheet's empty row, such as ",,".
func blank(fields []string) bool {
	for _, f := range fields {
		if f != "" && strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// invalidUTF8 is invalidUTF8 when the decoder checks fields, else -1.
func (d *decoder) invalidUTF8(fields []string) int {
	if !d.checkUTF8 {
		return -1
	}
	return invalidUTF8(fields)
}
