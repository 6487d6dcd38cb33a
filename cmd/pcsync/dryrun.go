package main

import (
	"context"

	"github.com/pcsync/pcsync/internal/runner"
)

// dryRun validates every row (with --shard, every row of the shard) and
// prints the plan, with an example of the request each action sends; it
// sends nothing, needs no credentials and writes no file (but
// --invalid-out). It exits 1 when any row is invalid. With --state it
// reads the state, never writes it, and exits 2 when the mirror's guard
// would refuse the run.
func (a *app) dryRun(ctx context.Context, sess *runner.Session, o *runOptions) (int, error) {
	t, _, err := a.target(o, false)
	if err != nil {
		return 0, err
	}
	p, err := sess.Plan(ctx, t)
	if err != nil {
		if ctx.Err() != nil {
			return exitInterrupted, nil
		}
		return 0, err
	}
	if err := p.WriteText(a.stdout, o.rate); err != nil {
		return 0, err
	}
	switch {
	case p.Refused():
		return exitUsage, nil
	case p.Invalid > 0:
		return exitRowsFailed, nil
	}
	return exitOK, nil
}
