package runner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/pcsync/pcsync/internal/api"
	"github.com/pcsync/pcsync/internal/csvsource"
	"github.com/pcsync/pcsync/internal/results"
	"github.com/pcsync/pcsync/internal/resume"
	"github.com/pcsync/pcsync/internal/state"
	"github.com/pcsync/pcsync/internal/summary"
	"github.com/pcsync/pcsync/internal/worker"
)

// Outcome is what a run did.
type Outcome struct {
	Summary     *summary.Summary
	ResultsPath string // "-": standard output
	FailedPath  string
	Resumed     bool  // a resumed run: AlreadyDone rows were done by an earlier one
	AlreadyDone int   // rows an earlier run did, not sent again
	NotInFailed int64 // rows not done that the failed-rows file leaves out (--mirror's removals)
	// Err is why the run stopped before its end, nil when it did not:
	// the context's error, a refusal of the credentials (a *UsageError),
	// the API down for --give-up-after, --max-failed crossed
	// (ErrMaxFailed), a broken input record or a failure to write results. The rows not sent are marked skipped.
	Err error
}

// Stopped says why the run stopped early, as the summary records it: one
// of summary's Stopped constants, or "" (none, or interrupted).
func (o *Outcome) Stopped(interrupted bool) string {
	switch {
	case errors.Is(o.Err, worker.ErrRefused):
		return summary.StoppedRefused
	case errors.Is(o.Err, worker.ErrGaveUp):
		return summary.StoppedGaveUp
	case errors.Is(o.Err, ErrMaxFailed):
		return summary.StoppedMaxFailed
	case o.Err != nil && !interrupted:
		return summary.StoppedError
	}
	return ""
}

// Failed returns how many rows the failed-rows file lists.
func (o *Outcome) Failed() int64 {
	return o.Summary.Total() - o.Summary.Done() - o.NotInFailed
}

// Execute says which rows are the shard's and how the input's columns are
// read (ColumnNotes), sends the run's rows to t and records every row's
// result. What can refuse the run is checked first, before any file is
// touched: the API's URL, the output paths, the state, the mirror's guard
// and an earlier run's results; such a refusal is returned as an error (a
// *UsageError: nothing was done). Once rows are being sent, Execute
// returns an Outcome, whose Err says why the run stopped early, if it did.
func (s *Session) Execute(ctx context.Context, t Target) (*Outcome, error) {
	o := &s.opt
	// The connections follow the requests in flight: the transport opens
	// one for each, up to the pool's ceiling, and keeps them.
	client, err := t.client(false, api.WithHTTPClient(api.NewHTTPClient(max(t.Pool.Workers, t.Pool.MaxWorkers))))
	if err != nil {
		return nil, err
	}
	if n := s.shardNote(); n != "" {
		s.notef(slog.LevelInfo, "%s", n)
	}
	info, warn := s.ColumnNotes()
	for _, n := range info {
		s.notef(slog.LevelInfo, "%s", n)
	}
	for _, n := range warn {
		s.notef(slog.LevelWarn, "%s", n)
	}
	out := resolveOutputs(o.Input, o.Out, o.Failed)
	if err := out.check(o.Input); err != nil {
		return nil, err
	}
	if err := checkSummaryJSON(o.SummaryJSON, o.Input, out); err != nil {
		return nil, err
	}
	if err := checkStatePath(o.State, out, o.SummaryJSON); err != nil {
		return nil, err
	}
	// The results file is this run's alone from here on: a second run on
	// it, plain or resumed, is refused before it reads or sends anything.
	lock, err := acquireLock(out, time.Now(), s.notef)
	if err != nil {
		return nil, err
	}
	defer lock.release()
	h := s.src.Header()
	inc, err := openIncremental(ctx, o, s.in.Name(), h, t.Creds.ShopID, false)
	if err != nil {
		return nil, err
	}
	defer inc.close()
	if err := inc.guard(o.MaxRemovals); err != nil {
		return nil, err
	}
	s.noteMirror(inc)
	var earlier *resume.State
	if o.Resume {
		if earlier, err = s.loadEarlier(out.resultsPath); err != nil {
			return nil, err
		}
	}
	if err := out.open(earlier != nil, o.Stdout); err != nil {
		return nil, err
	}
	defer out.close()
	if out.kept != "" {
		s.notef(slog.LevelInfo, "the earlier results %s are kept as %s (the %d newest are kept)", out.resultsPath, out.kept, KeepResults)
	}
	w, err := results.NewWriter(out.results, out.failed, h,
		results.Options{Scrub: api.SecretForms(string(t.Creds.ShopSecret)), Append: earlier != nil, BOM: h.BOM && out.resultsPath != "-"})
	if err != nil { // the headers: nothing was sent
		return nil, Usagef("cannot write the results (%s) or failed-rows (%s) file: %w; nothing was sent", out.resultsPath, out.failedPath, err)
	}

	sum := summary.New(summary.Options{Clean: w.Text})
	pool := newPool(client, t.Pool, sum)
	cfg := Config{
		Source: s.rows(), Defaults: o.Defaults, Pool: pool, Workers: t.Pool.Workers,
		Sink: w, Sync: out.sync, SyncEvery: time.Second, Summary: sum,
	}
	total := s.mine + inc.configure(&cfg, h)
	cfg.Dedupe = s.dedupe(total)
	oc := &Outcome{Summary: sum, ResultsPath: out.resultsPath, FailedPath: out.failedPath, Resumed: earlier != nil}
	if earlier != nil {
		cfg.Skip, oc.AlreadyDone = earlier.Done, earlier.Count()
		total -= oc.AlreadyDone
	}
	if err := interrupted(ctx); err != nil {
		return nil, err // a signal while getting ready: nothing was sent
	}
	if o.MaxFailed.On {
		limit := o.MaxFailed.Limit(total)
		cfg.Halt, sum.MaxFailed = o.MaxFailed.halt(limit), &limit
	}
	if s.opt.Observer != nil {
		s.opt.Observer.Started(sum, total)
	}
	start := time.Now()
	runErr := Run(ctx, cfg)
	if s.opt.Observer != nil {
		s.opt.Observer.Stopped()
	}
	closeErr := out.close()
	if b := s.src.Blank(); b > 0 {
		s.notef(slog.LevelInfo, "%s skipped (every cell empty; not in the results)", summary.Plural(b, "blank row"))
	}
	oc.NotInFailed = sum.RemovalsNotDone()
	if oc.NotInFailed > 0 {
		s.notef(slog.LevelWarn, "mirror: %d removals did not end ok (the results' rows with an empty row column); they are not in the failed-rows file: the next mirrored run retries them", oc.NotInFailed)
	}
	sum.Elapsed, sum.AlreadyDone = time.Since(start), int64(oc.AlreadyDone)
	if sum.Elapsed > 0 && sum.Requests() > 0 {
		sum.Pace = sum.PaceOf(float64(sum.Requests()) / sum.Elapsed.Seconds())
	}
	if runErr == nil {
		runErr = closeErr
	}
	oc.Err = s.stopError(ctx, runErr, out.resultsPath)
	return oc, nil
}

