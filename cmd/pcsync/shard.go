package main

import (
	"fmt"
	"io"

	"github.com/pcsync/pcsync/internal/csvsource"
	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/resume"
	"github.com/pcsync/pcsync/internal/shard"
)

// scanInput is the structural pre-scan of the input. It returns the number
// of rows, and the number this run reads: with --shard, the shard's rows,
// counted in the same pass (one hash per row), so that progress has the
// exact total.
func scanInput(r io.Reader, o *runOptions) (all, mine int, err error) {
	opts := csvsource.Options{Comma: rune(o.Delimiter)}
	spec := shard.Spec(o.Shard)
	if !spec.On() {
		all, err = csvsource.Scan(r, opts)
		return all, all, err
	}
	var cols *shard.Columns
	all, err = csvsource.ScanFunc(r, opts, func(h *csvsource.Header, fields []string) {
		if cols == nil {
			c := shard.ColumnsOf(h)
			cols = &c
		}
		if cols.Has(spec, fields) {
			mine++
		}
	})
	return all, mine, err
}

// noteShard says, with --shard, how many of the input's rows are this
// run's: on stderr, or on stdout with the plan of a dry run.
func (a *app) noteShard(o *runOptions, all, mine int) {
	w := a.stderr
	if o.DryRun {
		w = a.stdout
	}
	if shard.Spec(o.Shard).On() {
		fmt.Fprintf(w, "pcsync: shard %s: %d of the input's %d rows are this shard's; the other shards' rows are neither sent nor recorded by this run\n",
			o.Shard.String(), mine, all)
	}
}

// shardRows returns the rows of src this run processes: with --shard, only
// the shard's, numbered as in the input.
func shardRows(src *csvsource.Source, o *runOptions) job.Rows {
	return shard.Filter(src, src.Header(), shard.Spec(o.Shard), nil)
}

// resumeRows is shardRows for checking an earlier run's results: it also
// refuses results that record as done a row of another shard, which means
// they were written by a run of another --shard (or none).
func resumeRows(src *csvsource.Source, o *runOptions, st *resume.State) job.Rows {
	spec := shard.Spec(o.Shard)
	return shard.Filter(src, src.Header(), spec, func(row job.Row) error {
		if !st.Done(row.Index) {
			return nil
		}
		return fmt.Errorf("they record row %d as done, but that row is not in shard %s: they come from a run with another --shard (or none); resume with the --shard of the run that wrote them",
			row.Index, spec)
	})
}
