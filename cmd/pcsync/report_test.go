package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/pcsync/pcsync/internal/cmdutil"
	"github.com/pcsync/pcsync/internal/emulator"
)

const resultsHeader = "row,email,action,status,http_status,attempts,error,segments\n"

func TestReportExitCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		content string // a results file; "" for none at all
		code    int
		want    string // in stdout or stderr
	}{
		{"every row done", resultsHeader +
			"1,a@b.co,segments/get,ok,200,1,,100500:static\n" +
			"2,a@b.co,segments/get,duplicate,,0,not sent: same as row 1,\n", exitOK, "  segments/get                    1        0        0        0         1"},
		{"a row failed", resultsHeader +
			"1,a@b.co,segments/add,ok,200,1,,\n" +
			"2,c@d.co,segments/add,failed,503,6,service temporarily unavailable,\n", exitRowsFailed, "pcsync: 2 rows, 7 requests\n"},
		{"header only", resultsHeader, exitOK, "pcsync: 0 rows, 0 requests"},
		{"semicolons", strings.ReplaceAll(resultsHeader, ",", ";") + "1;a@b.co;segments/add;ok;200;2;;\n", exitOK, "pcsync: 1 row, 2 requests"},
		{"a byte order mark", "\uFEFF" + resultsHeader + "1,a@b.co,segments/add,ok,200,1,,\n", exitOK, "  segments/add                    1"},
		{"last record cut short", resultsHeader + "1,a@b.co,segments/add,ok,200,1,,\n2,c@d.co,segm", exitRowsFailed, "cut short"},
		{"an input file", "email,action\na@b.co,segments/get\n", exitUsage, `no "row" column`},
		{"no status column", "row,email,action,attempts,error\n1,a@b.co,segments/get,1,\n", exitUsage, `no "status" column`},
		{"unknown status", resultsHeader + "1,a@b.co,segments/add,fine,200,1,,\n", exitUsage, `line 2: column status: "fine"`},
		{"bad attempts", resultsHeader + "1,a@b.co,segments/add,ok,200,x,,\n", exitUsage, `line 2: column attempts: "x"`},
		{"broken record mid-file", resultsHeader + "1,a@b.co\n2,c@d.co,segments/add,ok,200,1,,\n", exitUsage, "line 2"},
		{"no such file", "", exitUsage, "cannot read results"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "missing.csv")
			if tt.content != "" {
				path = writeFile(t, "r.csv", tt.content)
			}
			r := pcsync(t, nil, "", "report", path)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d\n%s%s", r.code, tt.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout+r.stderr, tt.want) {
				t.Errorf("output lacks %q:\n%s%s", tt.want, r.stdout, r.stderr)
			}
		})
	}
}

