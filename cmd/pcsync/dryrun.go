package main

import (
	"context"
	"fmt"
	"time"

	"github.com/pcsync/pcsync/internal/csvsource"
	"github.com/pcsync/pcsync/internal/dedupe"
	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/runner"
)

// dryRunSamples is how many invalid rows a dry run lists.
const dryRunSamples = 10

// dryRun validates every row (with --shard, every row of the shard) and
// prints the plan; it sends nothing and
// writes no file. It exits 1 when any row is invalid.
func (a *app) dryRun(ctx context.Context, src *csvsource.Source, d job.Defaults, o *runOptions, total int) (int, error) {
	var dd *dedupe.Table
	if o.Dedupe {
		dd = dedupe.New(total)
	}
	p, err := runner.MakePlan(ctx, shardRows(src, o), d, dd, dryRunSamples)
	if err != nil {
		if ctx.Err() != nil {
			return exitInterrupted, nil
		}
		return 0, usagef(err.Error())
	}
	w := a.stdout
	if o.Shard.N > 0 {
		fmt.Fprintf(w, "pcsync: dry run: %d rows (shard %s), nothing sent\n", p.Rows, o.Shard.String())
	} else {
		fmt.Fprintf(w, "pcsync: dry run: %d rows, nothing sent\n", p.Rows)
	}
	valid := 0
	for i, act := range job.Actions {
		if p.ByAction[i] > 0 {
			fmt.Fprintf(w, "  %-24s %8d\n", act, p.ByAction[i])
			valid += p.ByAction[i]
		}
	}
	fmt.Fprintf(w, "  %-24s %8d\n", "invalid", p.Invalid)
	if o.Dedupe {
		fmt.Fprintf(w, "  %-24s %8d\n", "duplicate (not sent)", p.Duplicates)
	}
	if p.HardBounced > 0 {
		fmt.Fprintf(w, "warning: %d hard_bounced events: each permanently deletes the contact\n", p.HardBounced)
	}
	for _, s := range p.Samples {
		fmt.Fprintf(w, "  row %d (line %d): %s\n", s.Row, s.Line, s.Error)
	}
	if p.Invalid > len(p.Samples) {
		fmt.Fprintf(w, "  ... and %d more invalid rows\n", p.Invalid-len(p.Samples))
	}
	if o.Rate > 0 && valid > 0 {
		d := time.Duration(float64(valid) / float64(o.Rate) * float64(time.Second))
		fmt.Fprintf(w, "at %s the %d requests take at least %s\n", o.Rate.String(), valid, roundDuration(d))
		if o.Shard.N > 1 {
			fmt.Fprintf(w, "  the shop's API sees the %d shards' rates added up: give each run --rate R/%d\n", o.Shard.N, o.Shard.N)
		}
	}
	if p.Invalid > 0 {
		return exitRowsFailed, nil
	}
	return exitOK, nil
}

// roundDuration rounds d for people: to the second from a minute up, to the
// millisecond below.
func roundDuration(d time.Duration) time.Duration {
	if d >= time.Minute {
		return d.Round(time.Second)
	}
	return d.Round(time.Millisecond)
}
