package runner

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/pcsync/pcsync/internal/api"
	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/shard"
	"github.com/pcsync/pcsync/internal/summary"
	"github.com/pcsync/pcsync/internal/worker"
)

// buildExamples builds, without sending them, the request each action of
// p sends for its first valid row, through the builder a run sends with.
func (p *Plan) buildExamples(ctx context.Context, c *api.Client) error {
	for i, j := range p.Examples {
		if j == nil {
			continue
		}
		req, err := c.NewCallRequest(ctx, j.Call())
		if err != nil {
			return fmt.Errorf("building the example %s request: %w", job.Actions[i], err)
		}
		p.Requests[i] = api.Describe(req)
	}
	return nil
}

// Valid returns how many rows the plan would send.
func (p *Plan) Valid() int {
	n := 0
	for _, c := range p.ByAction {
		n += c
	}
	return n
}

// Refused reports whether the run would be refused (the mirror's guard).
func (p *Plan) Refused() bool { return p.Mirror != nil && p.Mirror.Refused }

// WriteText prints the plan for people: the rows by action, the invalid
// ones (the first few with their errors), what --dedupe, --state and
// --mirror change, how long the requests take at least at rate (requests
// per second; 0 for none), and the example requests, the secret redacted.
func (p *Plan) WriteText(out io.Writer, rate float64) error {
	w := bufio.NewWriter(out)
	if p.ShardNote != "" {
		fmt.Fprintf(w, "pcsync: %s\n", p.ShardNote)
	}
	if p.Shard.On() {
		fmt.Fprintf(w, "pcsync: dry run: %s (shard %s%s), nothing sent\n", summary.Plural(p.Rows, "row"), p.Shard, keyNote(p.Shard.Key, ", "))
	} else {
		fmt.Fprintf(w, "pcsync: dry run: %s, nothing sent\n", summary.Plural(p.Rows, "row"))
	}
	for i, act := range job.Actions {
		if p.ByAction[i] > 0 {
			fmt.Fprintf(w, "  %-24s %8d\n", act, p.ByAction[i])
		}
	}
	fmt.Fprintf(w, "  %-24s %8d\n", "invalid", p.Invalid)
	if p.Dedupe {
		fmt.Fprintf(w, "  %-24s %8d\n", "duplicate (not sent)", p.Duplicates)
	}
	if p.State != nil {
		fmt.Fprintf(w, "  %-24s %8d\n", "unchanged (not sent)", p.Unchanged)
	}
	if p.Blank > 0 {
		fmt.Fprintf(w, "  %s skipped (every cell empty; not validated, not sent, not in the results)\n", summary.Plural(p.Blank, "blank row"))
	}
	for _, s := range p.ColumnInfo {
		fmt.Fprintf(w, "%s\n", s)
	}
	for _, s := range p.ColumnWarn {
		fmt.Fprintf(w, "warning: %s\n", s)
	}
	p.writeState(w)
	if p.HardBounced > 0 {
		fmt.Fprintf(w, "warning: %s: each permanently deletes the contact\n", summary.Plural(p.HardBounced, "hard_bounced event"))
	}
	for _, s := range p.Samples {
		fmt.Fprintf(w, "  row %d (line %d): %s\n", s.Row, s.Line, s.Error)
	}
	if more := p.Invalid - len(p.Samples); more > 0 {
		if p.InvalidOut != "" {
			fmt.Fprintf(w, "  ... and %s (all %d in %s)\n", summary.Plural(more, "more invalid row"), p.Invalid, p.InvalidOut)
		} else {
			fmt.Fprintf(w, "  ... and %s (--invalid-out PATH writes them all)\n", summary.Plural(more, "more invalid row"))
		}
	} else if p.InvalidOut != "" {
		are := "are"
		if p.Invalid == 1 {
			are = "is"
		}
		fmt.Fprintf(w, "  the %s %s in %s\n", summary.Plural(p.Invalid, "invalid row"), are, p.InvalidOut)
	}
	if valid := p.Valid(); rate > 0 && valid > 0 {
		d := time.Duration(float64(valid) / rate * float64(time.Second))
		take := "take"
		if valid == 1 {
			take = "takes"
		}
		fmt.Fprintf(w, "at %s the %s %s at least %s\n", worker.FormatRate(rate), summary.Plural(valid, "request"), take, summary.RoundDuration(d))
		if p.Shard.N > 1 {
			fmt.Fprintf(w, "  the shop's API sees the %d shards' rates added up: give each run --rate R/%d\n", p.Shard.N, p.Shard.N)
		}
	}
	first := true
	for i, desc := range p.Requests {
		if desc == "" {
			continue
		}
		if first {
			fmt.Fprintln(w, "example requests, one per action (its first valid row; shop_secret redacted):")
			first = false
		}
		fmt.Fprintf(w, "  %s:\n", job.Actions[i])
		for _, line := range strings.Split(desc, "\n") {
			if line == "" {
				fmt.Fprintln(w)
				continue
			}
			fmt.Fprintf(w, "    %s\n", line)
		}
	}
	return w.Flush()
}

// writeState adds what the state changes: the rows that would be sent and
// those unchanged, and with --mirror the removals and the guard's verdict.
func (p *Plan) writeState(w io.Writer) {
	if p.State == nil {
		return
	}
	if send := p.Valid(); !p.State.Exists {
		fmt.Fprintf(w, "state %s: does not exist yet (the first run creates it): %d rows would be sent, none is unchanged\n", p.State.Path, send)
	} else {
		fmt.Fprintf(w, "state %s: %d rows would be sent, %d are unchanged since an earlier run (not sent)\n", p.State.Path, send, p.Unchanged)
	}
	m := p.Mirror
	if m == nil {
		return
	}
	fmt.Fprintf(w, "mirror of segment %s: the state holds %d of its contacts; %d would be removed (%s)\n",
		m.Segment, m.Members, m.Removals, Percent(m.Share))
	if m.Refused {
		fmt.Fprintf(w, "  the run would be refused: more than --max-removals %s\n", Percent(m.Max))
		return
	}
	fmt.Fprintf(w, "  within --max-removals %s\n", Percent(m.Max))
}

// keyNote names a shard's key after sep when it is not the default
// (KeySent, which goes without saying): ", --shard-key written".
func keyNote(k shard.Key, sep string) string {
	if k == shard.KeySent {
		return ""
	}
	return sep + "--shard-key " + k.String()
}
