package notify

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/summary"
)

// Text is the one line a chat shows of a run: where (host), which input,
// its rows by status, how it ended (its exit status, and how, the words
// for it).
func Text(host, input, how string, sum *summary.Summary) string {
	var parts []string
	for _, st := range job.Statuses {
		if n := sum.Status(st); n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, st))
		}
	}
	counts := summary.Plural(sum.Total(), "row")
	if len(parts) > 0 {
		counts += " (" + strings.Join(parts, ", ") + ")"
	}
	if input == "-" {
		input = "standard input"
	}
	if how == "" {
		how = "ended"
	}
	return fmt.Sprintf("pcsync on %s: %s: %s; exit %d, %s", host, filepath.Base(input), counts, sum.ExitCode, how)
}

// Body is the JSON POSTed by --notify: the summary JSON with a "text"
// field first (Text of host, input and how), the one line a Slack incoming
// webhook shows.
func Body(host, input, how string, sum *summary.Summary) ([]byte, error) {
	text := Text(host, input, how, sum)
	doc, err := json.Marshal(sum)
	if err != nil {
		return nil, err
	}
	t, _ := json.Marshal(text)
	body := append([]byte(`{"text":`), t...)
	if len(doc) > 2 {
		body = append(body, ',')
	}
	return append(body, doc[1:]...), nil
}
