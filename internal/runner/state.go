package runner

import (
	"context"
	"errors"
	"strconv"

	"github.com/pcsync/pcsync/internal/api"
	"github.com/pcsync/pcsync/internal/csvsource"
	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/state"
)

// incremental is a run's --state, and --mirror: the state file, the run's
// view of it, and the mirror's removals. A nil *incremental is a run
// without --state.
type incremental struct {
	store  *state.Store
	run    *state.Run
	mirror *mirrorPlan // nil without --mirror
}

// checkStateFlags refuses, before anything is read or sent, the option
// combinations --state and --mirror cannot honour.
func checkStateFlags(o *Options) error {
	if o.State != "" && o.Input != "-" && SamePath(o.State, o.Input) {
		return Usagef("--state %s is the input: choose another file for the state", o.State)
	}
	if !o.Mirror {
		return nil
	}
	switch {
	case o.State == "":
		return Usagef("--mirror needs --state: the contacts to remove are those an earlier mirrored run added, which only the state knows")
	case o.Defaults.Action != job.SegmentsAdd || o.Defaults.SegmentID == "":
		return Usagef("--mirror needs --action segments/add and --segment-id ID: the file is the full membership of that one segment")
	case o.Shard.On():
		return Usagef("--mirror with --shard: a shard holds only part of the segment's contacts, and the rest would be removed; mirror from one run of the whole file")
	case o.Resume:
		return Usagef("--mirror with --resume: run the mirror again without --resume instead; with --state, the rows already applied are not sent again")
	}
	return nil
}

// checkStatePath refuses a state file that is also an output of the run.
func checkStatePath(path string, out *outputs, summaryJSON string) error {
	if path == "" {
		return nil
	}
	for _, p := range []string{out.resultsPath, out.failedPath, summaryJSON} {
		if p != "" && p != "-" && SamePath(path, p) {
			return Usagef("--state %s is also an output of the run (--out, --failed or --summary-json): choose another file", path)
		}
	}
	return nil
}

// openIncremental opens the state of a run (readOnly: of a dry run, which
// never writes it) and, with --mirror, reads the input at path once more
// to find the contacts to remove. shopID is the shop the run targets ("":
// unknown). It returns nil without --state.
func openIncremental(ctx context.Context, o *Options, path string, h csvsource.Header, shopID string, readOnly bool) (*incremental, error) {
	if o.State == "" {
		return nil, nil
	}
	store, err := state.Open(o.State, state.Options{ReadOnly: readOnly, ShopID: shopID, LockTimeout: o.StateLockTimeout})
	if err != nil {
		return nil, stateError(err)
	}
	inc := &incremental{store: store}
	var seg api.SegmentID
	if o.Mirror {
		seg = api.SegmentID(o.Defaults.SegmentID)
		if inc.mirror, err = planMirror(ctx, path, h, o.Defaults, seg, store); err != nil {
			store.Close()
			return nil, err
		}
	}
	inc.run = store.Run(seg)
	return inc, nil
}

// stateError turns a failure to open the state into the run's words.
func stateError(err error) error {
	switch {
	case errors.Is(err, state.ErrLocked):
		return Usagef("--state %w; wait for that run to end, or give this one another file", err)
	case errors.Is(err, state.ErrNotState), errors.Is(err, state.ErrVersion), errors.Is(err, state.ErrOtherTarget), errors.Is(err, state.ErrDamaged):
		return Usagef("--state %w", err)
	}
	return Usagef("--state: cannot open the state: %w", err)
}

// incremental returns what the runner needs of inc: nil for a nil inc.
func (inc *incremental) incremental() Incremental {
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
func (inc *incremental) configure(cfg *Config, h csvsource.Header) int {
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

// guard refuses a mirrored run that would remove more than the share max
// of the segment as the state knows it.
func (inc *incremental) guard(max float64) error {
	if inc == nil || inc.mirror == nil {
		return nil
	}
	m := inc.mirror
	if !m.refused(max) {
		return nil
	}
	return Usagef("--mirror would remove %d of the %d contacts the state holds in segment %s (%s), more than --max-removals %s allows: is the file complete? Nothing was sent. Check the file, or raise --max-removals (env PCSYNC_MAX_REMOVALS) to go ahead",
		m.removals, m.members, m.segment, Percent(m.share()), Percent(max))
}

// MirrorPlan is what a mirrored run removes, as its dry run and its first
// lines tell.
type MirrorPlan struct {
	Segment  api.SegmentID
	Members  int     // the segment's contacts as the state knows them
	Removals int     // those added by a mirrored run that the file lacks
	Share    float64 // Removals of Members
	Max      float64 // --max-removals
	Refused  bool    // more than Max: the run would be refused
}

// mirrorPlan returns what inc's mirror removes, or nil without one.
func (inc *incremental) mirrorPlan(max float64) *MirrorPlan {
	if inc == nil || inc.mirror == nil {
		return nil
	}
	m := inc.mirror
	return &MirrorPlan{Segment: m.segment, Members: m.members, Removals: m.removals, Share: m.share(), Max: max, Refused: m.refused(max)}
}

// Percent renders a share as a percentage: 0.1 as "10%".
func Percent(x float64) string {
	return strconv.FormatFloat(float64(int64(x*1000+0.5))/10, 'f', -1, 64) + "%"
}
