package main

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// TestBinaryBarFitsNarrowTmux runs the binary, interrupted, in a real
// terminal of 64 columns: the bar stays on one line.
func TestBinaryBarFitsNarrowTmux(t *testing.T) {
	t.Parallel()
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("no tmux")
	}
	bin := binary(t)
	dir := demoDir(t)
	sock := filepath.Join(dir, "tmux.sock")
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
	script := fmt.Sprintf("cd %q && %q run --sandbox --rate 50 demo.csv; echo exit=$?; %q -S %q wait-for -S ran; cat",
		dir, bin, tmux, sock)
	tm("new-session", "-d", "-x", "64", "-y", "30", script)
	defer exec.Command(tmux, "-S", sock, "kill-server").Run()
	tm("wait-for", "ran")
	pane := tm("capture-pane", "-p", "-J")
	lines := strings.Split(pane, "\n")
	bar := -1
	for i, l := range lines {
		if strings.Contains(l, "%") {
			if bar >= 0 {
				t.Errorf("two bar lines:\n%s", pane)
			}
			bar = i
		}
	}
	if bar < 0 || bar+1 >= len(lines) || !strings.Contains(lines[bar], "ok 15, failed 0, invalid 0 100%") || utf8.RuneCountInString(lines[bar]) > 63 {
		t.Fatalf("bar line %d:\n%s", bar, pane)
	}
	if !strings.HasPrefix(lines[bar+1], "pcsync: 15 rows in ") {
		t.Errorf("the summary does not follow the bar on a line of its own:\n%s", pane)
	}
}
