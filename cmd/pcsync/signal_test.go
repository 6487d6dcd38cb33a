package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pcsync/pcsync/internal/emulator"
)

// startWithTemp starts the binary with TMPDIR pointed at a directory of
// the test's, so that its temporary files can be watched.
func startWithTemp(t *testing.T, env map[string]string, stdin io.Reader, args ...string) (*exec.Cmd, string, *strings.Builder) {
	t.Helper()
	tmp := t.TempDir()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = append(envList(env), "TMPDIR="+tmp)
	cmd.Stdin = stdin
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	return cmd, tmp, &stderr
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond) // polling an external process; bounded
	}
}

// tempFiles lists what is left under dir.
func tempFiles(dir string) []string {
	var left []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if p != dir {
			left = append(left, p)
		}
		return nil
	})
	return left
}

// TestSignalBeforeSending sends SIGTERM or SIGINT while the run is still
// reading its input: a FIFO that never ends, standard input that never
// ends (being spooled). The run ends within a second, exit 130, with a
// message, and leaves no temporary file; nothing is sent.
func TestSignalBeforeSending(t *testing.T) {
	t.Parallel()
	rows := "email,action,segment_id\n" + strings.Repeat("a@example.com,segments/add,1\n", 100)
	tests := []struct {
		name  string
		sig   syscall.Signal
		stdin bool
	}{
		{"SIGTERM reading a FIFO", syscall.SIGTERM, false},
		{"SIGINT spooling standard input", syscall.SIGINT, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			em, env := shop(t, emulator.Faults{})
			var cmd *exec.Cmd
			var tmp string
			var stderr *strings.Builder
			if tt.stdin {
				pr, pw, err := os.Pipe() // a file: exec copies nothing, and Wait waits for nothing
				if err != nil {
					t.Fatal(err)
				}
				defer pw.Close()
				go pw.Write([]byte(rows)) // and never closed: standard input that does not end
				cmd, tmp, stderr = startWithTemp(t, env, pr, "run", "--quiet", "-")
				pr.Close()
				// The spool is under way once its file exists.
				waitFor(t, "the spool", func() bool {
					for _, p := range tempFiles(tmp) {
						if strings.Contains(p, "pcsync-stdin-") {
							return true
						}
					}
					return false
				})
			} else {
				fifo := filepath.Join(t.TempDir(), "in.csv")
				if err := syscall.Mkfifo(fifo, 0o600); err != nil {
					t.Skip("no FIFO:", err)
				}
				cmd, tmp, stderr = startWithTemp(t, env, nil, "run", "--quiet", fifo)
				w, err := os.OpenFile(fifo, os.O_WRONLY, 0) // returns once pcsync opened it
				if err != nil {
					t.Fatal(err)
				}
				defer w.Close() // never closed before the signal: a FIFO that does not end
				w.Write([]byte(rows))
			}
			start := time.Now()
			cmd.Process.Signal(tt.sig)
			err := cmd.Wait()
			took := time.Since(start)
			if code := exitOf(err); code != exitInterrupted || took > time.Second {
				t.Errorf("exit %d after %s, want %d within 1s\n%s", code, took, exitInterrupted, stderr)
			}
			if !strings.Contains(stderr.String(), "interrupted before sending began: nothing was sent") {
				t.Errorf("no message:\n%s", stderr)
			}
			if left := tempFiles(tmp); len(left) > 0 {
				t.Errorf("temporary files left: %q", left)
			}
			if n := em.Stats().Requests; n != 0 {
				t.Errorf("%d requests sent", n)
			}
		})
	}
}

// TestNoTemporaryFileAfterARun: a run from standard input, to its end,
// leaves nothing in the temporary directory.
func TestNoTemporaryFileAfterARun(t *testing.T) {
	t.Parallel()
	_, env := shop(t, emulator.Faults{})
	dir := t.TempDir()
	rows := "email,action,segment_id\n" + strings.Repeat("a@example.com,segments/add,1\n", 10)
	cmd, tmp, stderr := startWithTemp(t, env, strings.NewReader(rows), "run", "--quiet", "--rate", "0", "--out", filepath.Join(dir, "r.csv"), "--failed", filepath.Join(dir, "f.csv"), "-")
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if left := tempFiles(tmp); len(left) > 0 {
		t.Errorf("temporary files left: %q", left)
	}
}
