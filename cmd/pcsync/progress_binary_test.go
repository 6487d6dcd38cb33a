package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// demoDir is a new directory holding a copy of testdata/demo.csv.
func demoDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "demo.csv"), []byte(readTestdata(t, "demo.csv")), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestBinaryProgressToAFileIsJSONLines(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	dir := demoDir(t)
	errFile, err := os.Create(filepath.Join(dir, "stderr.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer errFile.Close()
	cmd := exec.Command(bin, "run", "--sandbox", "--rate", "200", "--progress-every", "10ms", "demo.csv")
	cmd.Dir, cmd.Stderr = dir, errFile
	cmd.Env = append(os.Environ(), "PCSYNC_LOG_FORMAT=json")
	if out, err := cmd.Output(); err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	b, err := os.ReadFile(errFile.Name())
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(string(b), "\x1b\r") {
		t.Errorf("control characters in a file: %q", b)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	for _, line := range lines {
		parseLogLine(t, "json", line)
	}
	last := parseLogLine(t, "json", lines[len(lines)-1])
	if last["msg"] != "run ended" || last["done"] != "15" || last["ok"] != "15" {
		t.Errorf("last line %q", lines[len(lines)-1])
	}
	t.Logf("%d lines on stderr", len(lines))
}

// TestBinaryBarInTmux runs the binary on a real terminal, a tmux pane of
// 120 columns, and reads the screen once it is done: the bar ends at 100%
// on its own line and the summary follows, ungarbled.
func TestBinaryBarInTmux(t *testing.T) {
	t.Parallel()
	pane, lines, bar := demoInTmux(t, 120)
	for _, want := range []string{"ok 15, failed 0, invalid 0", "100%", "(15/15"} {
		if !strings.Contains(lines[bar], want) {
			t.Errorf("bar line %q lacks %q", lines[bar], want)
		}
	}
	if !strings.Contains(pane, "exit=0") {
		t.Errorf("no exit=0:\n%s", pane)
	}
}

// TestBinaryBarFitsNarrowTmux runs the binary in a real terminal of 64
// columns: the bar stays on one line (lines the terminal wrapped are
// joined back, so a wrapped bar would read as longer than the pane).
func TestBinaryBarFitsNarrowTmux(t *testing.T) {
	t.Parallel()
	pane, lines, bar := demoInTmux(t, 64)
	if !strings.Contains(lines[bar], "ok 15, failed 0, invalid 0 100%") || utf8.RuneCountInString(lines[bar]) > 63 {
		t.Fatalf("bar line %d:\n%s", bar, pane)
	}
}

// demoInTmux runs the demo on the sandbox in a tmux pane cols wide and
// returns the screen once pcsync has exited (wrapped lines joined), its
// lines and the bar's: there is one bar line, and the summary follows it
// on a line of its own. It skips without tmux.
func demoInTmux(t *testing.T, cols int) (pane string, lines []string, bar int) {
	t.Helper()
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("no tmux")
	}
	bin := binary(t)
	dir := demoDir(t)
	sock := filepath.Join(dir, "tmux.sock") // a server of our own
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tm := func(args ...string) string {
		t.Helper()
		out, err := exec.CommandContext(ctx, tmux, append([]string{"-S", sock}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	// The pane signals "ran" when pcsync has exited, then keeps the
	// screen (cat waits on the terminal) until the server is killed.
	script := fmt.Sprintf("cd %q && %q run --sandbox --rate 50 demo.csv; echo exit=$?; %q -S %q wait-for -S ran; cat",
		dir, bin, tmux, sock)
	tm("new-session", "-d", "-x", fmt.Sprint(cols), "-y", "30", script)
	defer exec.Command(tmux, "-S", sock, "kill-server").Run()
	tm("wait-for", "ran")
	pane = tm("capture-pane", "-p", "-J")
	lines = strings.Split(pane, "\n")
	bar = -1
	for i, l := range lines {
		if strings.Contains(l, "%") {
			if bar >= 0 {
				t.Errorf("two bar lines:\n%s", pane)
			}
			bar = i
		}
	}
	if bar < 0 || bar+1 >= len(lines) {
		t.Fatalf("no bar:\n%s", pane)
	}
	if !strings.HasPrefix(lines[bar+1], "pcsync: 15 rows in ") {
		t.Errorf("the summary does not follow the bar on a line of its own:\n%s", pane)
	}
	return pane, lines, bar
}
