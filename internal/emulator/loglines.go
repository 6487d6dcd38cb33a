package emulator

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// LogLines returns an Options.Log (pcsync sandbox --log) that writes one
// line per request on w, times read from now: whole lines, even when
// requests end at once.
//
//	18:50:01.204 POST /segments/add 200
//	18:50:01.311 GET /segments/get 503 fault=fail-5xx
//	18:50:01.420 POST /subscriptions/manage - (no answer) fault=drop-before
func LogLines(w io.Writer, now func() time.Time) func(Entry) {
	var mu sync.Mutex
	return func(e Entry) {
		status := "- (no answer)"
		if e.Status != 0 {
			status = fmt.Sprint(e.Status)
		}
		fault := ""
		if e.Fault != "" {
			fault = " fault=" + e.Fault
		}
		line := fmt.Sprintf("%s %s %s %s%s\n", now().Format("15:04:05.000"), e.Method, e.Path, status, fault)
		mu.Lock()
		defer mu.Unlock()
		io.WriteString(w, line)
	}
}
