// Package resume lets a run finish what an earlier, interrupted or partly
// failed run of the same input left undone: it reads the earlier results
// file, keeps the rows that ended ok, and checks that the input is the one
// those results came from.
package resume

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/pcsync/pcsync/internal/csvsource"
	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/results"
)

// ErrMismatch means the results file did not come from this input.
var ErrMismatch = errors.New("the results file is not from this input")

// State is what an earlier run got done.
type State struct {
	header []string
	done   []uint64 // bit i set: row i ended ok
	count  int      // rows ok
	sum    uint64   // order-free fingerprint of the ok rows' input fields
	seed   maphash.Seed
}

// Load reads an earlier results file made from an input whose header is h.
// It keeps the records of rows that ended ok. A last record cut short (the
// process was killed while writing it) is ignored: its row is done again.
func Load(path string, h csvsource.Header) (*State, error) {
	s := &State{header: results.ResultsHeader(h), seed: maphash.MakeSeed()}
	err := s.eachOK(path, h.Comma, func(row int, rec []string) error {
		if s.Done(row) {
			return nil
		}
		s.mark(row)
		s.sum += s.fingerprint(row, rec[1:1+len(h.Names)])
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
func (s *State) eachOK(path string, comma rune, fn func(row int, rec []string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReaderSize(f, 64<<10))
	r.Comma = comma
	r.FieldsPerRecord = len(s.header)
	r.ReuseRecord = true
	got, err := r.Read()
	if err != nil {
		return fmt.Errorf("%s: %w: cannot read its header: %v", path, ErrMismatch, err)
	}
	if strings.Join(got, "\x00") != strings.Join(s.header, "\x00") {
		return fmt.Errorf("%s: %w: its columns differ from the input's", path, ErrMismatch)
	}
	statusCol := len(s.header) - len(results.Own) + 1
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			if _, more := r.Read(); more == io.EOF {
				return nil // only the last record is broken
			}
			return fmt.Errorf("%s: %w", path, err)
		}
		if rec[0] == "" {
			continue // not an input row: a removal of --mirror
		}
		row, err := strconv.Atoi(rec[0])
		if err != nil || row < 1 {
			return fmt.Errorf("%s: %w: bad row number %q", path, ErrMismatch, rec[0])
		}
		if st, ok := job.ParseStatus(rec[statusCol]); ok && st.Done() {
			if err := fn(row, rec); err != nil {
				return err
			}
		}
	}
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
			sum += s.fingerprint(row.Index, row.Fields)
			seen++
		}
	}
	if seen != s.count || sum != s.sum {
		return fmt.Errorf("%w: the rows it records as ok differ from the input's", ErrMismatch)
	}
	return nil
}

// Rewrite replaces the results file at path with its header and one ok
// record per done row, atomically (a new file, synced, renamed over the old
// one), so that the resumed run can append the rest.
func (s *State) Rewrite(path string, comma rune) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".pcsync-resume-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	w := csv.NewWriter(tmp)
	w.Comma = comma
	w.Write(s.header)
	copied := make([]uint64, len(s.done))
	err = s.eachOK(path, comma, func(row int, rec []string) error {
		i, bit := row/64, uint64(1)<<(row%64)
		if copied[i]&bit != 0 {
			return nil
		}
		copied[i] |= bit
		return w.Write(rec)
	})
	w.Flush()
	if err = errors.Join(err, w.Error(), tmp.Sync(), tmp.Close()); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
