package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pcsync/pcsync/internal/emulator"
)

func TestResumeFinishesAPartlyFailedRun(t *testing.T) {
	t.Parallel()
	in := writeFile(t, "mixed.csv", mixed600())
	results := strings.TrimSuffix(in, ".csv") + ".results.csv"

	_, flaky := shop(t, emulator.Faults{Rate5xx: 0.3})
	r := pcsync(t, flaky, "", "run", "--rate", "0", "--retries", "0", "--quiet", in)
	if r.code != exitRowsFailed {
		t.Fatalf("first run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	first := checkOneResultPerRow(t, results, 600)

	em, healthy := shop(t, emulator.Faults{})
	r = pcsync(t, healthy, "", "run", "--resume", "--rate", "0", "--quiet", in)
	if r.code != exitOK {
		t.Fatalf("resume: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if st := checkOneResultPerRow(t, results, 600); st["ok"] != 600 {
		t.Errorf("after resume: %v", st)
	}
	if got := em.Stats().Requests; got != int64(first["failed"]) {
		t.Errorf("resume sent %d requests, want the %d failed rows only", got, first["failed"])
	}
	if !strings.Contains(r.stdout, "already ok") {
		t.Errorf("summary does not say what was kept:\n%s", r.stdout)
	}

	// Resuming a finished run sends nothing.
	r = pcsync(t, healthy, "", "run", "--resume", "--rate", "0", "--quiet", in)
	if r.code != exitOK || em.Stats().Requests != int64(first["failed"]) {
		t.Errorf("second resume: exit %d, %d requests", r.code, em.Stats().Requests)
	}
}

func TestResumeRefusesAnotherInput(t *testing.T) {
	t.Parallel()
	em, env := shop(t, emulator.Faults{})
	in := writeFile(t, "mixed.csv", mixed600())
	if r := pcsync(t, env, "", "run", "--rate", "0", "--quiet", in); r.code != exitOK {
		t.Fatalf("exit %d", r.code)
	}
	sent := em.Stats().Requests
	lines := strings.SplitAfter(mixed600(), "\n")
	tests := map[string][2]string{
		"a value changed": {strings.Replace(mixed600(), "user5@example.com", "user5@example.org", 1),
			": row 5 of the input (line 6) differs from the row 5 they record as done. To start afresh"},
		"a row removed": {strings.Replace(mixed600(), "user5@example.com,,segments/add,100500,,,,c5\n", "", 1),
			": row 5 of the input (line 6) differs"},
		"rows cut off the end": {strings.Join(lines[:591], ""), ": they record row 591 as done, and the input has no row 591. To start afresh"},
		"other columns":        {strings.Replace(mixed600(), "crm_id", "crm", 1), "its columns differ from the input's. To start afresh"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			os.WriteFile(in, []byte(tt[0]), 0o644)
			r := pcsync(t, env, "", "run", "--resume", "--rate", "0", "--quiet", in)
			if r.code != exitUsage || !strings.Contains(r.stderr, "not from this input") || !strings.Contains(r.stderr, tt[1]) ||
				!strings.Contains(r.stderr, "run without --resume (the earlier results are kept beside, renamed after their time) or with another --out") {
				t.Errorf("exit %d\n%s\nwant %q", r.code, r.stderr, tt[1])
			}
			if em.Stats().Requests != sent {
				t.Error("requests were sent")
			}
		})
	}
}

func TestResumeIgnoresARecordCutShort(t *testing.T) {
	t.Parallel()
	em, env := shop(t, emulator.Faults{})
	in := writeFile(t, "l.csv", "email,action\na@example.com,segments/get\nb@example.com,segments/get\n")
	out := filepath.Join(t.TempDir(), "r.csv")
	// As left by a kill -9: row 1 done, row 2's record half written.
	os.WriteFile(out, []byte("row,email,action,status,http_status,attempts,error,segments\n1,a@example.com,segments/get,ok,200,1,,\n2,b@exa"), 0o644)
	r := pcsync(t, env, "", "run", "--resume", "--out", out, "--rate", "0", "--quiet", in)
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	if st := checkOneResultPerRow(t, out, 2); st["ok"] != 2 || em.Stats().Requests != 1 {
		t.Errorf("statuses %v, %d requests", st, em.Stats().Requests)
	}
}

// rows1500 is a 1,500-row segments/add file.
func rows1500() string {
	var b strings.Builder
	b.WriteString("email,action,segment_id\n")
	for i := 1; i <= 1500; i++ {
		b.WriteString("u" + strconv.Itoa(i) + "@example.com,segments/add,100500\n")
	}
	return b.String()
}

// interruptThenResume starts the binary on 1,500 rows at --rate 300, sends
// sig once some rows are done, and then resumes to the end.
func interruptThenResume(t *testing.T, sig syscall.Signal, wantCode int) {
	bin := binary(t)
	em, env := shop(t, emulator.Faults{})
	in := writeFile(t, "big.csv", rows1500())
	results := strings.TrimSuffix(in, ".csv") + ".results.csv"
	cmd := exec.Command(bin, "run", "--rate", "300", "--workers", "4", "--quiet", in)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for em.Stats().Requests < 150 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond) // polling an external process; bounded
	}
	cmd.Process.Signal(sig)
	err := cmd.Wait()
	code := cmd.ProcessState.ExitCode()
	if sig == syscall.SIGKILL {
		code = wantCode
	}
	if code != wantCode {
		t.Fatalf("exit %d (%v), want %d\n%s", code, err, wantCode, stderr.String())
	}
	firstSent := em.Stats().Requests
	if sig == syscall.SIGTERM {
		st := checkOneResultPerRow(t, results, 1500)
		if st["ok"]+st["skipped"] != 1500 || st["ok"] < 100 || int64(st["ok"]) != firstSent {
			t.Errorf("after SIGTERM: %v, %d requests", st, firstSent)
		}
	}

	r := pcsync(t, env, "", "run", "--resume", "--rate", "0", "--quiet", in)
	if r.code != exitOK {
		t.Fatalf("resume: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if st := checkOneResultPerRow(t, results, 1500); st["ok"] != 1500 {
		t.Errorf("after resume: %v", st)
	}
	if em.SegmentSize("100500") != 1500 {
		t.Errorf("segment has %d members", em.SegmentSize("100500"))
	}
	if twice := em.Stats().Requests - 1500; twice > 4 {
		t.Errorf("%d rows sent twice, want at most --workers (4)", twice)
	}
}

func TestSIGTERMThenResume(t *testing.T) { interruptThenResume(t, syscall.SIGTERM, exitInterrupted) }

func TestSIGKILLThenResume(t *testing.T) { interruptThenResume(t, syscall.SIGKILL, -1) }

func TestRunStopsWhenResultsCannotBeWritten(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full")
	}
	em, env := shop(t, emulator.Faults{})
	in := writeFile(t, "big.csv", rows1500())
	r := pcsync(t, env, "", "run", "--rate", "0", "--workers", "4", "--quiet", "--out", "/dev/full", in)
	if r.code != exitUsage || !strings.Contains(r.stderr, "cannot write the results (/dev/full)") || !strings.Contains(r.stderr, "nothing was sent") {
		t.Fatalf("exit %d, want %d\n%s", r.code, exitUsage, r.stderr)
	}
	// The results' header is written, and flushed, before any row is sent.
	if n := em.Stats().Requests; n != 0 {
		t.Errorf("%d requests sent while results could not be written", n)
	}
}

