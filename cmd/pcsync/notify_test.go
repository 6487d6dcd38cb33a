package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pcsync/pcsync/internal/emulator"
	"github.com/pcsync/pcsync/internal/notify"
)

// hook is a webhook on loopback that answers each POST with the next of
// its statuses (the last one again once they run out), or hangs until the
// client gives up when hang is set, and keeps what it was sent.
type hook struct {
	statuses []int
	hang     bool

	mu     sync.Mutex
	bodies [][]byte
	types  []string
}

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	h.bodies = append(h.bodies, b)
	h.types = append(h.types, r.Header.Get("Content-Type"))
	n := len(h.bodies)
	h.mu.Unlock()
	if h.hang {
		<-r.Context().Done()
		return
	}
	w.WriteHeader(h.statuses[min(n, len(h.statuses))-1])
}

// pcsyncNotify is pcsync with --notify's bounds set for tests.
func pcsyncNotify(t *testing.T, opt notify.Options, env map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	a := &app{stdin: strings.NewReader(""), stdout: &out, stderr: &errb,
		getenv: func(k string) string { return env[k] }, stateLockTimeout: testLockTimeout, notifyOptions: opt}
	code := a.main(context.Background(), args)
	return result{code, out.String(), errb.String()}
}

func TestNotify(t *testing.T) {
	t.Parallel()
	fast := notify.Options{Backoff: func(int) time.Duration { return time.Millisecond }}
	tests := []struct {
		name     string
		hook     *hook
		opt      notify.Options
		attempts int
		report   string // on stderr; "" for none
	}{
		{"delivered", &hook{statuses: []int{200}}, fast, 1, ""},
		{"a 503 then a 204", &hook{statuses: []int{503, 204}}, fast, 2, ""},
		{"always 500: three attempts", &hook{statuses: []int{500}}, fast, 3, "could not notify http://127.0.0.1:"},
		{"404 is not retried", &hook{statuses: []int{404}}, fast, 1, "(1 attempt): HTTP 404; the exit status is the run's"},
		{"a hook that never answers costs the budget", &hook{hang: true}, notify.Options{Budget: 300 * time.Millisecond}, 1, "no answer in time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(tt.hook)
			defer srv.Close()
			_, env := shop(t, emulator.Faults{})
			in := writeFile(t, "contacts.csv", segmentFile(12, func(i int) bool { return i == 4 }, none))
			url := srv.URL + "/services/T000/B000/secret-token"
			start := time.Now()
			r := pcsyncNotify(t, tt.opt, env, "run", "--rate", "0", "--quiet", "--notify", url, in)
			if r.code != exitRowsFailed {
				t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			if tt.opt.Budget > 0 && time.Since(start) > 10*tt.opt.Budget {
				t.Errorf("the run took %s with a %s budget", time.Since(start), tt.opt.Budget)
			}
			if tt.report == "" && strings.Contains(r.stderr, "notify") || !strings.Contains(r.stderr, tt.report) {
				t.Errorf("stderr:\n%s", r.stderr)
			}
			if strings.Contains(r.stderr, "secret-token") {
				t.Errorf("the webhook's path is on stderr:\n%s", r.stderr)
			}
			tt.hook.mu.Lock()
			defer tt.hook.mu.Unlock()
			if len(tt.hook.bodies) != tt.attempts {
				t.Fatalf("%d POSTs, want %d", len(tt.hook.bodies), tt.attempts)
			}
			b := tt.hook.bodies[0]
			if !bytes.HasPrefix(b, []byte(`{"text":"pcsync on `)) || tt.hook.types[0] != "application/json" || bytes.Contains(b, []byte(testSecret)) {
				t.Errorf("body (%s):\n%s", tt.hook.types[0], b)
			}
			var got struct {
				Text               string
				Total, OK, Invalid int
				ExitCode           int                        `json:"exit_code"`
				TopErrors          []struct{ Message string } `json:"top_errors"`
			}
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatalf("%v:\n%s", err, b)
			}
			if !strings.HasSuffix(got.Text, ": contacts.csv: 12 rows (11 ok, 1 invalid); exit 1, some rows not done") ||
				got.Total != 12 || got.OK != 11 || got.Invalid != 1 || got.ExitCode != 1 || len(got.TopErrors) != 1 {
				t.Errorf("body:\n%s", b)
			}
		})
	}
}

func TestNotifyNot(t *testing.T) {
	t.Parallel()
	h := &hook{statuses: []int{200}}
	srv := httptest.NewServer(h)
	defer srv.Close()
	_, env := shop(t, emulator.Faults{})
	in := writeFile(t, "contacts.csv", segmentFile(3, none, none))
	if r := pcsync(t, env, "", "run", "--dry-run", "--notify", srv.URL, in); r.code != exitOK {
		t.Errorf("dry run: exit %d\n%s", r.code, r.stderr)
	}
	for _, bad := range []string{"ftp://example.com/x", "hooks.slack.com/services/x", "http://"} {
		if r := pcsync(t, env, "", "run", "--notify", bad, in); r.code != exitUsage || !strings.Contains(r.stderr, "--notify: want an http:// or https:// URL") {
			t.Errorf("--notify %s: exit %d\n%s", bad, r.code, r.stderr)
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.bodies) != 0 {
		t.Errorf("%d notifications from runs that sent nothing", len(h.bodies))
	}
}
