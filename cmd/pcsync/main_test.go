package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pcsync/pcsync/internal/emulator"
	"github.com/pcsync/pcsync/internal/sandboxtest"
)

const testSecret = "0123456789abcdef0123456789abcdef"

// testLockTimeout is how long an in-process run waits for another's lock
// on its state: a refusal need not take the real second.
const testLockTimeout = 50 * time.Millisecond

// result is what one in-process invocation of pcsync did.
type result struct {
	code           int
	stdout, stderr string
}

// pcsync runs the command in-process with the given environment.
func pcsync(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	a := &app{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb,
		getenv: func(k string) string { return env[k] }, stateLockTimeout: testLockTimeout}
	code := a.main(context.Background(), args)
	return result{code, out.String(), errb.String()}
}

// shop is an emulator on an HTTP server, and the environment that points
// pcsync at it.
func shop(t *testing.T, faults emulator.Faults) (*emulator.Emulator, map[string]string) {
	t.Helper()
	s := sandboxtest.New(t, faults, sandboxtest.WithSecret(testSecret))
	return s.Emulator, map[string]string{envAPIURL: s.URL, envShopID: s.Options.ShopID, envShopSecret: testSecret}
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return recs
}

// mixed600 is 600 rows cycling through all five actions, alternating
// email-only and phone-only contacts (callbacks take emails only).
func mixed600() string {
	var b strings.Builder
	b.WriteString("Email,Phone,Action,Segment_ID,Event,email_bulk,sms_chain,crm_id\n")
	events := []string{"complained", "blacklisted", "unsubscribed", "hard_bounced"}
	for i := 1; i <= 600; i++ {
		email, phone := fmt.Sprintf("user%d@example.com", i), ""
		if i%2 == 0 {
			email, phone = "", fmt.Sprintf("+1 (555) %03d-%04d", i%1000, i)
		}
		switch i % 5 {
		case 0:
			fmt.Fprintf(&b, "%s,%s,segments/add,100500,,,,c%d\n", email, phone, i)
		case 1:
			fmt.Fprintf(&b, "%s,%s,segments/remove,42,,,,c%d\n", email, phone, i)
		case 2:
			fmt.Fprintf(&b, "%s,%s,segments/get,,,,,c%d\n", email, phone, i)
		case 3:
			fmt.Fprintf(&b, "%s,%s,subscriptions/manage,,,true,no,c%d\n", email, phone, i)
		case 4:
			fmt.Fprintf(&b, "user%d@example.com,,subscriptions/callback,,%s,,,c%d\n", i, events[i%4], i)
		}
	}
	return b.String()
}

// checkOneResultPerRow asserts the results file holds rows 1..n once each,
// with the input's crm_id carried through, and returns the statuses.
func checkOneResultPerRow(t *testing.T, path string, n int) map[string]int {
	t.Helper()
	recs := readCSV(t, path)
	hdr := recs[0]
	col := func(name string) int {
		for i, h := range hdr {
			if h == name {
				return i
			}
		}
		t.Fatalf("results have no %q column: %q", name, hdr)
		return -1
	}
	rowCol, statusCol := col("row"), col("status")
	seen := make(map[int]bool, n)
	statuses := map[string]int{}
	for _, r := range recs[1:] {
		i, err := strconv.Atoi(r[rowCol])
		if err != nil || i < 1 || i > n || seen[i] {
			t.Fatalf("bad or repeated row %q", r[rowCol])
		}
		seen[i] = true
		statuses[r[statusCol]]++
	}
	if len(seen) != n {
		t.Fatalf("%d results for %d rows", len(seen), n)
	}
	return statuses
}

