package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// outputs are the results and failed-rows files of a run.
type outputs struct {
	resultsPath, failedPath string
	results, failed         io.Writer
	files                   []*os.File
	notInFailed             int64 // rows not done that the failed-rows file leaves out (--mirror's removals)
}

// open creates (or truncates) both files of checked paths; with appendResults
// (a resumed run) the results file is added to instead.
func (out *outputs) open(appendResults bool, stdout io.Writer) error {
	if out.resultsPath == "-" {
		out.results = stdout
	} else {
		flag := os.O_TRUNC
		if appendResults {
			flag = os.O_APPEND
		}
		f, err := create(out.resultsPath, flag)
		if err != nil {
			return err
		}
		out.results = f
	}
	f, err := create(out.failedPath, os.O_TRUNC)
	if err != nil {
		out.close()
		return err
	}
	out.failed = f
	for _, w := range []io.Writer{out.results, out.failed} {
		if f, ok := w.(*os.File); ok && f != stdout {
			out.files = append(out.files, f)
		}
	}
	return nil
}

// resolveOutputs fills in the default paths: beside the input,
// contacts.csv gives contacts.results.csv and contacts.failed.csv
// (pcsync.results.csv and pcsync.failed.csv in the working directory for
// standard input).
func resolveOutputs(input string, o *runOptions) *outputs {
	out := &outputs{resultsPath: o.Out, failedPath: o.Failed}
	base := "pcsync"
	if input != "-" {
		base = strings.TrimSuffix(input, filepath.Ext(input))
	}
	if out.resultsPath == "" {
		out.resultsPath = base + ".results.csv"
	}
	if out.failedPath == "" {
		out.failedPath = base + ".failed.csv"
	}
	return out
}

// check refuses outputs that would clobber the input or each other.
func (out *outputs) check(input string) error {
	if out.failedPath == "-" {
		return usagef("--failed must name a file")
	}
	for _, p := range []string{out.resultsPath, out.failedPath} {
		if p != "-" && input != "-" && samePath(p, input) {
			return usagef(fmt.Sprintf("%s is the input: choose another --out or --failed", p))
		}
	}
	if samePath(out.resultsPath, out.failedPath) {
		return usagef("--out and --failed name the same file")
	}
	return nil
}

func create(path string, mode int) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|mode, 0o644)
	if err != nil {
		return nil, usagef(fmt.Sprintf("cannot create %s: %v", path, err))
	}
	return f, nil
}

// sync makes both files durable.
func (o *outputs) sync() error {
	var errs []error
	for _, f := range o.files {
		errs = append(errs, f.Sync())
	}
	return errors.Join(errs...)
}

// close syncs and closes both files; later calls do nothing.
func (o *outputs) close() error {
	var errs []error
	for _, f := range o.files {
		errs = append(errs, f.Sync(), f.Close())
	}
	o.files = nil
	return errors.Join(errs...)
}

// samePath reports whether two paths name one file, existing or not.
func samePath(a, b string) bool {
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