// stopError words why a run stopped early.
func (s *Session) stopError(ctx context.Context, err error, resultsPath string) error {
	var ce *csvsource.Error
	var we *WriteError
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return err
	case errors.Is(err, worker.ErrRefused):
		return Usagef("%w; stopped before sending the rest (marked skipped)", err)
	case errors.Is(err, worker.ErrGaveUp):
		return fmt.Errorf("%w; stopped: the rows not sent are marked skipped in the results and listed in the failed file", err)
	case errors.Is(err, ErrMaxFailed):
		return fmt.Errorf("%w; stopped: the rows not sent are marked skipped in the results and listed in the failed file", err)
	case errors.As(err, &we):
		where := ""
		if we.Row > 0 {
			where = fmt.Sprintf(" at input row %d", we.Row)
		}
		return fmt.Errorf("%w to %s: %w; the run stopped%s: the rows not sent are counted skipped and listed in the failed-rows file (if it could be written); once they can be written, pcsync run --resume with the same INPUT and --out finishes the run",
			ErrSink, displayResults(resultsPath), we.Err, where)
	case errors.Is(err, state.ErrDamaged):
		return fmt.Errorf("--state %w; the run stopped: the rows not sent are marked skipped and listed in the failed-rows file; with the state moved away, a run (or --resume) finishes it", err)
	case errors.As(err, &ce):
		return fmt.Errorf("%s: %w (the rows before it were processed; see the results)", s.in.display(), err)
	}
	return err
}

// noteMirror says, before a mirrored run sends anything, what it will do.
func (s *Session) noteMirror(inc *incremental) {
	if inc == nil || inc.mirror == nil {
		return
	}
	m := inc.mirror
	if m.removals == 0 {
		s.notef(slog.LevelInfo, "mirror of segment %s: the state holds %d of its contacts; none is to be removed", m.segment, m.members)
		return
	}
	s.notef(slog.LevelInfo, "mirror of segment %s: the state holds %d of its contacts; %d of those added by a mirrored run are not in the file and are removed once the file's rows are sent",
		m.segment, m.members, m.removals)
}

// checkSummaryJSON refuses, before anything is sent, a --summary-json path
// that could not be written at the end or that names another file of the
// run.
func checkSummaryJSON(path, input string, out *outputs) error {
	if path == "" {
		return nil
	}
	for _, p := range []string{input, out.resultsPath, out.failedPath} {
		if p != "-" && SamePath(path, p) {
			return Usagef("--summary-json %s is also the input or an output of the run: choose another path", path)
		}
	}
	if err := summary.CheckJSONPath(path); err != nil {
		return Usagef("--summary-json: cannot write %s: %w", path, err)
	}
	return nil
}

// CheckMetricsFile refuses a --metrics-file path (opt.MetricsFile) that
// could not be written at the end of the run or that names another file of
// the run. The command checks it before anything else, so that even a run
// refused later can write its metrics.
func CheckMetricsFile(opt Options) error {
	out := resolveOutputs(opt.Input, opt.Out, opt.Failed)
	return checkEndFile("--metrics-file", opt.MetricsFile, opt.Input, out, opt.SummaryJSON, opt.State)
}

// checkEndFile refuses, before anything is sent, the path of a file
// written at the end of the run (flag's) that could not be written then or
// that names another file of the run.
func checkEndFile(flag, path, input string, out *outputs, others ...string) error {
	if path == "" {
		return nil
	}
	for _, p := range append([]string{input, out.resultsPath, out.failedPath}, others...) {
		if p != "-" && p != "" && SamePath(path, p) {
			return Usagef("%s %s is also the input or another output of the run: choose another path", flag, path)
		}
	}
	if err := summary.CheckJSONPath(path); err != nil {
		return Usagef("%s: cannot write %s: %w", flag, path, err)
	}
	return nil
}

// displayResults names the results file in messages.
func displayResults(path string) string {
	if path == "-" {
		return "standard output"
	}
	return path
}
