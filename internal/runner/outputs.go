package runner

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Outputs are the files a run writes: the results and failed-rows files.
type outputs struct {
	resultsPath, failedPath string
	kept                    string // where an earlier run's results were moved, if anywhere (keep.go)
	results, failed         io.Writer
	files                   []*os.File
}

// resolveOutputs fills in the default paths: beside the input,
// contacts.csv gives contacts.results.csv and contacts.failed.csv
// (pcsync.results.csv and pcsync.failed.csv in the working directory for
// standard input). A failed-rows file fed back is a round of its own:
// contacts.failed.csv gives contacts.results-2.csv and
// contacts.failed-2.csv, contacts.failed-2.csv gives the -3 files, and so
// on, rather than names that pile up (contacts.failed.failed.csv).
func resolveOutputs(input, results, failed string) *outputs {
	out := &outputs{resultsPath: results, failedPath: failed}
	base, round := "pcsync", ""
	if input != "-" {
		base = strings.TrimSuffix(input, filepath.Ext(input))
		dir, name := filepath.Split(base)
		name, round = failedRound(name)
		base = dir + name
	}
	if out.resultsPath == "" {
		out.resultsPath = base + ".results" + round + ".csv"
	}
	if out.failedPath == "" {
		out.failedPath = base + ".failed" + round + ".csv"
	}
	return out
}

// failedRound reads a failed-rows file's name (without its extension):
// "contacts.failed" is round 1's, "contacts.failed-2" round 2's. It
// returns the name of the original input and the suffix of the next
// round ("-2", "-3", ...); for any other name, base itself and "".
func failedRound(base string) (string, string) {
	stem, n, ok := strings.Cut(base, ".failed")
	if !ok || strings.Contains(n, ".failed") {
		return base, ""
	}
	round := 1
	if n != "" {
		r, err := strconv.Atoi(strings.TrimPrefix(n, "-"))
		if !strings.HasPrefix(n, "-") || err != nil || r < 2 {
			return base, ""
		}
		round = r
	}
	return stem, "-" + strconv.Itoa(round+1)
}

// check refuses outputs that would clobber the input or each other.
func (out *outputs) check(input string) error {
	if out.failedPath == "-" {
		return Usagef("--failed must name a file")
	}
	for _, p := range []string{out.resultsPath, out.failedPath} {
		if p != "-" && input != "-" && SamePath(p, input) {
			return Usagef("%s is the input: choose another --out or --failed", p)
		}
	}
	if SamePath(out.resultsPath, out.failedPath) {
		return Usagef("--out and --failed name the same file")
	}
	return nil
}

// open creates (or truncates) both files; with appendResults (a resumed
// run) the results file is added to instead. An earlier run's results file
// is never truncated: it is kept under another name first (keep.go).
// Results go to stdout when their path is "-".
func (out *outputs) open(appendResults bool, stdout io.Writer) error {
	if out.resultsPath == "-" {
		out.results = stdout
	} else {
		flag := os.O_TRUNC
		if appendResults {
			flag = os.O_APPEND
		} else {
			kept, err := keepEarlier(out.resultsPath)
			if err != nil {
				return err
			}
			out.kept = kept
		}
		f, err := create(out.resultsPath, flag)
		if err != nil {
			return err
		}
		out.results = f
		out.files = append(out.files, f)
	}
	f, err := create(out.failedPath, os.O_TRUNC)
	if err != nil {
		out.close()
		return err
	}
	out.failed = f
	out.files = append(out.files, f)
	return nil
}

func create(path string, mode int) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|mode, 0o644)
	if err != nil {
		return nil, Usagef("cannot create %s: %w", path, err)
	}
	return f, nil
}

// sync makes both files durable.
func (out *outputs) sync() error {
	var errs []error
	for _, f := range out.files {
		errs = append(errs, f.Sync())
	}
	return errors.Join(errs...)
}

// close syncs and closes both files; later calls do nothing.
func (out *outputs) close() error {
	var errs []error
	for _, f := range out.files {
		errs = append(errs, f.Sync(), f.Close())
	}
	out.files = nil
	return errors.Join(errs...)
}

// SamePath reports whether two paths name one file, existing or not.
func SamePath(a, b string) bool {
	if a == b {
		return true
	}
	ai, aerr := os.Stat(a)
	bi, berr := os.Stat(b)
	if aerr == nil && berr == nil {
		return os.SameFile(ai, bi)
	}
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == bb
}
