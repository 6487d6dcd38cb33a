package emulator

import (
	"strings"
	"testing"
	"time"
)

// TestSandboxLogLine pins the format of one line.
func TestSandboxLogLine(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	at := func() time.Time { return time.Date(2026, 11, 28, 18, 50, 1, 204e6, time.UTC) }
	log := LogLines(&b, at)
	log(Entry{Method: "POST", Path: "/segments/add", Status: 200})
	log(Entry{Method: "GET", Path: "/segments/get", Status: 429, Fault: "max-rps"})
	log(Entry{Method: "POST", Path: "/subscriptions/manage", Fault: "drop-after"})
	want := "18:50:01.204 POST /segments/add 200\n18:50:01.204 GET /segments/get 429 fault=max-rps\n18:50:01.204 POST /subscriptions/manage - (no answer) fault=drop-after\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
