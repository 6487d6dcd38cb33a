// Package resume lets a run finish what an earlier, interrupted or partly
// failed run of the same input left undone: it reads the earlier results
// file, keeps the rows that ended ok, and checks that the input is the one
// those results came from.
package resume

import (
	"encoding/csv"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/pcsync/pcsync/internal/csvsource"
	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/proc"
	"github.com/pcsync/pcsync/internal/results"
)

// ErrMismatch means the results file did not come from this input.
var ErrMismatch = errors.New("the results file is not from this input")

// State is what an earlier run got done.
type State struct {
	header []string
	nIn    int      // the input's columns the results carry
	drop   int      // the input's column they do not (results.DroppedInput), -1 if none
	kept   []string // an input row's fields they carry, reused
	done   []uint64 // bit i set: row i ended ok
	count  int      // rows ok
	sum    uint64   // order-free fingerprint of the ok rows' input fields
	seed   maphash.Seed
	path   string // the results file, read again by FirstDifference
	comma  rune
}

// Load reads an earlier results file made from an input whose header is h.
// It keeps the records of rows that ended ok. A last record cut short (the
// process was killed while writing it) is ignored: its row is done again.
func Load(path string, h csvsource.Header) (*State, error) {
	drop := results.DroppedInput(h)
	s := &State{header: results.ResultsHeader(h), nIn: len(results.KeptInput(nil, h.Names, drop)), drop: drop,
		seed: maphash.MakeSeed(), path: path, comma: h.Comma}
	err := s.eachOK(path, h.Comma, func(rec *results.Record) error {
		if s.Done(rec.Row) {
			return nil
		}
		s.mark(rec.Row)
		s.sum += s.fingerprint(rec.Row, rec.Input[:s.nIn])
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// eachOK calls fn for every record of the results file at path whose
// status is done (ok, a duplicate of an earlier row, or unchanged since an
// earlier run). A last record cut short (the process was killed while
// writing it) is passed over: its row is done again. Records with an empty
// row column (removals of --mirror) are not input rows and are passed over.
// The file's header must be the results header of this input.
func (s *State) eachOK(path string, comma rune, fn func(rec *results.Record) error) error {
	rd, err := results.OpenReader(path, comma)
	var fe *results.FileError
	switch {
	case err == nil:
		defer rd.Close()
	case !errors.As(err, &fe):
		return err
	case fe.Column != "": // it lacks one of pcsync's own columns
		return fmt.Errorf("%s: %w: its columns differ from the input's", path, ErrMismatch)
	case isPathError(fe.Err):
		return fe.Err // as the system says it; fs.ErrNotExist: no earlier run
	default:
		return fmt.Errorf("%s: %w: cannot read its header: %v", path, ErrMismatch, fe.Err)
	}
	if !slices.Equal(rd.Header().Names, s.header) {
		return fmt.Errorf("%s: %w: its columns differ from the input's", path, ErrMismatch)
	}
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			return nil
		}
		if errors.As(err, &fe) && fe.Line > 0 && fe.Column != "" {
			// A value pcsync would not have written: a bad row number, an
			// unknown status, attempts or an HTTP status not a number.
			return fmt.Errorf("%s: %w: line %d: column %s: %v", path, ErrMismatch, fe.Line, fe.Column, fe.Err)
		}
		if err != nil {
			return err
		}
		if rec.FromInput() && rec.Status.Done() {
			if err := fn(rec); err != nil {
				return err
			}
		}
	}
}

// isPathError reports whether err is the operating system's own error
// about the file (opening or reading it).
func isPathError(err error) bool {
	_, ok := err.(*fs.PathError)
	return ok
}

// Done reports whether row ended ok in the earlier run.
func (s *State) Done(row int) bool {
	i := row / 64
	return i < len(s.done) && s.done[i]&(1<<(row%64)) != 0
}

// Count returns how many rows ended ok in the earlier run.
func (s *State) Count() int { return s.count }

func (s *State) mark(row int) {
	i := row / 64
	for len(s.done) <= i {
		s.done = append(s.done, 0)
	}
	s.done[i] |= 1 << (row % 64)
	s.count++
}

// keptOf returns an input row's fields as its results record holds them.
func (s *State) keptOf(fields []string) []string {
	if s.drop < 0 {
		return fields
	}
	s.kept = results.KeptInput(s.kept[:0], fields, s.drop)
	return s.kept
}

func (s *State) fingerprint(row int, fields []string) uint64 {
	var h maphash.Hash
	h.SetSeed(s.seed)
	h.WriteString(strconv.Itoa(row))
	for _, f := range fields {
		h.WriteByte(0)
		h.WriteString(f)
	}
	return h.Sum64()
}

// Verify reads the input's rows from src (a csvsource.Source, or a filter
// of one) and checks that every row the earlier run did has the same values
// now: a resume never mixes two inputs.
func (s *State) Verify(src job.Rows) error {
	var sum uint64
	seen := 0
	for {
		row, err := src.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if s.Done(row.Index) {
			sum += s.fingerprint(row.Index, s.keptOf(row.Fields))
			seen++
		}
	}
	if seen != s.count || sum != s.sum {
		return fmt.Errorf("%w: the rows it records as ok differ from the input's", ErrMismatch)
	}
	return nil
}

// maxDifferenceRows bounds the ok rows FirstDifference holds in memory
// (16 bytes or so each): past it, a mismatch is not located.
const maxDifferenceRows = 1 << 21

// FirstDifference locates, after Verify refused the input, the first row
// that tells the input from the one the results came from: a row the
// results record as ok whose values differ now (ok true, missing false),
// or one the input no longer has (missing true). line is the input line
// of a row that differs. src yields the input's rows again. It finds none
// (row 0) when the results hold too many ok rows to compare one by one, or
// cannot be read again.
func (s *State) FirstDifference(src job.Rows) (row, line int, missing bool) {
	if s.count > maxDifferenceRows {
		return 0, 0, false
	}
	fps := make(map[int]uint64, s.count)
	err := s.eachOK(s.path, s.comma, func(rec *results.Record) error {
		if _, dup := fps[rec.Row]; !dup {
			fps[rec.Row] = s.fingerprint(rec.Row, rec.Input[:s.nIn])
		}
		return nil
	})
	if err != nil {
		return 0, 0, false
	}
	for {
		r, err := src.Next()
		if err != nil {
			break
		}
		if fp, ok := fps[r.Index]; ok {
			if fp != s.fingerprint(r.Index, s.keptOf(r.Fields)) {
				return r.Index, r.Line, false
			}
			delete(fps, r.Index)
		}
	}
	first := 0
	for r := range fps {
		if first == 0 || r < first {
			first = r
		}
	}
	return first, 0, first != 0
}

// Rewrite replaces the results file at path with its header and one ok
// record per done row, atomically (a new file, synced, renamed over the old
// one), so that the resumed run can append the rest.
func (s *State) Rewrite(path string, comma rune, bom, crlf bool) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".pcsync-resume-*")
	if err != nil {
		return err
	}
	defer proc.RemoveAtExit(tmp.Name())() // a signal that ends the process while it is written
	defer os.Remove(tmp.Name())
	if bom {
		if _, err := io.WriteString(tmp, "\uFEFF"); err != nil {
			tmp.Close()
			return err
		}
	}
	w := csv.NewWriter(tmp)
	w.Comma = comma
	w.UseCRLF = crlf
	w.Write(s.header)
	copied := make([]uint64, len(s.done))
	err = s.eachOK(path, comma, func(rec *results.Record) error {
		i, bit := rec.Row/64, uint64(1)<<(rec.Row%64)
		if copied[i]&bit != 0 {
			return nil
		}
		copied[i] |= bit
		return w.Write(rec.Fields)
	})
	w.Flush()
	if err = errors.Join(err, w.Error(), tmp.Sync(), tmp.Close()); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
