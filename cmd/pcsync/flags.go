package main

import (
	"fmt"
	"strings"

	"github.com/pcsync/pcsync/internal/csvsource"
	"github.com/pcsync/pcsync/internal/job"
)

// parseAction reads an action name.
func parseAction(v string) (job.Action, error) {
	act, ok := job.ParseAction(v)
	if !ok {
		return "", fmt.Errorf("unknown action %q (want one of %s)", v, strings.Join(actionNames(), ", "))
	}
	return act, nil
}

func actionNames() []string {
	names := make([]string, len(job.Actions))
	for i, a := range job.Actions {
		names[i] = string(a)
	}
	return names
}

// parseSegmentID reads --segment-id into its canonical form.
func parseSegmentID(v string) (string, error) {
	id, err := job.ParseSegmentID(strings.TrimSpace(v))
	return string(id), err
}

// checkEncoding refuses an --encoding csvsource does not read.
func checkEncoding(v string) error {
	_, err := csvsource.ParseEncoding(v)
	return err
}
