package main

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/pcsync/pcsync/internal/summary"
)

// TestBarFitsTheWidth draws the bar of an interrupted run (the longest
// description) at every width from 200 columns down to 1: no drawing is
// wider than the terminal less its last column, and what is shown is what
// fits, most useful first.
func TestBarFitsTheWidth(t *testing.T) {
	t.Parallel()
	f := summary.Progress{Done: 1200, Total: 5000, OK: 1150, Failed: 30, Invalid: 20, Skipped: 3800, Elapsed: 5 * time.Second}
	for cols := 200; cols >= 1; cols-- {
		line := fitBar(f, 5000, cols-1)
		if n := utf8.RuneCountInString(line); n > cols-1 {
			t.Errorf("%d columns: %d wide: %q", cols, n, line)
		}
		var want []string
		switch cols {
		case 120: // everything
			want = []string{"ok 1150, failed 30, invalid 20, skipped 3800  24% |█", " | (1200/5000, 240 rows/s) [5s:16s]"}
		case 90: // the bar before the times
			want = []string{" 24% |██", "| (1200/5000, 240 rows/s)"}
		case 80: // no room for a bar
			want = []string{"ok 1150, failed 30, invalid 20, skipped 3800  24% (1200/5000, 240 rows/s)"}
		case 64, 50:
			want = []string{"ok 1150, failed 30, invalid 20, skipped 3800  24%"}
		}
		if cols < 86 && strings.Contains(line, "|") || cols < 60 && strings.Contains(line, "(") {
			t.Errorf("%d columns: %q", cols, line)
		}
		for _, w := range want {
			if !strings.Contains(line, w) {
				t.Errorf("%d columns: %q lacks %q", cols, line, w)
			}
		}
	}
}

// TestBarFollowsTheWidth: the width is read at every drawing; a narrower
// terminal gets a narrower line, and the blanking of a longer earlier
// drawing never goes past the new width.
func TestBarFollowsTheWidth(t *testing.T) {
	t.Parallel()
	var w bytes.Buffer
	widths := []int{120, 120, 50, 200}
	n := 0
	show := newBar(&w, 40, func() int { n++; return widths[min(n, len(widths))-1] })
	for i, done := range []int64{10, 20, 40} {
		show(summary.Progress{Done: done, Total: 40, OK: done, Elapsed: time.Duration(i+1) * time.Second}, i == 2)
	}
	draws := strings.Split(strings.TrimSuffix(w.String(), "\n"), "\r")[1:]
	if len(draws) != 4 {
		t.Fatalf("%d drawings: %q", len(draws), w.String())
	}
	for i, d := range draws {
		if n := utf8.RuneCountInString(d); n > widths[i]-1 {
			t.Errorf("drawing %d: %d wide on %d columns: %q", i+1, n, widths[i], d)
		}
	}
	if !strings.Contains(draws[3], "100% |") || utf8.RuneCountInString(strings.TrimRight(draws[3], " ")) != 199 {
		t.Errorf("at 200 columns the bar fills the line: %q", draws[3])
	}
}

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
