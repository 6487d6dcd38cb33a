package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"time"

	"github.com/pcsync/pcsync/internal/csvsource"
	"github.com/pcsync/pcsync/internal/dedupe"
	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/results"
	"github.com/pcsync/pcsync/internal/resume"
	"github.com/pcsync/pcsync/internal/runner"
	"github.com/pcsync/pcsync/internal/summary"
	"github.com/pcsync/pcsync/internal/worker"
)

// cmdRun is 'pcsync run'.
func (a *app) cmdRun(ctx context.Context, args []string) int {
	fs, o, env := newRunFlags()
	if err := a.parse(fs, env, args); err != nil {
		if errors.Is(err, errHelp) {
			return exitOK
		}
		return a.fail(ctx, err)
	}
	a.logFormat = o.LogFormat
	if fs.NArg() != 1 {
		return a.fail(ctx, usagef("run takes one INPUT file ('-' for standard input); see --help"))
	}
	code, err := a.sync(ctx, o, fs.Arg(0))
	if err != nil {
		return a.fail(ctx, err)
	}
	return code
}

// sync is one run of the job, from opening the input to the summary.
func (a *app) sync(ctx context.Context, o *runOptions, input string) (code int, err error) {
	if err := checkStateFlags(o, input); err != nil {
		return 0, err
	}
	in, total, err := a.openInput(input, o)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	src, err := csvsource.Open(in, csvsource.Options{Comma: rune(o.Delimiter)})
	if err != nil {
		return 0, usagef(fmt.Sprintf("%s: %v", displayName(input), err))
	}
	defer src.Close()
	if err := checkHeader(src.Header(), o); err != nil {
		return 0, err
	}
	defaults := job.Defaults{Action: job.Action(o.Action), SegmentID: o.SegmentID}

	if o.DryRun {
		return a.dryRun(ctx, src, defaults, o, total, inputPath(in))
	}

	// Everything that can refuse the run is checked before any file is
	// touched: credentials, then the output paths.
	target, err := a.target(ctx, o)
	if err != nil {
		return 0, err
	}
	defer target.close()
	out := resolveOutputs(input, o)
	if err := out.check(input); err != nil {
		return 0, err
	}
	if err := checkSummaryJSON(o.SummaryJSON, input, out); err != nil {
		return 0, err
	}
	if err := checkStatePath(o.State, out, o.SummaryJSON); err != nil {
		return 0, err
	}
	inc, err := a.openIncremental(ctx, o, inputPath(in), src.Header(), defaults, target.creds.ShopID, false)
	if err != nil {
		return 0, err
	}
	defer inc.close()
	if err := inc.guard(o); err != nil {
		return 0, err
	}
	a.noteMirror(inc)
	var earlier *resume.State
	if o.Resume {
		if earlier, err = a.loadEarlier(input, out.resultsPath, o, src.Header()); err != nil {
			return 0, err
		}
	}
	if err := out.open(earlier != nil, a.stdout); err != nil {
		return 0, err
	}
	defer out.close()
	w, err := results.NewWriter(out.results, out.failed, src.Header(),
		results.Options{Scrub: []string{string(target.creds.ShopSecret)}, Append: earlier != nil})
	if err != nil {
		return 0, fmt.Errorf("cannot write results: %w", err)
	}

	pacer := worker.NewPacer(float64(o.Rate), o.Burst)
	pool := worker.New(target.client, worker.Options{
		Workers: o.Workers, Timeout: o.Timeout, Retries: o.Retries, Pacer: pacer, GiveUpAfter: o.GiveUpAfter,
	})
	sum := summary.New(summary.Options{Clean: w.Text})
	cfg := runner.Config{
		Source: shardRows(src, o), Defaults: defaults, Pool: pool, Workers: o.Workers,
		Sink: w, Sync: out.sync, SyncEvery: time.Second, Summary: sum,
	}
	if extra := inc.configure(&cfg, src.Header()); total >= 0 {
		total += extra
	}
	if o.Dedupe {
		cfg.Dedupe = dedupe.New(total)
		reserveMemory(cfg.Dedupe.Bytes())
	}
	done := 0
	if earlier != nil {
		cfg.Skip, done = earlier.Done, earlier.Count()
		if total >= 0 {
			total -= done
		}
	}
	stopProgress := a.startProgress(sum, total, o)
	start := time.Now()
	runErr := runner.Run(ctx, cfg)
	stopProgress()
	closeErr := out.close()
	out.notInFailed = sum.RemovalsNotDone()
	a.noteRemovalsNotDone(sum.RemovalsNotDone())
	sum.Elapsed, sum.AlreadyDone = time.Since(start), int64(done)
	if o.SummaryJSON != "" {
		defer func() { a.writeSummaryJSON(ctx, o.SummaryJSON, sum, runErr, code, err) }()
	}

	summaryTo := a.stdout
	if out.resultsPath == "-" {
		summaryTo = a.stderr
	}
	if earlier != nil {
		fmt.Fprintf(summaryTo, "pcsync: resumed: %d rows were already ok and were not sent again\n", done)
	}
	printSummary(summaryTo, sum, out)
	if runErr == nil {
		runErr = closeErr
	}
	switch {
	case ctx.Err() != nil:
		a.notef(slog.LevelWarn, "interrupted: rows not yet sent are marked skipped in the results")
		return exitInterrupted, nil
	case errors.Is(runErr, worker.ErrRefused):
		return 0, usagef(runErr.Error() + "; stopped before sending the rest (marked skipped)")
	case errors.Is(runErr, worker.ErrGaveUp):
		return 0, fmt.Errorf("%w; stopped: the rows not sent are marked skipped in the results and listed in the failed file", runErr)
	case runErr != nil:
		var ce *csvsource.Error
		if errors.As(runErr, &ce) {
			runErr = fmt.Errorf("%s: %w (the rows before it were processed; see the results)", displayName(input), runErr)
		}
		return 0, runErr
	}
	return exitCode(ctx, nil, sum.Done() != sum.Total()), nil
}

