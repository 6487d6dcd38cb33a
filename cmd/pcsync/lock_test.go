package main

import (
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pcsync/pcsync/internal/emulator"
)

// envList turns a test environment into a process's.
func envList(env map[string]string) []string {
	var out []string
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}

// exitOf returns a finished process's exit status.
func exitOf(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

// TestRunLockTwoProcesses starts the binary on a results file, then a
// second binary on the same results path (plain and --resume, against
// another shop so that anything it sent would show): it is refused, exit 2,
// naming the first, having sent nothing. Once the first is killed, a
// --resume takes its lock over with a note and finishes the job.
func TestRunLockTwoProcesses(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	em, env := shop(t, emulator.Faults{})
	in := writeFile(t, "big.csv", rows1500())
	results := strings.TrimSuffix(in, ".csv") + ".results.csv"
	first := exec.Command(bin, "run", "--rate", "100", "--quiet", in)
	first.Env = envList(env)
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	defer first.Process.Kill()
	deadline := time.Now().Add(20 * time.Second)
	for em.Stats().Requests < 10 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond) // polling an external process; bounded
	}
	if em.Stats().Requests < 10 {
		t.Fatal("the first run sent nothing")
	}
	held, err := os.Stat(results)
	if err != nil {
		t.Fatal(err)
	}

	for _, args := range [][]string{{}, {"--resume"}} {
		other, otherEnv := shop(t, emulator.Faults{})
		second := exec.Command(bin, append(append([]string{"run", "--rate", "0", "--quiet"}, args...), in)...)
		second.Env = envList(otherEnv)
		out, err := second.CombinedOutput()
		if code := exitOf(err); code != exitUsage {
			t.Errorf("second run %v: exit %d, want %d\n%s", args, code, exitUsage, out)
		}
		if want := "PID " + strconv.Itoa(first.Process.Pid); !strings.Contains(string(out), want) || !strings.Contains(string(out), "another pcsync run") {
			t.Errorf("second run %v does not name the holder (%s):\n%s", args, want, out)
		}
		if n := other.Stats().Requests; n != 0 {
			t.Errorf("second run %v sent %d requests", args, n)
		}
		if now, err := os.Stat(results); err != nil || !os.SameFile(held, now) {
			t.Errorf("second run %v replaced the results file", args)
		}
	}

	first.Process.Signal(syscall.SIGKILL)
	first.Wait()
	if _, err := os.Stat(results + ".lock"); err != nil {
		t.Fatalf("the killed run left no lock file: %v", err)
	}
	r := pcsync(t, env, "", "run", "--rate", "0", "--quiet", "--resume", in)
	if r.code != exitOK {
		t.Fatalf("resume: exit %d\n%s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "took over the lock") || !strings.Contains(r.stderr, "that process is gone") {
		t.Errorf("resume: no note of the lock taken over:\n%s", r.stderr)
	}
	checkOneResultPerRow(t, results, 1500)
	if _, err := os.Stat(results + ".lock"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the lock file outlives the run: %v", err)
	}
}
