package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pcsync/pcsync/internal/emulator"
)

// readmeSection returns README's text from the heading to the next one
// of its level or above.
func readmeSection(t *testing.T, heading string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(b), "\n"+heading+"\n")
	if !ok {
		t.Fatalf("README has no %q", heading)
	}
	level := strings.Repeat("#", strings.Count(strings.Fields(heading)[0], "#"))
	for _, stop := range []string{"\n" + level + " ", "\n## "} {
		sec, _, _ = strings.Cut(sec, stop)
	}
	return sec
}

// nightExport is the CRM's export on night n: 20 contacts on night 1; on
// night 2 a new contact first (every row moves down one), contact 5 moved
// to segment 42, and two more contacts at the end.
func nightExport(n int) string {
	var b strings.Builder
	b.WriteString("email,action,segment_id\n")
	if n == 2 {
		b.WriteString("new0@example.com,segments/add,100500\n")
	}
	for i := 1; i <= 20; i++ {
		seg := "100500"
		if n == 2 && i == 5 {
			seg = "42"
		}
		fmt.Fprintf(&b, "user%d@example.com,segments/add,%s\n", i, seg)
	}
	if n == 2 {
		b.WriteString("new21@example.com,segments/add,100500\nnew22@example.com,segments/add,100500\n")
	}
	return b.String()
}

// TestREADMERecipesWorkEveryNight runs the commands of README's cron and
// Kubernetes CronJob recipes, as written there, over three nights: the
// first export, a changed one, and the changed one again (a retry). Each
// night exits 0 and sends only what changed.
func TestREADMERecipesWorkEveryNight(t *testing.T) {
	t.Parallel()
	cron := readmeSection(t, "### cron")
	line := regexp.MustCompile(`(?m)^pcsync run [^\n]*"\$in"$`).FindString(cron)
	envFile := regexp.MustCompile(`(?m)^([A-Z_]+)=(\S*)`).FindAllStringSubmatch(cron, -1)
	kube := readmeSection(t, "### Kubernetes CronJob")
	argsLine := regexp.MustCompile(`(?m)^\s+args: (\[.*\])$`).FindStringSubmatch(kube)
	if line == "" || len(envFile) < 3 || argsLine == nil {
		t.Fatalf("README's recipes: cron command %q, env %q, CronJob args %q", line, envFile, argsLine)
	}
	var kubeArgs []string
	if err := json.Unmarshal([]byte(argsLine[1]), &kubeArgs); err != nil {
		t.Fatal(err)
	}
	recipes := []struct {
		name string
		args func(dir, in string) []string
		env  func(dir string) map[string]string
	}{
		{"cron", func(dir, in string) []string {
			cmd := strings.ReplaceAll(line, "/var/lib/pcsync/", dir+"/")
			return strings.Fields(strings.ReplaceAll(strings.TrimPrefix(cmd, "pcsync "), `"$in"`, in))
		}, func(dir string) map[string]string {
			env := map[string]string{}
			for _, kv := range envFile {
				env[kv[1]] = strings.ReplaceAll(strings.ReplaceAll(kv[2], "/var/lib/node_exporter/textfile/", dir+"/"), "/etc/pcsync/", dir+"/")
			}
			return env
		}},
		{"Kubernetes CronJob", func(dir, in string) []string {
			args := make([]string, len(kubeArgs))
			for i, a := range kubeArgs {
				args[i] = strings.ReplaceAll(a, "/data/", dir+"/")
			}
			return args
		}, func(string) map[string]string { return map[string]string{} }},
	}
	for _, rc := range recipes {
		t.Run(rc.name, func(t *testing.T) {
			t.Parallel()
			em, shopEnv := shop(t, emulator.Faults{})
			dir := t.TempDir()
			in := filepath.Join(dir, "contacts.csv")
			env := rc.env(dir)
			if f := env["PCSYNC_SHOP_SECRET_FILE"]; f != "" {
				os.WriteFile(f, []byte(shopEnv[envShopSecret]+"\n"), 0o600)
			} else {
				env[envShopSecret] = shopEnv[envShopSecret]
			}
			env[envShopID], env[envAPIURL], env["PCSYNC_RATE"] = shopEnv[envShopID], shopEnv[envAPIURL], "0"
			sent := int64(0)
			for i, night := range []struct {
				export   int
				requests int64
				ok, same int
			}{{1, 20, 20, 0}, {2, 4, 4, 19}, {2, 0, 0, 23}} {
				os.WriteFile(in, []byte(nightExport(night.export)), 0o644)
				args := rc.args(dir, in)
				r := pcsync(t, env, "", args...)
				if r.code != exitOK {
					t.Fatalf("night %d: pcsync %s: exit %d\n%s%s", i+1, strings.Join(args, " "), r.code, r.stdout, r.stderr)
				}
				n := em.Stats().Requests - sent
				sent += n
				st := checkOneResultPerRow(t, filepath.Join(dir, "contacts.results.csv"), strings.Count(nightExport(night.export), "\n")-1)
				if n != night.requests || st["ok"] != night.ok || st["unchanged"] != night.same {
					t.Errorf("night %d: %d requests, statuses %v; want %d requests, %d ok, %d unchanged", i+1, n, st, night.requests, night.ok, night.same)
				}
			}
		})
	}
}
