package summary

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"

	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/proc"
)

// MarshalJSON renders the summary for schedulers, keys in a fixed order:
//
//	{"total": N, one count per status ("ok", "failed", ...: job.Statuses),
//	 "requests": N, "elapsed_seconds": F, "rows_per_second": F (both left
//	 out when unknown), "already_done": N (a resumed run only),
//	 "by_action": {ACTION: {"total": N, one count per status}, ...},
//	 "top_errors": [{"message": S, "count": N}, ...], "other_errors": N,
//	 "max_failed": N (with --max-failed only), "exit_code": N,
//	 "interrupted": B, "stopped": S,
//	 "pace": {"bound": S, "asked_rate": F, "effective_rate": F,
//	 "workers": N, "max_workers": N, "adaptive": B, "peak_in_flight": N,
//	 "latency_p50_ms": F, "latency_p95_ms": F, "throttled_above": F,
//	 "suggested_rate": F} (a run that sent only)}
//
// by_action holds every action of job.Actions, and NoActionLabel when
// rows had no valid action.
func (s *Summary) MarshalJSON() ([]byte, error) { return json.Marshal(s.document()) }

// summaryJSON is the JSON of a Summary; the order of its fields is the
// order of the keys.
type summaryJSON struct {
	countsJSON
	Requests int64 `json:"requests"`
	// Pointers: present whenever the elapsed time is known, 0 included.
	ElapsedSeconds *float64     `json:"elapsed_seconds,omitempty"`
	RowsPerSecond  *float64     `json:"rows_per_second,omitempty"`
	AlreadyDone    int64        `json:"already_done,omitempty"`
	ByAction       byActionJSON `json:"by_action"`
	TopErrors      []ErrorCount `json:"top_errors"` // never nil: [] rather than null
	OtherErrors    int64        `json:"other_errors"`
	MaxFailed      *int64       `json:"max_failed,omitempty"`
	ExitCode       int          `json:"exit_code"`
	Interrupted    bool         `json:"interrupted"`
	Stopped        string       `json:"stopped"`
	Pace           *paceJSON    `json:"pace,omitempty"`
}

// countsJSON is a number of rows and its breakdown by status, in the order
// of job.Statuses.
type countsJSON struct {
	Total     int64 `json:"total"`
	OK        int64 `json:"ok"`
	Failed    int64 `json:"failed"`
	Invalid   int64 `json:"invalid"`
	Skipped   int64 `json:"skipped"`
	Duplicate int64 `json:"duplicate"`
	Unchanged int64 `json:"unchanged"`
}

// byActionJSON breaks the rows down by action, in the order of job.Actions;
// the rows with no valid action only when there are some.
type byActionJSON struct {
	SegmentsAdd           countsJSON  `json:"segments/add"`
	SegmentsRemove        countsJSON  `json:"segments/remove"`
	SegmentsGet           countsJSON  `json:"segments/get"`
	SubscriptionsManage   countsJSON  `json:"subscriptions/manage"`
	SubscriptionsCallback countsJSON  `json:"subscriptions/callback"`
	NoAction              *countsJSON `json:"(no valid action),omitempty"`
}

// document is the summary as its JSON holds it.
func (s *Summary) document() *summaryJSON {
	d := &summaryJSON{
		countsJSON:  countsOf(s.Total(), s.Status),
		Requests:    s.Requests(),
		AlreadyDone: s.AlreadyDone,
		ByAction: byActionJSON{
			SegmentsAdd:           s.actionCounts(job.SegmentsAdd.Index()),
			SegmentsRemove:        s.actionCounts(job.SegmentsRemove.Index()),
			SegmentsGet:           s.actionCounts(job.SegmentsGet.Index()),
			SubscriptionsManage:   s.actionCounts(job.SubscriptionsManage.Index()),
			SubscriptionsCallback: s.actionCounts(job.SubscriptionsCallback.Index()),
		},
		TopErrors:   s.TopErrors(),
		OtherErrors: s.OtherErrors(),
		MaxFailed:   s.MaxFailed,
		ExitCode:    s.ExitCode,
		Interrupted: s.Interrupted,
		Stopped:     s.Stopped,
		Pace:        s.Pace.document(),
	}
	if s.Elapsed > 0 {
		elapsed, rate := round3(s.Elapsed.Seconds()), round3(s.RowsPerSecond())
		d.ElapsedSeconds, d.RowsPerSecond = &elapsed, &rate
	}
	if s.ActionTotal(NoAction) > 0 {
		none := s.actionCounts(NoAction)
		d.ByAction.NoAction = &none
	}
	if d.TopErrors == nil {
		d.TopErrors = []ErrorCount{}
	}
	return d
}

// actionCounts returns the counts of action index a.
func (s *Summary) actionCounts(a int) countsJSON {
	return countsOf(s.ActionTotal(a), func(st job.Status) int64 { return s.Count(a, st) })
}

// countsOf fills a countsJSON from a total and the count of each status.
func countsOf(total int64, count func(job.Status) int64) countsJSON {
	return countsJSON{
		Total:     total,
		OK:        count(job.StatusOK),
		Failed:    count(job.StatusFailed),
		Invalid:   count(job.StatusInvalid),
		Skipped:   count(job.StatusSkipped),
		Duplicate: count(job.StatusDuplicate),
		Unchanged: count(job.StatusUnchanged),
	}
}

// WriteJSONFile writes the summary as indented JSON to path atomically: to
// a temporary file in the same directory, synced, then renamed over path,
// so that a reader sees the old file or the whole new one.
func (s *Summary) WriteJSONFile(path string) error {
	b, err := json.MarshalIndent(s.document(), "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	tmp, err := os.CreateTemp(filepath.Dir(path), ".pcsync-summary-*")
	if err != nil {
		return err
	}
	defer proc.RemoveAtExit(tmp.Name())() // a signal that ends the process while it is written
	defer os.Remove(tmp.Name())           // after a successful rename, nothing to remove
	_, err = tmp.Write(b)
	if err = errors.Join(err, tmp.Chmod(0o644), tmp.Sync(), tmp.Close()); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// CheckJSONPath reports whether a summary could be written to path later:
// its directory takes a new file, and path is not a directory.
func CheckJSONPath(path string) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return errors.New(path + " is a directory")
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".pcsync-summary-*")
	if err != nil {
		return err
	}
	tmp.Close()
	return os.Remove(tmp.Name())
}

// round3 keeps three decimals: milliseconds for seconds.
func round3(f float64) float64 { return math.Round(f*1000) / 1000 }