func TestSecondSignalExitsAtOnce(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	em, env := shop(t, emulator.Faults{RateSlow: 1, SlowDelay: time.Hour})
	in := writeFile(t, "big.csv", rows1500())
	cmd := exec.Command(bin, "run", "--rate", "0", "--workers", "2", "--timeout", "1h", "--quiet", in)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for em.Stats().Requests < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond) // polling an external process; bounded
	}
	cmd.Process.Signal(syscall.SIGTERM) // waits for the two requests in flight: an hour
	time.Sleep(100 * time.Millisecond)  // let the first signal be taken alone
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatal("a second SIGTERM did not end the run")
	}
	if code := cmd.ProcessState.ExitCode(); code != exitInterrupted {
		t.Errorf("exit %d, want 130", code)
	}
}

func TestRefusedResumeLeavesResultsUntouched(t *testing.T) {
	t.Parallel()
	_, env := shop(t, emulator.Faults{Rate5xx: 0.5})
	in := writeFile(t, "mixed.csv", mixed600())
	if r := pcsync(t, env, "", "run", "--rate", "0", "--retries", "0", "--quiet", in); r.code != exitRowsFailed {
		t.Fatalf("first run: exit %d", r.code)
	}
	results := strings.TrimSuffix(in, ".csv") + ".results.csv"
	before := mustRead(t, results)
	r := pcsync(t, map[string]string{}, "", "run", "--resume", in) // no credentials
	if r.code != exitUsage {
		t.Fatalf("exit %d, want 2", r.code)
	}
	if mustRead(t, results) != before {
		t.Error("a refused resume rewrote the results file")
	}
}
