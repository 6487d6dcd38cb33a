package job

// Status is the final outcome of a row.
type Status uint8

// The statuses a row can end with.
const (
	StatusOK        Status = iota // the API answered success
	StatusFailed                  // sent, and the last answer (or its absence) was not a success
	StatusInvalid                 // not sent: the row does not validate
	StatusSkipped                 // not sent: the run stopped before the row's turn
	StatusDuplicate               // not sent: an exact duplicate of an earlier row (--dedupe)
	StatusUnchanged               // not sent: applied with the same parameters by an earlier run (--state)
)

// NumStatuses is the number of statuses.
const NumStatuses = 6

// Statuses lists every status in a fixed order, for summaries.
var Statuses = []Status{StatusOK, StatusFailed, StatusInvalid, StatusSkipped, StatusDuplicate, StatusUnchanged}

var statusNames = [NumStatuses]string{"ok", "failed", "invalid", "skipped", "duplicate", "unchanged"}

// String returns the status as written in the results file.
func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return "unknown"
}

// Done reports whether a row with this status needs no further run: it
// ended ok, its earlier twin carries it, or an earlier run applied it.
func (s Status) Done() bool {
	return s == StatusOK || s == StatusDuplicate || s == StatusUnchanged
}

// ParseStatus is the inverse of String.
func ParseStatus(v string) (Status, bool) {
	for i, n := range statusNames {
		if n == v {
			return Status(i), true
		}
	}
	return 0, false
}
