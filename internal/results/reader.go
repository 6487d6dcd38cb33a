package results

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/pcsync/pcsync/internal/csvsource"
	"github.com/pcsync/pcsync/internal/job"
)

// Record is one record of a results file, parsed. The Reader reuses it and
// its slices for the next record.
type Record struct {
	Line int // the physical line the record starts on
	// Row is the input row's number; 0 when the row column is empty: the
	// row was not an input row but a removal of --mirror.
	Row int
	// Input holds the fields between the row and status columns: the
	// input's own, then pcsync's action column when the input had none.
	// The header alone cannot tell which (an input's own action column
	// may come last); a caller that knows the input's header keeps the
	// first len(KeptInput(nil, h.Names, DroppedInput(h))).
	Input      []string
	Action     job.Action // the action column's, "" when it names none or the file has no action column
	Status     job.Status
	HTTPStatus int // 0 when empty: no answer came
	Attempts   int // 0 when empty
	Error      string
	Segments   string   // as written: "id:type" pairs separated by spaces
	Fields     []string // the whole record as read
}

// FromInput reports whether the record is of an input row.
func (r *Record) FromInput() bool { return r.Row > 0 }

// FileError says that a file does not read as a results file pcsync
// wrote: it cannot be opened or read, it lacks one of pcsync's columns,
// or a record does not hold what pcsync writes. Its message names the
// file and, for a record, the line and the column.
type FileError struct {
	Path   string
	Line   int    // the record's line; 0 when not about one record
	Column string // the column at fault; "" when not about one column
	Err    error  // the cause
}

func (e *FileError) Error() string {
	switch {
	case e.Line > 0 && e.Column != "":
		return fmt.Sprintf("%s, line %d: column %s: %v", e.Path, e.Line, e.Column, e.Err)
	case e.Column != "":
		return fmt.Sprintf("%s is not a pcsync results file: %v", e.Path, e.Err)
	}
	if _, ok := e.Err.(*fs.PathError); ok {
		return "cannot read results: " + e.Err.Error() // it names the file
	}
	return e.Path + ": " + e.Err.Error()
}

func (e *FileError) Unwrap() error { return e.Err }

// requiredColumns are the columns a file must have to be read as results.
var requiredColumns = []string{ColRow, ColStatus, ColAttempts, ColError}

// Reader streams the records of a results file: memory does not grow with
// the file. It is not safe for concurrent use.
type Reader struct {
	path     string
	f        *os.File
	r        *csv.Reader
	header   csvsource.Header
	row      int // column indexes; -1 for an optional column the file lacks
	action   int
	status   int
	http     int
	attempts int
	errCol   int
	segments int
	rec      Record
	cutShort bool
	err      error // returned by every later Next
}

// OpenReader opens the results file at path and reads its header as input
// is read (see csvsource.Open): a byte order mark is stripped, and the
// delimiter is comma, or detected from the header when comma is 0. A file
// that lacks pcsync's row, status, attempts or error column is refused.
// Every error is a *FileError; one from opening the file wraps the
// *fs.PathError (errors.Is(err, fs.ErrNotExist) tells a missing file).
func OpenReader(path string, comma rune) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &FileError{Path: path, Err: err}
	}
	rd, err := newReader(path, f, comma)
	if err != nil {
		f.Close()
		return nil, err
	}
	return rd, nil
}