func TestReportGroupsErrorsByMessage(t *testing.T) {
	t.Parallel()
	path := writeFile(t, "r.csv", resultsHeader+
		`1,x@,segments/add,invalid,,0,"email ""x@"": not an email address (nothing after @)",`+"\n"+
		`2,y@,segments/add,invalid,,0,"email ""y@"": not an email address (nothing after @)",`+"\n"+
		`3,z@,segments/add,invalid,,0,"email ""z@"": not an email address (nothing after @)",`+"\n"+
		"4,a@b.co,frob,invalid,,0,\"action \"\"frob\"\": unknown action\",\n"+
		"5,c@d.co,segments/add,failed,403,1,segment 7 is dynamic,\n")
	out := filepath.Join(filepath.Dir(path), "s.json")
	r := pcsync(t, nil, "", "report", "--summary-json", out, path)
	if r.code != exitRowsFailed {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"  3  email \"…\": not an email address (nothing after @)\n",
		"  1  action \"…\": unknown action\n",
		"  (no valid action)               0        0        1",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("report lacks %q:\n%s", want, r.stdout)
		}
	}
	b, _ := os.ReadFile(out)
	var s struct {
		TopErrors []struct {
			Message string
			Count   int
		} `json:"top_errors"`
		ExitCode int `json:"exit_code"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	if len(s.TopErrors) != 3 || s.TopErrors[0].Count != 3 || s.ExitCode != exitRowsFailed {
		t.Errorf("summary JSON %s", b)
	}
}

func TestReportOfAResumedRun(t *testing.T) {
	t.Parallel()
	in := writeFile(t, "mixed.csv", mixed600())
	dir := filepath.Dir(in)
	results := filepath.Join(dir, "mixed.results.csv")
	_, flaky := shop(t, emulator.Faults{Rate5xx: 0.3})
	first := pcsync(t, flaky, "", "run", "--rate", "0", "--workers", "8", "--retries", "0", "--quiet", in)
	if first.code != exitRowsFailed {
		t.Fatalf("first run: exit %d\n%s%s", first.code, first.stdout, first.stderr)
	}
	_, env := shop(t, emulator.Faults{})
	runJSON := filepath.Join(dir, "run.json")
	r := pcsync(t, env, "", "run", "--resume", "--rate", "0", "--workers", "8", "--quiet", "--summary-json", runJSON, in)
	if r.code != exitOK {
		t.Fatalf("resume: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	run := readJSON(t, runJSON)
	if run["total"].(float64)+run["already_done"].(float64) != 600 {
		t.Errorf("resumed run: total %v + already_done %v != 600", run["total"], run["already_done"])
	}
	rep := pcsync(t, nil, "", "report", results)
	if rep.code != exitOK || !strings.Contains(rep.stdout, "  total                         600        0        0        0         0") {
		t.Errorf("report of the resumed results: exit %d\n%s%s", rep.code, rep.stdout, rep.stderr)
	}
}

func TestReportOfSemicolonRun(t *testing.T) {
	t.Parallel()
	_, env := shop(t, emulator.Faults{})
	in := writeFile(t, "semi.csv", strings.ReplaceAll(mixed600(), ",", ";"))
	r := pcsync(t, env, "", "run", "--rate", "0", "--workers", "8", "--quiet", in)
	if r.code != exitOK {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	rep := pcsync(t, nil, "", "report", strings.TrimSuffix(in, ".csv")+".results.csv")
	if rep.code != exitOK || strings.Join(countLines(rep.stdout), "\n") != strings.Join(countLines(r.stdout), "\n") {
		t.Errorf("report: exit %d\n%s\nrun:\n%s", rep.code, rep.stdout, r.stdout)
	}
}

func TestReportUsage(t *testing.T) {
	t.Parallel()
	good := writeFile(t, "r.csv", resultsHeader+"1,a@b.co,segments/add,ok,200,1,,\n")
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no file", []string{"report"}, exitUsage, "one RESULTS file"},
		{"two files", []string{"report", good, good}, exitUsage, "one RESULTS file"},
		{"standard input", []string{"report", "-"}, exitUsage, "not standard input"},
		{"json over the results", []string{"report", "--summary-json", good, good}, exitUsage, "results file itself"},
		{"listed in the usage", []string{"help"}, exitOK, "pcsync report"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := pcsync(t, nil, "", tt.args...)
			if r.code != tt.code || !strings.Contains(r.stdout+r.stderr, tt.want) {
				t.Errorf("exit %d, want %d with %q\n%s%s", r.code, tt.code, tt.want, r.stdout, r.stderr)
			}
		})
	}
}

func TestReportHelpNamesEveryFlagsEnvironmentVariable(t *testing.T) {
	t.Parallel()
	r := pcsync(t, nil, "", "report", "--help")
	if r.code != exitOK {
		t.Fatalf("exit %d", r.code)
	}
	(&app{}).newReportCmd().Flags().VisitAll(func(f *pflag.Flag) {
		if cmdutil.Env(f) != cmdutil.EnvName(envPrefix, f.Name) || !strings.Contains(r.stdout, "(env "+cmdutil.Env(f)+")") {
			t.Errorf("--%s: help does not name its environment variable", f.Name)
		}
	})
}
