package runner

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/summary"
)

// ErrMaxFailed stops a run once more of its rows ended failed or invalid
// than --max-failed allows: the run is certain to be over its threshold.
var ErrMaxFailed = errors.New("too many rows failed or invalid")

// MaxFailed is --max-failed: how many of a run's rows may end failed or
// invalid, as a number of rows or as a share of the run's rows. The zero
// value sets no limit.
type MaxFailed struct {
	On    bool
	Rows  int64   // the limit in rows, when Share is not set
	Share float64 // the limit as a share of the run's rows, 0 to 1
	Text  string  // as the command line gave it, for messages
}

// ParseMaxFailed reads --max-failed: a number of rows ("25") or a
// percentage of the run's rows ("2%").
func ParseMaxFailed(v string) (MaxFailed, error) {
	v = strings.TrimSpace(v)
	bad := fmt.Errorf("want a number of rows such as 25, or a percentage of the run's rows such as 2%%")
	if p, ok := strings.CutSuffix(v, "%"); ok {
		x, err := strconv.ParseFloat(p, 64)
		if err != nil || !(x >= 0 && x <= 100) {
			return MaxFailed{}, bad
		}
		return MaxFailed{On: true, Share: x / 100, Text: v}, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return MaxFailed{}, bad
	}
	return MaxFailed{On: true, Rows: n, Text: v}, nil
}

// String is m as the command line gave it ("" for no limit).
func (m MaxFailed) String() string { return m.Text }

// Limit returns the most rows not done (failed or invalid) a run of total
// rows may have: Rows, or Share of total rounded down.
func (m MaxFailed) Limit(total int) int64 {
	if m.Share > 0 {
		return int64(math.Floor(m.Share*float64(total) + 1e-9))
	}
	return m.Rows
}

// notDone counts the rows --max-failed holds against a run.
func notDone(sum *summary.Summary) int64 {
	return sum.Status(job.StatusFailed) + sum.Status(job.StatusInvalid)
}

// halt returns Config.Halt for a limit of limit rows: the error that stops
// the run once the summary counts more rows not done than that.
func (m MaxFailed) halt(limit int64) func(*summary.Summary) error {
	return func(sum *summary.Summary) error {
		if n := notDone(sum); n > limit {
			return fmt.Errorf("%w: %s, over --max-failed %s (%s)", ErrMaxFailed, summary.Plural(n, "row"), m.Text, summary.Plural(limit, "row"))
		}
		return nil
	}
}
