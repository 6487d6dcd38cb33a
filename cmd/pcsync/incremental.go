package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"time"

	"github.com/pcsync/pcsync/internal/api"
	"github.com/pcsync/pcsync/internal/csvsource"
	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/runner"
	"github.com/pcsync/pcsync/internal/state"
)

// stateLockTimeout is how long a run waits for another run's lock on the
// state file before it gives up and says so.
const stateLockTimeout = time.Second

// incremental is a run's --state, and --mirror: the state file, the run's
// view of it, and the mirror's removals. A nil *incremental is a run
// without --state.
type incremental struct {
	store  *state.Store
	run    *state.Run
	mirror *mirrorPlan // nil without --mirror
}

// checkStateFlags refuses, before anything is read or sent, the flag
// combinations --state and --mirror cannot honour.
func checkStateFlags(o *runOptions, input string) error {
	if o.State != "" && input != "-" && samePath(o.State, input) {
		return usagef(fmt.Sprintf("--state %s is the input: choose another file for the state", o.State))
	}
	if !o.Mirror {
		return nil
	}
	switch {
	case o.State == "":
		return usagef("--mirror needs --state: the contacts to remove are those an earlier mirrored run added, which only the state knows")
	case job.Action(o.Action) != job.SegmentsAdd || o.SegmentID == "":
		return usagef("--mirror needs --action segments/add and --segment-id ID: the file is the full membership of that one segment")
	case o.Shard.N > 0:
		return usagef("--mirror with --shard: a shard holds only part of the segment's contacts, and the rest would be removed; mirror from one run of the whole file")
	case o.Resume:
		return usagef("--mirror with --resume: run the mirror again without --resume instead; with --state, the rows already applied are not sent again")
	}
	return nil
}

// checkStatePath refuses a state file that is also an output of the run.
func checkStatePath(path string, out *outputs, summaryJSON string) error {
	if path == "" {
		return nil
	}
	for _, p := range []string{out.resultsPath, out.failedPath, summaryJSON} {
		if p != "" && p != "-" && samePath(path, p) {
			return usagef(fmt.Sprintf("--state %s is also an output of the run (--out, --failed or --summary-json): choose another file", path))
		}
	}
	return nil
}

// openIncremental opens the state of a run (readOnly: of a dry run, which
// never writes it) and, with --mirror, reads the input at path once more
// to find the contacts to remove. shopID is the shop the run targets ("":
// unknown). It returns nil without --state.
func (a *app) openIncremental(ctx context.Context, o *runOptions, path string, h csvsource.Header, d job.Defaults, shopID string, readOnly bool) (*incremental, error) {
	if o.State == "" {
		return nil, nil
	}
	store, err := state.Open(o.State, state.Options{ReadOnly: readOnly, ShopID: shopID, LockTimeout: stateLockTimeout})
	if err != nil {
		return nil, stateError(err)
	}
	inc := &incremental{store: store}
	var seg api.SegmentID
	if o.Mirror {
		seg = api.SegmentID(o.SegmentID)
		if inc.mirror, err = planMirror(ctx, path, h, d, seg, store); err != nil {
			store.Close()
			return nil, err
		}
	}
	inc.run = store.Run(seg)
	return inc, nil
}

// stateError turns a failure to open the state into the command's words.
func stateError(err error) error {
	switch {
	case errors.Is(err, state.ErrLocked):
		return usagef(fmt.Sprintf("--state %v; wait for that run to end, or give this one another file", err))
	case errors.Is(err, state.ErrNotState), errors.Is(err, state.ErrVersion), errors.Is(err, state.ErrOtherTarget):
		return usagef(fmt.Sprintf("--state %v", err))
	}
	return usagef(fmt.Sprintf("--state: cannot open the state: %v", err))
}

// incremental returns what the runner needs of inc: nil for a nil inc.
func (inc *incremental) incremental() runner.Incremental {
	if inc == nil {
		return nil
	}
	return inc.run
}

