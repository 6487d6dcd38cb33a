// Package metrics writes what a run did as a Prometheus text file for
// node_exporter's textfile collector (--metrics-file): rows by action and
// status, requests, duration, exit status, when it ended, and when the
// last successful run ended, carried over from the file it replaces.
package metrics

import (
	"os"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/summary"
)

// The metric names, as README documents them.
const (
	Rows        = "pcsync_rows"
	Requests    = "pcsync_requests"
	Duration    = "pcsync_run_duration_seconds"
	ExitCode    = "pcsync_exit_code"
	LastRun     = "pcsync_last_run_timestamp_seconds"
	LastSuccess = "pcsync_last_success_timestamp_seconds"
)

// Run is what the file says of one run.
type Run struct {
	// Summary counts the run's rows; nil when the run sent nothing (it
	// was refused before), which leaves the rows and requests out.
	Summary  *summary.Summary
	ExitCode int
	// Started and Ended bound the run.
	Started, Ended time.Time
}

// Succeeded says whether a run with this exit status counts as a
// successful run: one that went through every row (0: every row done; 1:
// some not), neither refused, stopped, over --max-failed nor interrupted.
func Succeeded(exitCode int) bool { return exitCode == 0 || exitCode == 1 }

// Write replaces the file at path with the metrics of r, atomically (a
// temporary file in the same directory, renamed over path; its name does
// not end in .prom, so the collector never reads it half-written). The
// time of the last successful run is r's end when r succeeded, else the
// one the file at path held, if any.
func Write(path string, r Run) error {
	reg := prometheus.NewRegistry()
	gauge := func(name, help string, v float64) {
		g := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
		g.Set(v)
		reg.MustRegister(g)
	}
	if s := r.Summary; s != nil {
		rows := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: Rows,
			Help: "Rows of the last run by action and status ((no valid action) for rows whose action could not be told)."},
			[]string{"action", "status"})
		for a := 0; a <= summary.NoAction; a++ {
			if a == summary.NoAction && s.ActionTotal(a) == 0 {
				continue
			}
			label := summary.NoActionLabel
			if a < summary.NoAction {
				label = string(job.Actions[a])
			}
			for _, st := range job.Statuses {
				rows.WithLabelValues(label, st.String()).Set(float64(s.Count(a, st)))
			}
		}
		reg.MustRegister(rows)
		gauge(Requests, "Requests the last run sent, retries included.", float64(s.Requests()))
	}
	gauge(Duration, "How long the last run took, in seconds.", r.Ended.Sub(r.Started).Seconds())
	gauge(ExitCode, "Exit status of the last run: 0 every row done, 1 some not, 2 nothing done, 3 over --max-failed, 130 interrupted.", float64(r.ExitCode))
	gauge(LastRun, "When the last run ended, in seconds since the Unix epoch.", unix(r.Ended))
	last, ok := previous(path, LastSuccess)
	if Succeeded(r.ExitCode) {
		last, ok = unix(r.Ended), true
	}
	if ok {
		gauge(LastSuccess, "When the last run that went through every row (exit status 0 or 1) ended, in seconds since the Unix epoch.", last)
	}
	return prometheus.WriteToTextfile(path, reg)
}

// Read parses the metrics file at path as node_exporter's textfile
// collector does, into each sample's value by "name" or
// "name{label=value,...}" (labels in the file's order). Gauges and
// untyped samples (a file written by hand, with no # TYPE) are read.
func Read(path string) (map[string]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	p := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := p.TextToMetricFamilies(f)
	if err != nil {
		return nil, err
	}
	got := map[string]float64{}
	for name, mf := range mfs {
		for _, m := range mf.GetMetric() {
			key := name
			var labels []string
			for _, l := range m.GetLabel() {
				labels = append(labels, l.GetName()+"="+l.GetValue())
			}
			if len(labels) > 0 {
				key += "{" + strings.Join(labels, ",") + "}"
			}
			switch {
			case m.GetGauge() != nil:
				got[key] = m.GetGauge().GetValue()
			case m.GetUntyped() != nil:
				got[key] = m.GetUntyped().GetValue()
			}
		}
	}
	return got, nil
}

// previous returns the value of the unlabelled gauge named name in the
// metrics file at path, if the file is there and holds it.
func previous(path, name string) (float64, bool) {
	got, err := Read(path)
	v, ok := got[name]
	return v, ok && err == nil
}

func unix(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }
