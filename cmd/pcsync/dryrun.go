package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/pcsync/pcsync/internal/api"
	"github.com/pcsync/pcsync/internal/emulator"
	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/runner"
)

// dryRun validates every row (with --shard, every row of the shard) and
// prints the plan, with an example of the request each action sends; it
// sends nothing, needs no credentials and writes no file. It exits 1 when
// any row is invalid. With --state it reads the state, never writes it,
// and exits 2 when the mirror's guard would refuse the run.
func (a *app) dryRun(ctx context.Context, sess *runner.Session, o *runOptions) (int, error) {
	client, err := dryRunClient(o)
	if err != nil {
		return 0, err
	}
	p, err := sess.Plan(ctx, strings.TrimSpace(o.ShopID))
	if err != nil {
		if ctx.Err() != nil {
			return exitInterrupted, nil
		}
		return 0, err
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
	if p.State != nil {
		fmt.Fprintf(w, "  %-24s %8d\n", "unchanged (not sent)", p.Unchanged)
	}
	if p.Blank > 0 {
		fmt.Fprintf(w, "  %d blank rows skipped (every cell empty; not validated, not sent, not in the results)\n", p.Blank)
	}
	info, warn := sess.ColumnNotes()
	for _, s := range info {
		fmt.Fprintf(w, "%s\n", s)
	}
	for _, s := range warn {
		fmt.Fprintf(w, "warning: %s\n", s)
	}
	refused := printStatePlan(w, p, valid, float64(o.MaxRemovals))
	if p.HardBounced > 0 {
		fmt.Fprintf(w, "warning: %d hard_bounced events: each permanently deletes the contact\n", p.HardBounced)
	}
	for _, s := range p.Samples {
		fmt.Fprintf(w, "  row %d (line %d): %s\n", s.Row, s.Line, s.Error)
	}
	if p.Invalid > len(p.Samples) {
		if o.InvalidOut != "" {
			fmt.Fprintf(w, "  ... and %d more invalid rows (all %d in %s)\n", p.Invalid-len(p.Samples), p.Invalid, o.InvalidOut)
		} else {
			fmt.Fprintf(w, "  ... and %d more invalid rows (--invalid-out PATH writes them all)\n", p.Invalid-len(p.Samples))
		}
	} else if o.InvalidOut != "" {
		fmt.Fprintf(w, "  the %d invalid rows are in %s\n", p.Invalid, o.InvalidOut)
	}
	if o.Rate > 0 && valid > 0 {
		d := time.Duration(float64(valid) / float64(o.Rate) * float64(time.Second))
		fmt.Fprintf(w, "at %s the %d requests take at least %s\n", o.Rate.String(), valid, roundDuration(d))
		if o.Shard.N > 1 {
			fmt.Fprintf(w, "  the shop's API sees the %d shards' rates added up: give each run --rate R/%d\n", o.Shard.N, o.Shard.N)
		}
	}
	if err := printExamples(ctx, w, client, p); err != nil {
		return 0, err
	}
	switch {
	case refused:
		return exitUsage, nil
	case p.Invalid > 0:
		return exitRowsFailed, nil
	}
	return exitOK, nil
}

// printStatePlan adds to a dry run's plan what the state changes: the
// rows that would be sent (send of them) and those unchanged, and with
// --mirror the removals and the guard's verdict, which it returns.
func printStatePlan(w io.Writer, p *runner.Plan, send int, maxRemovals float64) (refused bool) {
	if p.State == nil {
		return false
	}
	if !p.State.Exists {
		fmt.Fprintf(w, "state %s: does not exist yet (the first run creates it): %d rows would be sent, none is unchanged\n", p.State.Path, send)
	} else {
		fmt.Fprintf(w, "state %s: %d rows would be sent, %d are unchanged since an earlier run (not sent)\n", p.State.Path, send, p.Unchanged)
	}
	m := p.Mirror
	if m == nil {
		return false
	}
	fmt.Fprintf(w, "mirror of segment %s: the state holds %d of its contacts; %d would be removed (%s)\n",
		m.Segment, m.Members, m.Removals, runner.Percent(m.Share))
	if m.Refused {
		fmt.Fprintf(w, "  the run would be refused: more than --max-removals %s\n", runner.Percent(maxRemovals))
		return true
	}
	fmt.Fprintf(w, "  within --max-removals %s\n", runner.Percent(maxRemovals))
	return false
}

// roundDuration rounds d for people: to the second from a minute up, to the
// millisecond below.
func roundDuration(d time.Duration) time.Duration {
	if d >= time.Minute {
		return d.Round(time.Second)
	}
	return d.Round(time.Millisecond)
}

// Placeholders for the example requests of a dry run, which needs no
// credentials. Describe redacts the secret in any case.
const (
	placeholderShopID = "YOUR_SHOP_ID"
	placeholderSecret = "not-a-secret"
)

// dryRunClient is an API client that only builds the example requests:
// the shop ID given (or the sandbox's, or a placeholder) and a placeholder
// secret. It never sends.
func dryRunClient(o *runOptions) (*api.Client, error) {
	id, url := strings.TrimSpace(o.ShopID), o.APIURL
	if o.Sandbox {
		id, url = emulator.SandboxShopID, "http://127.0.0.1"
	}
	if id == "" {
		id = placeholderShopID
	}
	if url == "" {
		url = api.DefaultBaseURL
	}
	c, err := api.NewClient(url, api.Credentials{ShopID: id, ShopSecret: placeholderSecret}, api.WithUserAgent("pcsync/"+version))
	if err != nil {
		return nil, usagef("--api-url %s: %w", url, err)
	}
	return c, nil
}

// printExamples prints, for each action of the plan, the request the run
// sends for the first valid row of that action, the secret redacted.
func printExamples(ctx context.Context, w io.Writer, c *api.Client, p *runner.Plan) error {
	first := true
	for i, j := range p.Examples {
		if j == nil {
			continue
		}
		req, err := exampleRequest(ctx, c, j)
		if err != nil {
			return fmt.Errorf("building the example %s request: %w", job.Actions[i], err)
		}
		if first {
			fmt.Fprintln(w, "example requests, one per action (its first valid row; shop_secret redacted):")
			first = false
		}
		fmt.Fprintf(w, "  %s:\n", job.Actions[i])
		for _, line := range strings.Split(api.Describe(req), "\n") {
			if line == "" {
				fmt.Fprintln(w)
				continue
			}
			fmt.Fprintf(w, "    %s\n", line)
		}
	}
	return nil
}

// exampleRequest builds, without sending it, the request j makes.
func exampleRequest(ctx context.Context, c *api.Client, j *job.Job) (*http.Request, error) {
	switch j.Action {
	case job.SegmentsAdd:
		return c.AddToSegmentRequest(ctx, j.Contact, j.SegmentID)
	case job.SegmentsRemove:
		return c.RemoveFromSegmentRequest(ctx, j.Contact, j.SegmentID)
	case job.SegmentsGet:
		return c.GetSegmentsRequest(ctx, j.Contact)
	case job.SubscriptionsManage:
		return c.ManageSubscriptionsRequest(ctx, j.Contact, j.Subs)
	case job.SubscriptionsCallback:
		return c.SendEventRequest(ctx, j.Contact.Email, j.Event)
	}
	return nil, fmt.Errorf("no call for action %q", j.Action)
}