// close ends the run's view, then closes the file.
func (inc *incremental) close() {
	if inc == nil {
		return
	}
	inc.run.Close()
	inc.mirror.close()
	inc.store.Close()
}

// configure adds the state, and the mirror's removals, to a run; it
// returns how many rows the removals add to the run's total.
func (inc *incremental) configure(cfg *runner.Config, h csvsource.Header) int {
	if inc == nil {
		return 0
	}
	cfg.Incremental = inc.run
	if inc.mirror == nil || inc.mirror.removals == 0 {
		return 0
	}
	cfg.Then = inc.mirror.feed(h)
	return inc.mirror.removals
}

// guard refuses a mirrored run that would remove more than the share
// --max-removals allows of the segment as the state knows it; it says so
// first.
func (inc *incremental) guard(o *runOptions) error {
	if inc == nil || inc.mirror == nil {
		return nil
	}
	m := inc.mirror
	if !m.refused(float64(o.MaxRemovals)) {
		return nil
	}
	return usagef(fmt.Sprintf("--mirror would remove %d of the %d contacts the state holds in segment %s (%s), more than --max-removals %s allows: is the file complete? Nothing was sent. Check the file, or raise --max-removals (env PCSYNC_MAX_REMOVALS) to go ahead",
		m.removals, m.members, m.segment, percent(m.share()), percent(float64(o.MaxRemovals))))
}

// noteMirror says, before a mirrored run sends anything, what it will do.
func (a *app) noteMirror(inc *incremental) {
	if inc == nil || inc.mirror == nil {
		return
	}
	m := inc.mirror
	if m.removals == 0 {
		a.notef(slog.LevelInfo, "mirror of segment %s: the state holds %d of its contacts; none is to be removed", m.segment, m.members)
		return
	}
	a.notef(slog.LevelInfo, "mirror of segment %s: the state holds %d of its contacts; %d of those added by a mirrored run are not in the file and are removed once the file's rows are sent",
		m.segment, m.members, m.removals)
}

// printDryRun adds to a dry run's plan what the state changes: the rows
// that would be sent and those unchanged, and with --mirror the removals
// and the guard's verdict, which it returns.
func (inc *incremental) printDryRun(w io.Writer, o *runOptions, p *runner.Plan) (refused bool) {
	if inc == nil {
		return false
	}
	send := 0
	for _, n := range p.ByAction {
		send += n
	}
	if !inc.store.Exists() {
		fmt.Fprintf(w, "state %s: does not exist yet (the first run creates it): %d rows would be sent, none is unchanged\n", o.State, send)
	} else {
		fmt.Fprintf(w, "state %s: %d rows would be sent, %d are unchanged since an earlier run (not sent)\n", o.State, send, p.Unchanged)
	}
	m := inc.mirror
	if m == nil {
		return false
	}
	fmt.Fprintf(w, "mirror of segment %s: the state holds %d of its contacts; %d would be removed (%s)\n",
		m.segment, m.members, m.removals, percent(m.share()))
	if m.refused(float64(o.MaxRemovals)) {
		fmt.Fprintf(w, "  the run would be refused: more than --max-removals %s\n", percent(float64(o.MaxRemovals)))
		return true
	}
	fmt.Fprintf(w, "  within --max-removals %s\n", percent(float64(o.MaxRemovals)))
	return false
}

// percent renders a share as a percentage: 0.1 as "10%".
func percent(x float64) string {
	return strconv.FormatFloat(float64(int64(x*1000+0.5))/10, 'f', -1, 64) + "%"
}

// inputPath is the file the input is read from: the input's own, or the
// copy of standard input.
func inputPath(in io.Reader) string {
	if f, ok := in.(*inputFile); ok {
		return f.Name()
	}
	return ""
}

// noteRemovalsNotDone says where the removals that did not end ok went.
func (a *app) noteRemovalsNotDone(n int64) {
	if n > 0 {
		a.notef(slog.LevelWarn, "mirror: %d removals did not end ok (the results' rows with an empty row column); they are not in the failed-rows file: the next mirrored run retries them", n)
	}
}
