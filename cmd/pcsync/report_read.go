package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/pcsync/pcsync/internal/csvsource"
	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/results"
	"github.com/pcsync/pcsync/internal/summary"
)

// resultsFile is what reading a results file found besides its counts.
type resultsFile struct {
	hasAction bool // it has an action column (the input's or pcsync's own)
	cutShort  bool // its last record was cut short and not counted
}

// reportColumns are the columns a results file must have for a report.
var reportColumns = []string{results.ColRow, results.ColStatus, results.ColAttempts, results.ColError}

// readResults counts every record of the results file at path into sum. It
// streams the file (memory does not grow with it); the delimiter is comma,
// or detected from the header as for input when 0. A file that is not a
// pcsync results file, or a record that does not read as one, is a
// usageError naming the file, the line and the column. A last record cut
// short (a run killed while writing it) is passed over, as --resume does.
func readResults(path string, comma rune, sum *summary.Summary) (resultsFile, error) {
	var rf resultsFile
	f, err := os.Open(path)
	if err != nil {
		return rf, usagef("cannot read results: %w", err)
	}
	defer f.Close()
	// The header, as input is read: byte order mark, delimiter, UTF-16.
	src, err := csvsource.Open(f, csvsource.Options{Comma: comma})
	if err != nil {
		return rf, usagef("%s: %w", path, err)
	}
	h := src.Header()
	src.Close()
	col := map[string]int{}
	for _, name := range reportColumns {
		i := h.Index(name)
		if i < 0 {
			return rf, usagef("%s is not a pcsync results file: it has no %q column (its columns: %s)",
				path, name, strings.Join(h.Names, string(h.Comma)))
		}
		col[name] = i
	}
	actionCol := h.Index(results.ColAction)
	rf.hasAction = actionCol >= 0

	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return rf, usagef("cannot read results: %w", err)
	}
	br := bufio.NewReaderSize(f, 64<<10)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\uFEFF")) {
		br.Discard(3)
	}
	r := csv.NewReader(br)
	r.Comma = h.Comma
	r.FieldsPerRecord = len(h.Names)
	r.ReuseRecord = true
	if _, err := r.Read(); err != nil {
		return rf, usagef("%s: cannot read its header: %w", path, err)
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return rf, nil
		}
		if err != nil {
			if _, next := r.Read(); next == io.EOF {
				rf.cutShort = true
				return rf, nil
			}
			return rf, usagef("%s: %w", path, err)
		}
		if err := countRecord(rec, col, actionCol, sum); err != nil {
			line, _ := r.FieldPos(0)
			return rf, usagef("%s, line %d: %w", path, line, err)
		}
	}
}

// countRecord counts one results record into sum, or says which column
// does not hold what pcsync writes there.
func countRecord(rec []string, col map[string]int, actionCol int, sum *summary.Summary) error {
	if v := rec[col[results.ColRow]]; v == "" {
		// not an input row: a removal of --mirror
	} else if n, err := strconv.Atoi(v); err != nil || n < 1 {
		return fmt.Errorf("column %s: %q is not a row number", results.ColRow, rec[col[results.ColRow]])
	}
	st, ok := job.ParseStatus(rec[col[results.ColStatus]])
	if !ok {
		return fmt.Errorf("column %s: %q is not a status pcsync writes (%s)", results.ColStatus, rec[col[results.ColStatus]], statusList())
	}
	attempts := 0
	if v := rec[col[results.ColAttempts]]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fmt.Errorf("column %s: %q is not a number of requests", results.ColAttempts, v)
		}
		attempts = n
	}
	a := summary.NoAction
	if actionCol >= 0 {
		if act, ok := job.ParseAction(rec[actionCol]); ok {
			a = act.Index()
		}
	}
	sum.AddRow(a, st, attempts, rec[col[results.ColError]])
	return nil
}

func statusList() string {
	names := make([]string, len(job.Statuses))
	for i, s := range job.Statuses {
		names[i] = s.String()
	}
	return strings.Join(names, ", ")
}
