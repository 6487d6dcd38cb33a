package runner

import (
	"context"
	"io"

	"github.com/pcsync/pcsync/internal/api"
	"github.com/pcsync/pcsync/internal/dedupe"
	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/shard"
)

// Plan is what a run would do, found by validating every row and sending
// nothing.
type Plan struct {
	Rows        int
	ByAction    [job.NumActions]int // rows to send per action
	Invalid     int
	Blank       int                      // blank rows skipped: every cell empty
	Duplicates  int                      // exact duplicates, with --dedupe
	Unchanged   int                      // applied with the same parameters by an earlier run, with --state
	Samples     []Invalid                // the first invalid rows
	HardBounced int                      // hard_bounced events: they delete contacts
	Examples    [job.NumActions]*job.Job // the first valid row's job of each action
	Requests    [job.NumActions]string   // the request each example sends, described (api.Describe), with Session.Plan
	State       *StatePlan               // with --state
	Mirror      *MirrorPlan              // with --mirror
	Shard       shard.Spec               // the shard planned
	ShardNote   string                   // with --shard: how many of the input's rows are the shard's
	Dedupe      bool                     // with --dedupe
	InvalidOut  string                   // with --invalid-out: where every invalid row is
	ColumnInfo  []string                 // how the columns are read
	ColumnWarn  []string                 // columns no action reads, defaults over a column
}

// StatePlan is what a dry run found of the state (--state).
type StatePlan struct {
	Path   string
	Exists bool // false: the first run creates it
}

// Invalid is one invalid row of a Plan.
type Invalid struct {
	Row, Line int
	Error     string
}

// MakePlan validates every row of src, keeping up to samples invalid rows;
// with a dedupe table it counts exact duplicates apart, and with inc the
// rows an earlier run applied with the same parameters. inc is only read.
func MakePlan(ctx context.Context, src job.Rows, d job.Defaults, dd *dedupe.Table, inc Incremental, samples int) (*Plan, error) {
	return makePlan(ctx, src, d, dd, inc, samples, nil)
}

// makePlan is MakePlan that also hands every invalid row to invalid, when
// not nil; an error from it stops the plan.
func makePlan(ctx context.Context, src job.Rows, d job.Defaults, dd *dedupe.Table, inc Incremental, samples int, invalid func(*job.Row, error) error) (*Plan, error) {
	p := &Plan{}
	for ctx.Err() == nil {
		row, err := src.Next()
		if err == io.EOF {
			return p, nil
		}
		if err != nil {
			return p, err
		}
		p.Rows++
		j, err := job.Build(&row.Record, d)
		if err != nil {
			p.Invalid++
			if len(p.Samples) < samples {
				p.Samples = append(p.Samples, Invalid{Row: row.Index, Line: row.Line, Error: err.Error()})
			}
			if invalid != nil {
				if err := invalid(&row, err); err != nil {
					return p, err
				}
			}
			continue
		}
		if _, dup := firstOf(dd, &j, row.Index); dup {
			p.Duplicates++
			continue
		}
		if _, same, err := unchanged(inc, &j); err != nil {
			return p, err
		} else if same {
			p.Unchanged++
			continue
		}
		i := j.Action.Index()
		p.ByAction[i]++
		if p.Examples[i] == nil {
			p.Examples[i] = &j
		}
		if j.Event == api.EventHardBounced {
			p.HardBounced++
		}
	}
	return p, ctx.Err()
}