func TestRunMixed600AllOK(t *testing.T) {
	t.Parallel()
	em, env := shop(t, emulator.Faults{})
	in := writeFile(t, "mixed.csv", mixed600())
	r := pcsync(t, env, "", "run", "--rate", "0", "--workers", "8", "--quiet", in)
	if r.code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	results := strings.TrimSuffix(in, ".csv") + ".results.csv"
	if st := checkOneResultPerRow(t, results, 600); st["ok"] != 600 {
		t.Errorf("statuses %v", st)
	}
	if failed := readCSV(t, strings.TrimSuffix(in, ".csv")+".failed.csv"); len(failed) != 1 {
		t.Errorf("failed file has %d records", len(failed)-1)
	}
	if got := em.SegmentSize("100500"); got != 120 {
		t.Errorf("segment 100500 has %d members, want 120", got)
	}
	ct, ok := em.Contact("", "+15550080008") // row 8: phone-only manage
	if !ok || !ct.Subscriptions["email_bulk"] || ct.Subscriptions["sms_chain"] {
		t.Errorf("phone-only manage row not applied: %+v", ct)
	}
	if !em.HardBounced("user19@example.com") { // row 19: hard_bounced
		t.Error("hard_bounced not applied")
	}
	if !strings.Contains(r.stdout, "600 rows") || !strings.Contains(r.stdout, "subscriptions/callback") {
		t.Errorf("summary:\n%s", r.stdout)
	}
}

func TestRunSandboxNeedsNoCredentials(t *testing.T) {
	t.Parallel()
	in := writeFile(t, "mixed.csv", mixed600())
	out := filepath.Join(t.TempDir(), "res.csv")
	r := pcsync(t, nil, "", "run", "--sandbox", "--rate", "0", "--workers", "8", "--quiet", "--out", out, "--failed", out+".failed", in)
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if st := checkOneResultPerRow(t, out, 600); st["ok"] != 600 {
		t.Errorf("statuses %v", st)
	}
}

// TestRunSandboxLatency runs against a sandbox far away: every row still
// gets done, and the notice says how far.
func TestRunSandboxLatency(t *testing.T) {
	t.Parallel()
	in := writeFile(t, "emails.csv", "email,action\na@example.com,segments/get\nb@example.com,segments/get\nc@example.com,segments/get\n")
	out := filepath.Join(t.TempDir(), "res.csv")
	r := pcsync(t, map[string]string{"PCSYNC_LATENCY": "20ms"}, "", "run", "--sandbox", "--rate", "0", "--quiet", "--out", out, "--failed", out+".failed", in)
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "answering 20ms after each request") {
		t.Errorf("stderr %q does not say the sandbox is far away", r.stderr)
	}
	if st := checkOneResultPerRow(t, out, 3); st["ok"] != 3 {
		t.Errorf("statuses %v", st)
	}
}

func TestRunBareEmailListWithDefaults(t *testing.T) {
	t.Parallel()
	em, env := shop(t, emulator.Faults{})
	in := writeFile(t, "emails.csv", "email\na@example.com\nb@example.com\n\nc@example.com\n")
	env["PCSYNC_RATE"] = "0"
	r := pcsync(t, env, "", "run", "--action", "segments/add", "--segment-id", "42", "--quiet", in)
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if em.SegmentSize("42") != 3 {
		t.Errorf("segment 42 has %d members", em.SegmentSize("42"))
	}
}

func TestRunStdinToStdout(t *testing.T) {
	t.Parallel()
	_, env := shop(t, emulator.Faults{})
	dir := t.TempDir()
	r := pcsync(t, env, "email;action\na@example.com;segments/get\n", "run", "--rate", "0", "--quiet",
		"--out", "-", "--failed", filepath.Join(dir, "f.csv"), "-")
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	want := "row;email;action;status;http_status;attempts;error;segments\n1;a@example.com;segments/get;ok;200;1;;\n"
	if r.stdout != want {
		t.Errorf("stdout = %q, want %q", r.stdout, want)
	}
	if !strings.Contains(r.stderr, "pcsync: 1 row in ") {
		t.Errorf("summary not on stderr: %q", r.stderr)
	}
}

