package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/pcsync/pcsync/internal/runner"
	"github.com/pcsync/pcsync/internal/worker"
)

// progressEvery is how often progress is shown when stderr is not a
// terminal (a log line) and how often a bar is refreshed.
const (
	progressLogEvery = 10 * time.Second
	progressBarEvery = 200 * time.Millisecond
)

// startProgress shows the run's progress on stderr until the returned
// function is called: a bar on a terminal, a log line every few seconds
// otherwise (cron, CI), nothing when quiet. total is -1 when unknown.
func (a *app) startProgress(t *runner.Tally, total int, quiet bool) func() {
	if quiet {
		return func() {}
	}
	var show func(final bool)
	every := progressLogEvery
	if f, ok := a.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		show, every = newBar(a.stderr, t, total), progressBarEvery
	} else {
		show = newProgressLog(a.stderr, t, total)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-done:
				show(true)
				return
			case <-tick.C:
				show(false)
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

func newBar(w io.Writer, t *runner.Tally, total int) func(bool) {
	bar := progressbar.NewOptions64(int64(total),
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetVisibility(true),
		progressbar.OptionSetDescription("syncing"),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("rows"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(progressBarEvery),
		progressbar.OptionFullWidth(),
	)
	return func(final bool) {
		bar.Describe(fmt.Sprintf("ok %d, not ok %d", t.Status(worker.StatusOK), t.Total()-t.Status(worker.StatusOK)))
		bar.Set64(t.Total())
		if final {
			bar.Finish()
			fmt.Fprintln(w)
		}
	}
}

func newProgressLog(w io.Writer, t *runner.Tally, total int) func(bool) {
	log := slog.New(slog.NewTextHandler(w, nil))
	start := time.Now()
	return func(final bool) {
		if final {
			return // the summary follows
		}
		done := t.Total()
		elapsed := time.Since(start)
		log.Info("progress", "done", done, "total", total,
			"ok", t.Status(worker.StatusOK), "not_ok", done-t.Status(worker.StatusOK),
			"rows_per_s", fmt.Sprintf("%.1f", float64(done)/max(elapsed.Seconds(), 1e-9)),
			"elapsed", elapsed.Round(time.Second).String())
	}
}
