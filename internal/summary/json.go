package summary

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"

	"github.com/pcsync/pcsync/internal/job"
)

// MarshalJSON renders the summary for schedulers, keys in a fixed order:
//
//	{"total": N, one count per status ("ok", "failed", ...: job.Statuses),
//	 "requests": N, "elapsed_seconds": F, "rows_per_second": F (both left
//	 out when unknown), "already_done": N (a resumed run only),
//	 "by_action": {ACTION: {"total": N, one count per status}, ...},
//	 "top_errors": [{"message": S, "count": N}, ...], "other_errors": N,
//	 "exit_code": N, "interrupted": B, "stopped": S}
//
// by_action holds every action of job.Actions, and NoActionLabel when
// rows had no valid action.
func (s *Summary) MarshalJSON() ([]byte, error) {
	var o object
	o.add("total", s.Total())
	for _, st := range job.Statuses {
		o.add(st.String(), s.Status(st))
	}
	o.add("requests", s.Requests())
	if s.Elapsed > 0 {
		o.add("elapsed_seconds", round3(s.Elapsed.Seconds()))
		o.add("rows_per_second", round3(s.RowsPerSecond()))
	}
	if s.AlreadyDone > 0 {
		o.add("already_done", s.AlreadyDone)
	}
	var by object
	for a := range s.counts {
		if a == NoAction && s.ActionTotal(a) == 0 {
			continue
		}
		var one object
		one.add("total", s.ActionTotal(a))
		for _, st := range job.Statuses {
			one.add(st.String(), s.Count(a, st))
		}
		by.add(actionLabel(a), one.raw())
	}
	o.add("by_action", by.raw())
	top := s.TopErrors()
	if top == nil {
		top = []ErrorCount{} // [] rather than null
	}
	o.add("top_errors", top)
	o.add("other_errors", s.OtherErrors())
	o.add("exit_code", s.ExitCode)
	o.add("interrupted", s.Interrupted)
	o.add("stopped", s.Stopped)
	return o.raw(), o.err
}

// WriteJSONFile writes the summary as indented JSON to path atomically: to
// a temporary file in the same directory, synced, then renamed over path,
// so that a reader sees the old file or the whole new one.
func (s *Summary) WriteJSONFile(path string) error {
	compact, err := s.MarshalJSON()
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := json.Indent(&b, compact, "", "  "); err != nil {
		return err
	}
	b.WriteByte('\n')
	tmp, err := os.CreateTemp(filepath.Dir(path), ".pcsync-summary-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename, nothing to remove
	_, err = tmp.Write(b.Bytes())
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

// object builds a JSON object whose keys keep the order they were added.
type object struct {
	b   bytes.Buffer
	err error
}

func (o *object) add(key string, v any) {
	if o.b.Len() == 0 {
		o.b.WriteByte('{')
	} else {
		o.b.WriteByte(',')
	}
	k, _ := json.Marshal(key)
	o.b.Write(k)
	o.b.WriteByte(':')
	val, err := json.Marshal(v)
	if err != nil {
		o.err = errors.Join(o.err, err)
		val = []byte("null")
	}
	o.b.Write(val)
}

func (o *object) raw() json.RawMessage {
	if o.b.Len() == 0 {
		return json.RawMessage("{}")
	}
	return append(json.RawMessage(o.b.Bytes()), '}')
}

// round3 keeps three decimals: milliseconds for seconds.
func round3(f float64) float64 { return math.Round(f*1000) / 1000 }