// loadEarlier reads the results of an earlier run of input, checks that
// they came from this very input, and cuts the file down to its ok records,
// which this run will not redo. Nothing is sent before this passes.
func (a *app) loadEarlier(input, resultsPath string, o *runOptions, h csvsource.Header) (*resume.State, error) {
	if input == "-" || resultsPath == "-" {
		return nil, usagef("--resume needs an input file and a results file (not '-')")
	}
	st, err := resume.Load(resultsPath, h)
	if errors.Is(err, fs.ErrNotExist) {
		a.notef(slog.LevelInfo, "--resume: no earlier results at %s; starting from the first row", resultsPath)
		return nil, nil
	}
	if err != nil {
		return nil, usagef(fmt.Sprintf("cannot resume: %v", err))
	}
	f, err := os.Open(input)
	if err != nil {
		return nil, usagef(fmt.Sprintf("cannot read input: %v", err))
	}
	defer f.Close()
	check, err := csvsource.Open(f, csvsource.Options{Comma: rune(o.Delimiter)})
	if err == nil {
		err = st.Verify(resumeRows(check, o, st))
		check.Close()
	}
	if err != nil {
		return nil, usagef(fmt.Sprintf("cannot resume from %s: %v", resultsPath, err))
	}
	if err := st.Rewrite(resultsPath, h.Comma); err != nil {
		return nil, fmt.Errorf("cannot resume: rewriting %s: %w", resultsPath, err)
	}
	return st, nil
}

// openInput opens the input and scans it whole first, so that a broken CSV
// is refused before any request is sent, and the count gives progress its
// total (with --shard, the shard's rows). Standard input is first copied
// to a temporary file (removed on Close) to make that possible.
func (a *app) openInput(input string, o *runOptions) (io.ReadCloser, int, error) {
	var f *os.File
	if input == "-" {
		tmp, err := spool(a.stdin)
		if err != nil {
			return nil, 0, usagef(fmt.Sprintf("cannot read standard input: %v", err))
		}
		f = tmp
	} else {
		var err error
		if f, err = os.Open(input); err != nil {
			return nil, 0, usagef(fmt.Sprintf("cannot read input: %v", err))
		}
	}
	in := &inputFile{File: f, temp: input == "-"}
	n, mine, err := scanInput(f, o)
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		in.Close()
		return nil, 0, usagef(fmt.Sprintf("%s: %v; nothing was sent", displayName(input), err))
	}
	if n == 0 {
		in.Close()
		return nil, 0, usagef(fmt.Sprintf("%s: the header has no rows under it; nothing to do", displayName(input)))
	}
	a.noteShard(o, n, mine)
	return in, mine, nil
}

// inputFile is the opened input; a spooled copy of standard input is
// removed when closed.
type inputFile struct {
	*os.File
	temp bool
}

func (f *inputFile) Close() error {
	err := f.File.Close()
	if f.temp {
		os.Remove(f.Name())
	}
	return err
}

// spool copies r to a new temporary file, positioned at its start.
func spool(r io.Reader) (*os.File, error) {
	f, err := os.CreateTemp("", "pcsync-stdin-*.csv")
	if err != nil {
		return nil, err
	}
	if _, err = io.Copy(f, r); err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return f, nil
}

// checkHeader refuses an input whose rows could never be sent.
func checkHeader(h csvsource.Header, o *runOptions) error {
	if !h.Has("email") && !h.Has("phone") {
		return usagef(fmt.Sprintf("the input has no email or phone column (its columns: %v)", h.Names))
	}
	if !h.Has("action") && o.Action == "" {
		return usagef("the input has no action column: give one, or --action for every row")
	}
	return nil
}

func displayName(input string) string {
	if input == "-" {
		return "standard input"
	}
	return input
}
