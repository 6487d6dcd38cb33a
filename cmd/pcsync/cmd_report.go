package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pcsync/pcsync/internal/cmdutil"
	"github.com/pcsync/pcsync/internal/csvsource"
	"github.com/pcsync/pcsync/internal/runner"
	"github.com/pcsync/pcsync/internal/summary"
)

// reportOptions holds the flags of 'pcsync report'.
type reportOptions struct {
	SummaryJSON string
	Delimiter   rune
}

// newReportCmd is 'pcsync report'.
func (a *app) newReportCmd() *cobra.Command {
	o := &reportOptions{}
	c := &cobra.Command{
		Use:   "report [flags] RESULTS.csv",
		Short: "summarise the results file of a run",
		Long: `Summarises a results file written by 'pcsync run' (last night's run, a
resumed one): rows by action and status, the requests sent (the attempts
column) and the most frequent errors, as the run's own summary does. The
elapsed time and rate of the run are not in the file, so not in the report.
`,
		Example: `Exit status: 0 every row done (ok or duplicate); 1 some rows not done;
2 not a pcsync results file, or unreadable.
`,
		Args: exactArgs(1, "report takes one RESULTS file; see --help"),
		RunE: func(c *cobra.Command, args []string) error { return a.done(c.Context())(a.report(args[0], o)) },
	}
	c.Flags().StringVar(&o.SummaryJSON, "summary-json", "", "also write the summary as JSON to `PATH` (atomically), as 'pcsync run --summary-json' does")
	c.Flags().Var(cmdutil.NewValue(&o.Delimiter, "C", csvsource.ParseDelimiter, csvsource.DelimiterName), "delimiter", "CSV delimiter of the results: , ; | or tab (default: detected from the header, as for input)")
	return a.withEnv(c, nil)
}

// report reads the results file at path and prints its summary; with
// --summary-json it writes the JSON too.
func (a *app) report(path string, o *reportOptions) (int, error) {
	if path == "-" {
		return 0, usagef("report reads a results file, not standard input")
	}
	if o.SummaryJSON != "" {
		if runner.SamePath(o.SummaryJSON, path) {
			return 0, usagef("--summary-json names the results file itself: choose another path")
		}
		if err := summary.CheckJSONPath(o.SummaryJSON); err != nil {
			return 0, usagef("--summary-json: cannot write %s: %w", o.SummaryJSON, err)
		}
	}
	sum, rf, err := summary.FromResults(path, o.Delimiter, summary.Options{})
	if err != nil {
		return 0, usagef("%w", err) // unreadable, or not a results file
	}
	if !rf.HasAction {
		fmt.Fprintf(a.stderr, "pcsync: %s has no action column (written by an older pcsync from an input without one): its rows are counted under %s\n", path, summary.NoActionLabel)
	}
	if rf.CutShort {
		fmt.Fprintf(a.stderr, "pcsync: the last record of %s is cut short (the run was killed while writing it): not counted; 'pcsync run --resume' redoes its row\n", path)
	}
	code := exitOK
	if sum.Done() != sum.Total() || rf.CutShort {
		code = exitRowsFailed
	}
	sum.ExitCode = code
	fmt.Fprintf(a.stdout, "pcsync: report of %s\n", path)
	sum.WriteText(a.stdout)
	fmt.Fprintf(a.stdout, "not done: %s (not ok or duplicate)\n", summary.Plural(sum.Total()-sum.Done(), "row"))
	if o.SummaryJSON != "" {
		if err := sum.WriteJSONFile(o.SummaryJSON); err != nil {
			return 0, fmt.Errorf("cannot write the summary to --summary-json %s: %w", o.SummaryJSON, err)
		}
	}
	return code, nil
}
