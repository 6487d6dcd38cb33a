package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestBinarySandboxLog serves the sandbox with --log and faults, runs
// pcsync against it, and reads the log: one line per request the run
// counted, faults named, the secret nowhere.
func TestBinarySandboxLog(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	sb, env, sc := startSandbox(t, bin, "--log", "--fail-5xx", "20%", "--drop-before", "10%", "--seed", "7")
	secret := ""
	for _, v := range env {
		if s, ok := strings.CutPrefix(v, envShopSecret+"="); ok {
			secret = s
		}
	}
	logged := make(chan []string, 1)
	go func() {
		var lines []string
		for sc.Scan() {
			lines = append(lines, sc.Text())
		}
		logged <- lines
	}()

	in := filepath.Join(t.TempDir(), "demo.csv")
	demo, err := os.ReadFile(filepath.Join("..", "..", "testdata", "demo.csv"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(in, demo, 0o644)
	run := exec.Command(bin, "run", "--rate", "0", "--quiet", "--give-up-after", "0", "--retries", "8", in)
	run.Env = append(env, "PCSYNC_SUMMARY_JSON="+filepath.Join(filepath.Dir(in), "s.json"))
	out, err := run.CombinedOutput()
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	requests := regexp.MustCompile(`, (\d+) requests\n`).FindStringSubmatch(string(out))
	if requests == nil {
		t.Fatalf("no request count in:\n%s", out)
	}

	sb.Process.Signal(syscall.SIGINT)
	if err := sb.Wait(); err != nil {
		t.Errorf("sandbox exit: %v", err)
	}
	lines := <-logged
	re := regexp.MustCompile(`^\d\d:\d\d:\d\d\.\d{3} (GET|POST) /(segments|subscriptions)/[a-z]+ (\d{3}|- \(no answer\))( fault=(fail-5xx|drop-before))?$`)
	seen := map[string]int{}
	for _, l := range lines {
		m := re.FindStringSubmatch(l)
		if m == nil {
			t.Errorf("log line %q", l)
			continue
		}
		seen[m[3]+m[4]]++
		if secret == "" || strings.Contains(l, secret) {
			t.Errorf("the secret (%q) in %q", secret, l)
		}
	}
	if got := len(lines); requests[1] != strconv.Itoa(got) {
		t.Errorf("%d lines logged for %s requests:\n%s", got, requests[1], strings.Join(lines, "\n"))
	}
	if seen["200"] == 0 || seen["503 fault=fail-5xx"] == 0 || seen["- (no answer) fault=drop-before"] == 0 {
		t.Errorf("log lines by status and fault: %v", seen)
	}
}
