package runner

import (
	"time"

	"github.com/pcsync/pcsync/internal/job"
)

// Incremental is what a run knows of earlier runs (--state): the writing
// rows already applied with the same parameters are not sent again, and
// the rows this run applies are recorded, never ahead of the results file.
// Rows of actions that do not write (segments/get) are never asked about.
type Incremental interface {
	// Unchanged reports whether j was last applied with these very
	// parameters, and when. The feeder calls it, one row at a time.
	Unchanged(j *job.Job) (since time.Time, unchanged bool, err error)
	// Applied notes that j was answered success and its result written;
	// j is reused afterwards, so Applied must not keep it.
	// The recorder calls it under its lock, one result at a time.
	Applied(j *job.Job)
	// Cut closes the batch of the notes taken so far: the results they
	// belong to have just been flushed. It is called under the recorder's
	// lock, so no note can slip between the flush and the cut.
	Cut()
	// Commit makes the notes cut so far durable. It is called once the
	// results they belong to are durable (after Config.Sync), never at the
	// same time as itself.
	Commit() error
}

// unchanged asks inc about j, when there is an inc and j writes.
func unchanged(inc Incremental, j *job.Job) (time.Time, bool, error) {
	if inc == nil || !j.Action.Writes() {
		return time.Time{}, false, nil
	}
	return inc.Unchanged(j)
}

// unchangedText is the error column of an unchanged row: why it was not
// sent, and since when it is so.
func unchangedText(since time.Time) string {
	if since.IsZero() {
		return "not sent: applied with the same parameters by an earlier run"
	}
	return "not sent: applied with the same parameters at " + since.UTC().Format(time.RFC3339)
}
