package runner

import (
	"encoding/csv"
	"os"
	"strconv"

	"github.com/pcsync/pcsync/internal/job"
)

// invalidOut is --invalid-out: every invalid row of a dry run, its input
// columns as written, then row, line and error.
type invalidOut struct {
	f    *os.File
	w    *csv.Writer
	cols int
	rec  []string
}

// invalidColumns are the columns --invalid-out adds after the input's.
var invalidColumns = []string{"row", "line", "error"}

// openInvalidOut creates the --invalid-out file, if any, with its header;
// a path that is the input is refused.
func (s *Session) openInvalidOut() (*invalidOut, error) {
	path := s.opt.InvalidOut
	if path == "" {
		return nil, nil
	}
	if path == "-" || (s.opt.Input != "-" && SamePath(path, s.opt.Input)) {
		return nil, Usagef("--invalid-out %s: name a file other than the input", path)
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, Usagef("--invalid-out: %w", err)
	}
	h := s.src.Header()
	o := &invalidOut{f: f, w: csv.NewWriter(f), cols: len(h.Names)}
	o.w.Comma = h.Comma
	o.rec = append(append(o.rec, h.Names...), invalidColumns...)
	if err := o.w.Write(o.rec); err != nil {
		o.close(false)
		return nil, Usagef("--invalid-out: %w", err)
	}
	return o, nil
}

func (o *invalidOut) write(row *job.Row, err error) error {
	o.rec = append(append(o.rec[:0], row.Fields...), strconv.Itoa(row.Index), strconv.Itoa(row.Line), err.Error())
	return o.w.Write(o.rec)
}

// close flushes and closes the file; when the plan did not finish (ok is
// false) the partial file is removed.
func (o *invalidOut) close(ok bool) error {
	o.w.Flush()
	err := o.w.Error()
	if cerr := o.f.Close(); err == nil {
		err = cerr
	}
	if !ok || err != nil {
		os.Remove(o.f.Name())
	}
	return err
}