func TestRunSomeRowsFailExit1(t *testing.T) {
	t.Parallel()
	_, env := shop(t, emulator.Faults{})
	in := writeFile(t, "errs.csv", readTestdata(t, "examples/with-errors.csv"))
	r := pcsync(t, env, "", "run", "--rate", "0", "--quiet", in)
	if r.code != exitRowsFailed {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	st := checkOneResultPerRow(t, strings.TrimSuffix(in, ".csv")+".results.csv", 7)
	if st["ok"] != 1 || st["failed"] != 1 || st["invalid"] != 5 {
		t.Errorf("statuses %v", st)
	}
	failed := strings.TrimSuffix(in, ".csv") + ".failed.csv"
	if recs := readCSV(t, failed); len(recs) != 7 || recs[0][len(recs[0])-1] != "error" {
		t.Errorf("failed file: %q", recs)
	}
	// The failed file is valid input again: a dry run reads it and finds
	// the same invalid rows.
	d := pcsync(t, env, "", "run", "--dry-run", failed)
	if d.code != exitRowsFailed || !strings.Contains(d.stdout, "invalid                         5") {
		t.Errorf("dry run of the failed file: exit %d\n%s%s", d.code, d.stdout, d.stderr)
	}
}

func TestDryRunSendsNothingWritesNothing(t *testing.T) {
	t.Parallel()
	em, env := shop(t, emulator.Faults{})
	in := writeFile(t, "errs.csv", readTestdata(t, "examples/with-errors.csv"))
	r := pcsync(t, env, "", "run", "--dry-run", in)
	if r.code != exitRowsFailed {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"7 rows, nothing sent", "row 3 (line 4): email \"not-an-email\"", "row 6 (line 7): event \"exploded\""} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("plan lacks %q:\n%s", want, r.stdout)
		}
	}
	if em.Stats().Requests != 0 {
		t.Errorf("%d requests sent", em.Stats().Requests)
	}
	entries, _ := os.ReadDir(filepath.Dir(in))
	if len(entries) != 1 {
		t.Errorf("dry run wrote files: %v", entries)
	}
}

func TestRunRefusesWithExit2(t *testing.T) {
	t.Parallel()
	em, env := shop(t, emulator.Faults{})
	good := writeFile(t, "good.csv", "email,action\na@example.com,segments/get\n")
	secretFile := writeFile(t, "secret", "\n")
	noEnv := map[string]string{envShopID: "x"}
	broken := writeFile(t, "broken.csv", "email,action\na@example.com,segments/get\nb@example.com,segments/get\nc@example.com,segments/get\n\"d@example.com,segments/get\n")
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"no command", env, nil, "Usage"},
		{"unknown command", env, []string{"push"}, "unknown command"},
		{"no input", env, []string{"run"}, "one INPUT"},
		{"two inputs", env, []string{"run", good, good}, "one INPUT"},
		{"unknown flag", env, []string{"run", "--turbo", good}, "turbo"},
		{"bad rate", env, []string{"run", "--rate", "fast", good}, "not a rate"},
		{"bad workers", env, []string{"run", "--workers", "0", good}, "at least 1"},
		{"bad action flag", env, []string{"run", "--action", "segments/delete", good}, "unknown action"},
		{"bad env value", map[string]string{"PCSYNC_WORKERS": "many"}, []string{"run", good}, `PCSYNC_WORKERS="many": want a whole number of at least 1`},
		{"missing input", env, []string{"run", "/nonexistent/x.csv"}, "cannot read input"},
		{"no shop id", map[string]string{}, []string{"run", good}, "no shop ID"},
		{"no secret", noEnv, []string{"run", good}, "no shop secret"},
		{"empty secret file", noEnv, []string{"run", "--shop-secret-file", secretFile, good}, "is empty"},
		{"plain http to the network", map[string]string{envShopID: "x", envShopSecret: "y"}, []string{"run", "--api-url", "http://api.example.com", good}, "http"},
		{"no contact column", env, []string{"run", writeFile(t, "x.csv", "name,action\nBob,segments/get\n")}, "no email or phone column"},
		{"no action", env, []string{"run", writeFile(t, "x.csv", "email\na@b.co\n")}, "no action column"},
		{"header only", env, []string{"run", writeFile(t, "x.csv", "email,action\n")}, "no rows"},
		{"empty file", env, []string{"run", writeFile(t, "x.csv", "")}, "empty"},
		{"broken CSV", env, []string{"run", broken}, "line 5"},
		{"out is the input", env, []string{"run", "--out", good, good}, "is the input"},
		{"latency without the sandbox", env, []string{"run", "--latency", "100ms", good}, "--latency is the sandbox's"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := pcsync(t, tt.env, "", tt.args...)
			if r.code != exitUsage {
				t.Fatalf("exit %d, want 2\n%s%s", r.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stderr, tt.want) {
				t.Errorf("stderr %q lacks %q", r.stderr, tt.want)
			}
		})
	}
	if em.Stats().Requests != 0 {
		t.Errorf("%d requests sent by refused runs", em.Stats().Requests)
	}
}

