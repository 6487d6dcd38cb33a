package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// binary builds pcsync once for the tests that run it as a process.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "pcsync-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "pcsync")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			buildErr = err
			t.Logf("%s", out)
		}
	})
	if buildErr != nil {
		t.Fatalf("build: %v", buildErr)
	}
	return binPath
}

func TestBinarySandboxServesARun(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	sb, env, sc := startSandbox(t, bin)
	go func() { // keep the pipe drained
		for sc.Scan() {
		}
	}()

	dir := t.TempDir()
	in := filepath.Join(dir, "demo.csv")
	demo, err := os.ReadFile(filepath.Join("..", "..", "testdata", "demo.csv"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(in, demo, 0o644)
	run := exec.Command(bin, "run", "--rate", "0", in)
	run.Env = env
	out, err := run.CombinedOutput()
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "15 rows") {
		t.Errorf("output:\n%s", out)
	}
	if strings.Contains(string(out), "\x1b[") {
		t.Errorf("escape codes in output that is not a terminal:\n%q", out)
	}

	sb.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- sb.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("sandbox exit: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("sandbox did not stop on SIGINT")
	}
}

// startSandbox runs bin's 'pcsync sandbox' on a free loopback port, with
// args, until the test ends. It returns the environment that points a run
// at it (the exports it prints) and its standard output past its banner,
// which the caller must drain; and the process, killed when the test ends.
func startSandbox(t *testing.T, bin string, args ...string) (*exec.Cmd, []string, *bufio.Scanner) {
	t.Helper()
	sb := exec.Command(bin, append([]string{"sandbox", "--addr", "127.0.0.1:0"}, args...)...)
	stdout, err := sb.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := sb.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Process.Kill() })
	sc := bufio.NewScanner(stdout)
	env := os.Environ()
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if v, ok := strings.CutPrefix(line, "export "); ok {
			env = append(env, v)
		}
		if strings.HasPrefix(line, "Stop with") {
			break
		}
	}
	return sb, env, sc
}
