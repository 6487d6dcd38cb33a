package runner

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/pcsync/pcsync/internal/csvsource"
	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/resume"
	"github.com/pcsync/pcsync/internal/shard"
)

// loadEarlier reads the results of an earlier run of the input, checks
// that they came from this very input (and shard), and cuts the file down
// to its done records, which this run will not redo. Nothing is sent
// before this passes. It returns nil when there are no earlier results.
func (s *Session) loadEarlier(resultsPath string) (*resume.State, error) {
	if s.opt.Input == "-" || resultsPath == "-" {
		return nil, Usagef("--resume needs an input file and a results file (not '-')")
	}
	h := s.src.Header()
	st, err := resume.Load(resultsPath, h)
	if errors.Is(err, fs.ErrNotExist) {
		s.notef(slog.LevelInfo, "--resume: no earlier results at %s; starting from the first row", resultsPath)
		return nil, nil
	}
	if errors.Is(err, resume.ErrMismatch) {
		return nil, Usagef("cannot resume: %w%s", err, afresh)
	}
	if err != nil {
		return nil, Usagef("cannot resume: %w", err)
	}
	f, err := s.in.reopen()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	check, err := csvsource.Open(f, s.src.Header().Options())
	if err == nil {
		err = st.Verify(s.resumeRows(check, st))
		check.Close()
	}
	if errors.Is(err, resume.ErrMismatch) {
		err = fmt.Errorf("%w%s", err, s.firstDifference(st))
	}
	if err != nil {
		return nil, Usagef("cannot resume from %s: %w%s", resultsPath, err, afresh)
	}
	if err := st.Rewrite(resultsPath, h.Comma, h.BOM, h.CRLF); err != nil {
		return nil, fmt.Errorf("cannot resume: rewriting %s: %w", resultsPath, err)
	}
	return st, nil
}

// afresh says, after a refusal to resume, how to go on.
const afresh = ". To start afresh, run without --resume (the earlier results are kept beside, renamed after their time) or with another --out; to send only what changed since an earlier run, use --state"

// firstDifference words where the input first differs from the one an
// earlier run's results came from: ": row 12 (line 13) differs from ...",
// or "" when that cannot be told.
func (s *Session) firstDifference(st *resume.State) string {
	f, err := s.in.reopen()
	if err != nil {
		return ""
	}
	defer f.Close()
	src, err := csvsource.Open(f, csvsource.Options{Comma: s.opt.Comma})
	if err != nil {
		return ""
	}
	defer src.Close()
	row, line, missing := st.FirstDifference(shard.Filter(src, src.Header(), s.opt.Shard, nil))
	switch {
	case row == 0:
		return ""
	case missing:
		return fmt.Sprintf(": they record row %d as done, and the input has no row %d", row, row)
	}
	return fmt.Sprintf(": row %d of the input (line %d) differs from the row %d they record as done", row, line, row)
}

// resumeRows is the shard's rows of src, for checking an earlier run's
// results: it also refuses results that record as done a row of another
// shard, which means they were written by a run of another --shard or
// --shard-key (or none).
func (s *Session) resumeRows(src *csvsource.Source, st *resume.State) job.Rows {
	spec := s.opt.Shard
	return shard.Filter(src, src.Header(), spec, func(row job.Row) error {
		if !st.Done(row.Index) {
			return nil
		}
		return fmt.Errorf("they record row %d as done, but that row is not in shard %s (--shard-key %s): they come from a run with another --shard or --shard-key (or none); resume with the --shard and --shard-key of the run that wrote them",
			row.Index, spec, spec.Key)
	})
}