func TestSecretNeverLeaks(t *testing.T) {
	t.Parallel()
	// The API is unreachable: a closed port. segments/get carries the secret
	// in its URL, and Go's *url.Error quotes URLs.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "secret")
	os.WriteFile(secretFile, []byte(testSecret+"\n"), 0o600)
	in := writeFile(t, "get.csv", "email,action\na@example.com,segments/get\n,segments/get\nb@example.com,segments/get\n")
	out, failed := filepath.Join(dir, "r.csv"), filepath.Join(dir, "f.csv")
	for _, env := range []map[string]string{
		{envShopID: "shop", envShopSecret: testSecret},
		{envShopID: "shop", "PCSYNC_SHOP_SECRET_FILE": secretFile},
	} {
		r := pcsync(t, env, "", "run", "--api-url", url, "--retries", "1", "--rate", "0", "--out", out, "--failed", failed, in)
		if r.code != exitRowsFailed {
			t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		res, _ := os.ReadFile(out)
		fail, _ := os.ReadFile(failed)
		for name, text := range map[string]string{"stdout": r.stdout, "stderr": r.stderr, "results": string(res), "failed": string(fail)} {
			if strings.Contains(text, testSecret) || strings.Contains(text, testSecret[:16]) {
				t.Errorf("%s contains the secret:\n%s", name, text)
			}
		}
		if !strings.Contains(string(res), "connection refused") {
			t.Errorf("results do not say why:\n%s", res)
		}
	}
}

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestRunStopsEarlyOnRefusedCredentials(t *testing.T) {
	t.Parallel()
	em, env := shop(t, emulator.Faults{})
	env[envShopSecret] = "not-the-secret"
	in := writeFile(t, "mixed.csv", mixed600())
	r := pcsync(t, env, "", "run", "--rate", "0", "--workers", "2", "--quiet", in)
	if r.code != exitUsage || !strings.Contains(r.stderr, "refused every request (403)") {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if n := em.Stats().Requests; n > 8 {
		t.Errorf("%d requests sent with refused credentials", n)
	}
	st := checkOneResultPerRow(t, strings.TrimSuffix(in, ".csv")+".results.csv", 600)
	if st["skipped"] < 590 {
		t.Errorf("statuses %v", st)
	}
}

func TestRunGivesUpOnDeadAPI(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ln.Close()
	in := writeFile(t, "mixed.csv", mixed600())
	env := map[string]string{envShopID: "shop", envShopSecret: testSecret, envAPIURL: url}
	r := pcsync(t, env, "", "run", "--rate", "0", "--retries", "1000", "--give-up-after", "100ms", "--quiet", in)
	if r.code != exitRowsFailed || !strings.Contains(r.stderr, "the API kept failing") || !strings.Contains(r.stderr, "connection refused") {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	st := checkOneResultPerRow(t, strings.TrimSuffix(in, ".csv")+".results.csv", 600)
	if st["skipped"]+st["failed"] != 600 || st["skipped"] < 500 {
		t.Errorf("statuses %v", st)
	}
	if recs := readCSV(t, strings.TrimSuffix(in, ".csv")+".failed.csv"); len(recs) != 601 {
		t.Errorf("failed file has %d rows, want all 600 for a re-run", len(recs)-1)
	}
}