func newReader(path string, f *os.File, comma rune) (*Reader, error) {
	src, err := csvsource.Open(f, csvsource.Options{Comma: comma, Literal: true})
	if err != nil {
		return nil, &FileError{Path: path, Err: err}
	}
	h := src.Header()
	src.Close()
	rd := &Reader{path: path, f: f, header: h,
		row: h.Index(ColRow), action: h.Index(ColAction), status: h.Index(ColStatus), http: h.Index(ColHTTPStatus),
		attempts: h.Index(ColAttempts), errCol: h.Index(ColError), segments: h.Index(ColSegments)}
	for _, name := range requiredColumns {
		if h.Index(name) < 0 {
			return nil, &FileError{Path: path, Column: name,
				Err: fmt.Errorf("it has no %q column (its columns: %s)", name, strings.Join(h.Names, string(h.Comma)))}
		}
	}
	// csvsource read ahead: read the file again, past the header, with
	// encoding/csv alone (no decoding of rows as input).
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, &FileError{Path: path, Err: err}
	}
	br := bufio.NewReaderSize(f, 64<<10)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\uFEFF")) {
		br.Discard(3)
	}
	rd.r = csv.NewReader(br)
	rd.r.Comma = h.Comma
	rd.r.FieldsPerRecord = len(h.Names)
	rd.r.ReuseRecord = true
	if _, err := rd.r.Read(); err != nil {
		return nil, &FileError{Path: path, Err: err}
	}
	return rd, nil
}

// Header returns the file's header. Its slices must not be modified.
func (rd *Reader) Header() csvsource.Header { return rd.header }

// CutShort reports whether the file's last record was cut short (a run
// killed while writing it): Next passed it over.
func (rd *Reader) CutShort() bool { return rd.cutShort }

// Close closes the file.
func (rd *Reader) Close() error { return rd.f.Close() }

// Next returns the next record, or io.EOF after the last. A last record
// that is not valid CSV (cut short by a kill while it was written) is
// passed over: Next returns io.EOF and CutShort reports it. Any other
// problem is a *FileError naming the file, the line and, for a value that
// is not what pcsync writes, the column; Next then keeps returning it.
// The record is reused by the next call.
func (rd *Reader) Next() (*Record, error) {
	if rd.err != nil {
		return nil, rd.err
	}
	fields, err := rd.r.Read()
	if err != nil {
		if err != io.EOF {
			if _, next := rd.r.Read(); next == io.EOF {
				rd.cutShort = true // only the last record is broken
				err = io.EOF
			} else {
				err = &FileError{Path: rd.path, Err: err}
			}
		}
		rd.err = err
		return nil, err
	}
	if err := rd.parse(fields); err != nil {
		rd.err = err
		return nil, err
	}
	return &rd.rec, nil
}

// parse fills rd.rec from fields, or says which column does not hold
// what pcsync writes there.
func (rd *Reader) parse(fields []string) error {
	line, _ := rd.r.FieldPos(0)
	rec := &rd.rec
	*rec = Record{Line: line, Fields: fields, Error: fields[rd.errCol]}
	if v := fields[rd.row]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return rd.fieldError(line, ColRow, fmt.Errorf("%q is not a row number", v))
		}
		rec.Row = n
	}
	st, ok := job.ParseStatus(fields[rd.status])
	if !ok {
		return rd.fieldError(line, ColStatus, fmt.Errorf("%q is not a status pcsync writes (%s)", fields[rd.status], statusList()))
	}
	rec.Status = st
	if v := fields[rd.attempts]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return rd.fieldError(line, ColAttempts, fmt.Errorf("%q is not a number of requests", v))
		}
		rec.Attempts = n
	}
	if rd.http >= 0 {
		if v := fields[rd.http]; v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 100 || n > 999 {
				return rd.fieldError(line, ColHTTPStatus, fmt.Errorf("%q is not an HTTP status", v))
			}
			rec.HTTPStatus = n
		}
	}
	if rd.action >= 0 {
		rec.Action, _ = job.ParseAction(fields[rd.action])
	}
	if rd.segments >= 0 {
		rec.Segments = fields[rd.segments]
	}
	if rd.row < rd.status {
		rec.Input = fields[rd.row+1 : rd.status]
	}
	return nil
}

func (rd *Reader) fieldError(line int, col string, err error) error {
	return &FileError{Path: rd.path, Line: line, Column: col, Err: err}
}

// statusList names every status, for messages.
func statusList() string {
	names := make([]string, len(job.Statuses))
	for i, s := range job.Statuses {
		names[i] = s.String()
	}
	return strings.Join(names, ", ")
}
