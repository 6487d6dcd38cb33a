package summary

import (
	"io"

	"github.com/pcsync/pcsync/internal/results"
)

// ResultsFile is what FromResults found besides the counts.
type ResultsFile struct {
	// HasAction: the file has an action column (the input's or pcsync's
	// own). Without one, every row counts under NoActionLabel.
	HasAction bool
	// CutShort: the file's last record was cut short (a run killed while
	// writing it) and is not counted.
	CutShort bool
}

// FromResults counts every record of the results file at path, as the run
// that wrote it counted its results ('pcsync report'). It streams the
// file: memory does not grow with it. The delimiter is comma, or detected
// from the header as for input when 0. What the file cannot say is left
// out: the summary's Elapsed is 0. Every error is a *results.FileError: the
// file is unreadable or not a pcsync results file, or a record does not
// read as one (the error names the line and the column).
func FromResults(path string, comma rune, opt Options) (*Summary, ResultsFile, error) {
	var rf ResultsFile
	rd, err := results.OpenReader(path, comma)
	if err != nil {
		return nil, rf, err
	}
	defer rd.Close()
	rf.HasAction = rd.Header().Has(results.ColAction)
	s := New(opt)
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			rf.CutShort = rd.CutShort()
			return s, rf, nil
		}
		if err != nil {
			return nil, rf, err
		}
		s.add(rec.Action.Index(), rec.Status, rec.Attempts, rec.Error, rec.FromInput())
	}
}
