package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/pcsync/pcsync/internal/emulator"
	"github.com/pcsync/pcsync/internal/runner"
)

// TestDryRunShowsOneExampleRequestPerAction checks the example requests of
// mixed600's plan: one per action, for that action's first valid row, as
// the real client builds them, with the shop ID given and the secret (a
// real one, in the environment) nowhere.
func TestDryRunShowsOneExampleRequestPerAction(t *testing.T) {
	t.Parallel()
	em, env := shop(t, emulator.Faults{})
	in := writeFile(t, "mixed.csv", mixed600())
	r := pcsync(t, env, "", "run", "--dry-run", "--rate", "20", in)
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	url, id := env[envAPIURL], env[envShopID]
	want := []struct{ action, request string }{
		{"segments/add", "POST " + url + "/segments/add\n    Content-Type: application/json\n\n" +
			`    {"shop_id":"` + id + `","shop_secret":"REDACTED","email":"user5@example.com","segment_id":100500}`},
		{"segments/remove", "POST " + url + "/segments/remove\n    Content-Type: application/json\n\n" +
			`    {"shop_id":"` + id + `","shop_secret":"REDACTED","email":"user1@example.com","segment_id":42}`},
		{"segments/get", "GET " + url + "/segments/get?phone=%2B15550020002&shop_id=" + id + "&shop_secret=REDACTED"},
		{"subscriptions/manage", "POST " + url + "/subscriptions/manage\n    Content-Type: application/x-www-form-urlencoded\n\n" +
			"    email=user3%40example.com&email_bulk=true&shop_id=" + id + "&shop_secret=REDACTED&sms_chain=false"},
		{"subscriptions/callback", "POST " + url + "/subscriptions/callback\n    Content-Type: application/x-www-form-urlencoded\n\n" +
			"    email=user4%40example.com&event=complained&shop_id=" + id + "&shop_secret=REDACTED"},
	}
	_, examples, ok := strings.Cut(r.stdout, "example requests")
	if !ok {
		t.Fatalf("no example requests:\n%s", r.stdout)
	}
	last := -1
	for _, w := range want {
		at := strings.Index(examples, "  "+w.action+":\n    "+w.request+"\n")
		if at < 0 {
			t.Errorf("no example for %s like\n%s\nin\n%s", w.action, w.request, examples)
		} else if at < last {
			t.Errorf("example for %s out of order", w.action)
		}
		last = at
	}
	if n := strings.Count(examples, "shop_secret=REDACTED") + strings.Count(examples, `"shop_secret":"REDACTED"`); n != 5 {
		t.Errorf("%d redacted secrets in the examples, want 5", n)
	}
	if strings.Contains(r.stdout+r.stderr, testSecret) || strings.Contains(r.stdout+r.stderr, testSecret[:12]) {
		t.Errorf("the secret shows:\n%s%s", r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "at 20/s the 600 requests take at least 30s") {
		t.Errorf("no time estimate:\n%s", r.stdout)
	}
	if em.Stats().Requests != 0 {
		t.Errorf("a dry run sent %d requests", em.Stats().Requests)
	}
}

func TestDryRunExamplesNeedNoCredentials(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want []string
	}{
		{"nothing set", nil, nil, []string{
			"POST https://api.personaclick.com/segments/add",
			`{"shop_id":"YOUR_SHOP_ID","shop_secret":"REDACTED","email":"ada@example.com","segment_id":100500}`}},
		{"shop ID, secret in the environment", map[string]string{envShopID: "shop-1", envShopSecret: testSecret}, nil, []string{
			`{"shop_id":"shop-1","shop_secret":"REDACTED","email":"ada@example.com","segment_id":100500}`}},
		{"sandbox", nil, []string{"--sandbox"}, []string{
			"POST http://127.0.0.1/segments/add",
			`{"shop_id":"` + emulator.SandboxShopID + `","shop_secret":"REDACTED"`}},
	}
	in := writeFile(t, "errs.csv", readTestdata(t, "examples/with-errors.csv"))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := pcsync(t, tt.env, "", append(append([]string{"run", "--dry-run"}, tt.args...), in)...)
			if r.code != exitRowsFailed {
				t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("plan lacks %q:\n%s", w, r.stdout)
				}
			}
			// Only the actions the file has valid rows of get an example.
			if n := strings.Count(r.stdout, "    POST ") + strings.Count(r.stdout, "    GET "); n != 1 {
				t.Errorf("%d examples, want 1 (segments/add):\n%s", n, r.stdout)
			}
			if strings.Contains(r.stdout+r.stderr, testSecret) || strings.Contains(r.stdout, runner.PlaceholderSecret) {
				t.Errorf("a secret shows:\n%s%s", r.stdout, r.stderr)
			}
		})
	}
}

func TestDryRunRefusesAnAPIURLTheRunWouldRefuse(t *testing.T) {
	t.Parallel()
	in := writeFile(t, "errs.csv", readTestdata(t, "examples/with-errors.csv"))
	r := pcsync(t, nil, "", "run", "--dry-run", "--api-url", "http://api.example.com", in)
	if r.code != exitUsage || !strings.Contains(r.stderr, "plain http") {
		t.Errorf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

var plannedRows = regexp.MustCompile(`dry run: (\d+) rows \(shard (\d+/\d+)\), nothing sent`)

// TestDryRunOfAShardPlansItsRowsOnly checks that the shards' plans add up
// to the whole file's, and that each says it is a shard's.
func TestDryRunOfAShardPlansItsRowsOnly(t *testing.T) {
	t.Parallel()
	in := writeFile(t, "mixed.csv", mixed600())
	whole := pcsync(t, nil, "", "run", "--dry-run", in)
	total, callbacks := 0, 0
	for k := 1; k <= 3; k++ {
		spec := fmt.Sprintf("%d/3", k)
		r := pcsync(t, nil, "", "run", "--dry-run", "--shard", spec, "--rate", "30", in)
		if r.code != exitOK {
			t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		m := plannedRows.FindStringSubmatch(r.stdout)
		if m == nil || m[2] != spec {
			t.Fatalf("plan of shard %s does not say so:\n%s", spec, r.stdout)
		}
		n, _ := strconv.Atoi(m[1])
		total += n
		if !strings.Contains(r.stdout, fmt.Sprintf("shard %s: %d of the input's 600 rows", spec, n)) {
			t.Errorf("plan of shard %s does not give the input's count:\n%s", spec, r.stdout)
		}
		if !strings.Contains(r.stdout, "give each run --rate R/3") {
			t.Errorf("plan of shard %s does not mention dividing the rate:\n%s", spec, r.stdout)
		}
		var c int
		if _, err := fmt.Sscanf(r.stdout[strings.Index(r.stdout, "  subscriptions/callback"):], "  subscriptions/callback %d", &c); err != nil {
			t.Fatalf("no callback count: %v\n%s", err, r.stdout)
		}
		callbacks += c
	}
	if total != 600 || callbacks != 120 {
		t.Errorf("3 shards plan %d rows and %d callbacks, want 600 and 120\nwhole file:\n%s", total, callbacks, whole.stdout)
	}
}
