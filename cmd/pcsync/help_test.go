package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/pcsync/pcsync/internal/cmdutil"
	"github.com/pcsync/pcsync/internal/emulator"
)

// parseRun parses args as 'pcsync run' does, with env as the environment,
// and returns the options and arguments the run would get.
func parseRun(t *testing.T, env map[string]string, args ...string) (*runOptions, []string, error) {
	t.Helper()
	a := &app{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard,
		getenv: func(k string) string { return env[k] }}
	c, o := a.newRunCmd()
	var got []string
	c.RunE = func(_ *cobra.Command, args []string) error { got = args; return nil }
	c.SilenceErrors, c.SilenceUsage = true, true
	c.SetOut(io.Discard)
	c.SetErr(io.Discard)
	c.SetArgs(append([]string{}, args...))
	err := c.Execute()
	return o, got, err
}

// runFlags is the flag set of 'pcsync run'.
func runFlags() *pflag.FlagSet {
	c, _ := (&app{}).newRunCmd()
	return c.Flags()
}

// helpEntries splits the flags of a help text into their lines, by flag
// name ("--rate"): each line holds the flag as help shows it ("--rate R"),
// its text, its environment variable and its default.
func helpEntries(help string) map[string]string {
	entries := map[string]string{}
	for _, line := range strings.Split(help, "\n") {
		flagCol := strings.TrimPrefix(strings.TrimSpace(line), "-h, ")
		if !strings.HasPrefix(flagCol, "--") {
			continue
		}
		name, _, _ := strings.Cut(flagCol, " ")
		name, _, _ = strings.Cut(name, "[")
		entries[name] = flagCol
	}
	return entries
}

func TestHelpShowsEveryRunFlagWithItsEnvAndExamples(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"run", "--help"}, {"run", "-h"}, {"help", "run"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Parallel()
			r := pcsync(t, nil, "", args...)
			if r.code != exitOK || r.stderr != "" {
				t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
			}
			entries := helpEntries(r.stdout)
			n := 0
			runFlags().VisitAll(func(f *pflag.Flag) {
				n++
				key := cmdutil.Env(f)
				if !strings.HasPrefix(key, "PCSYNC_") && !strings.HasPrefix(key, "PERSONACLICK_") {
					t.Errorf("--%s: environment variable %q", f.Name, key)
				}
				if e := entries["--"+f.Name]; !strings.Contains(e, "(env "+key+")") {
					t.Errorf("help of --%s does not name %s: %q", f.Name, key, e)
				}
			})
			if n < 24 {
				t.Errorf("run has %d flags", n)
			}
			if e := entries["--rate"]; !strings.HasPrefix(e, "--rate R ") || !strings.Contains(e, "requests per second") || !strings.HasSuffix(e, "(env PCSYNC_RATE) (default 10/s)") {
				t.Errorf("--rate in help: %q", e)
			}
			for _, want := range []string{
				"Examples:",
				"pcsync run --sandbox testdata/demo.csv", // sandbox demo
				"export PERSONACLICK_SHOP_SECRET=",       // a real run with credentials from the environment
				"pcsync run --dry-run contacts.csv",      // dry run
				"pcsync run --resume contacts.csv",       // resume
				"--segment-id 100500 -\n",                // standard input
				"--log-format json --progress-every 30s", // cron
				"Exit status: 0 every row done (ok, duplicate or unchanged); 1 some rows not", // exit statuses
			} {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("help lacks %q", want)
				}
			}
		})
	}
}

// TestHelpOfRunAndOfPcsync: 'pcsync help run' names the input's columns
// and the credentials; 'pcsync help' lists the commands.
func TestHelpOfRunAndOfPcsync(t *testing.T) {
	t.Parallel()
	run := pcsync(t, nil, "", "help", "run")
	for _, want := range []string{"Usage: pcsync run [flags] INPUT.csv", "Columns (any case): email, phone, action", "Credentials: $PERSONACLICK_SHOP_ID"} {
		if !strings.Contains(run.stdout, want) {
			t.Errorf("'pcsync help run' lacks %q", want)
		}
	}
	if flag := pcsync(t, nil, "", "run", "--help"); flag.stdout != run.stdout {
		t.Errorf("'pcsync run --help' differs from 'pcsync help run':\n%s", flag.stdout)
	}
	all := pcsync(t, nil, "", "help")
	for _, want := range []string{"pcsync run [flags] INPUT.csv", "pcsync report [flags] RESULTS.csv", "pcsync sandbox", "pcsync completion SHELL", "bash, zsh,\n", "fish or powershell", "pcsync version", "'pcsync help sandbox'"} {
		if !strings.Contains(all.stdout, want) {
			t.Errorf("'pcsync help' lacks %q", want)
		}
	}
}

// TestHelpExamplesParse keeps the examples honest: every 'pcsync run'
// line of them parses with run's flags and names one input.
func TestHelpExamplesParse(t *testing.T) {
	t.Parallel()
	n := 0
	for _, line := range strings.Split(runExamples, "\n") {
		_, cmd, ok := strings.Cut(line, "pcsync run ")
		if !ok {
			continue
		}
		cmd, _, _ = strings.Cut(cmd, " 2>>")
		t.Run(cmd, func(t *testing.T) {
			if _, args, err := parseRun(t, nil, strings.Fields(cmd)...); err != nil || len(args) != 1 {
				t.Errorf("%v, args %q", err, args)
			}
		})
		n++
	}
	if n < 6 {
		t.Errorf("%d examples of pcsync run", n)
	}
}

func TestHelpOtherCases(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"sandbox", []string{"help", "sandbox"}, exitOK, "--fail-429 P ", ""},
		{"sandbox env", []string{"sandbox", "--help"}, exitOK, "(env PCSYNC_FAIL_429)", ""},
		{"report", []string{"help", "report"}, exitOK, "--summary-json PATH ", ""},
		{"unknown topic", []string{"help", "push"}, exitUsage, "", `no help on "push"`},
		{"bare pcsync points at help", nil, exitUsage, "", "Run 'pcsync help' for every flag"},
		{"unknown command suggests", []string{"rnu"}, exitUsage, "", "unknown command \"rnu\" for \"pcsync\"\n\nDid you mean this?\n\trun\n"},
		{"unknown flag", []string{"run", "--frobnicate", "5", "x.csv"}, exitUsage, "", "pcsync: unknown flag: --frobnicate (see --help)\n"},
		{"mistyped flag", []string{"run", "--rat", "5", "x.csv"}, exitUsage, "", "pcsync: unknown flag: --rat: did you mean --rate? (see --help)\n"},
		{"letters swapped", []string{"run", "--wokrers", "5", "x.csv"}, exitUsage, "", "did you mean --workers?"},
		{"no dash", []string{"run", "--dryrun", "x.csv"}, exitUsage, "", "did you mean --dry-run?"},
		{"a flag of another command", []string{"sandbox", "--seeds", "3"}, exitUsage, "", "did you mean --seed?"},
		{"a duration without unit", []string{"run", "--timeout", "5", "x.csv"}, exitUsage, "", "pcsync: --timeout \"5\": want a duration such as 30s, 1m30s or 5m (see --help)\n"},
		{"a number", []string{"sandbox", "--max-rps", "lots"}, exitUsage, "", "--max-rps \"lots\": want a number such as 2.5"},
		{"a whole number", []string{"sandbox", "--seed", "1.5"}, exitUsage, "", "--seed \"1.5\": want a whole number such as 5"},
		{"a type of our own says it", []string{"run", "--workers", "0", "x.csv"}, exitUsage, "", "--workers \"0\": want a whole number of at least 1"},
		{"single dash", []string{"run", "-rate", "5", "x.csv"}, exitUsage, "", "long flags take two dashes, --rate (see --help)\n"},
		{"single dash help", []string{"-help"}, exitUsage, "", "long flags take two dashes, --help"},
		{"version", []string{"version"}, exitOK, "pcsync dev\n", ""},
		{"--version", []string{"--version"}, exitOK, "pcsync dev\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := pcsync(t, nil, "", tt.args...)
			if r.code != tt.code || !strings.Contains(r.stdout, tt.stdout) || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
		})
	}
}

// TestREADMERunFlagsTable holds pcsync run to README's flag table, the
// contract scripts rely on: every row's flag, as written, with its
// environment variable and its default, and every flag in the table.
func TestREADMERunFlagsTable(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(readme), "### `pcsync run` flags")
	table, _, _ = strings.Cut(table, "\n### ")
	rows := regexp.MustCompile("(?m)^\\| `(--[a-z0-9-]+)( [^`]+)?` \\| `([A-Z_]+)` \\|([^|]*)\\|").FindAllStringSubmatch(table, -1)
	fs := runFlags()
	if !ok || len(rows) < 20 {
		t.Fatalf("README's run flags table has %d rows", len(rows))
	}
	inTable := map[string]bool{}
	help := helpEntries(pcsync(t, nil, "", "help", "run").stdout)
	defaults, _, err := parseRun(t, nil, "in.csv")
	if err != nil {
		t.Fatal(err)
	}
	// Values of each type, set by the environment, then by the command line.
	samples := map[string][2]string{
		"string": {"from-env", "from-command-line"}, "bool": {"true", "false"},
		"duration": {"42s", "3s"}, "D": {"42s", "3s"}, "R": {"300/m", "20"}, "N": {"7", "3"},
		"NAME": {"segments/get", "segments/add"}, "C": {";", "tab"}, "K/N": {"2/3", "1/2"},
		"S": {"25%", "0.5"}, "F": {"json", "text"}, "LIMIT": {"5", "2%"}, "SIZE": {"4MiB", "65536"}, "ID": {"100500", "42"}, "ENC": {"windows-1252", "utf-16le"}, "CC": {"GB", "de"},
		"MAP": {"Kontakt=email", "Gruppe=segment_id"}, "KEY": {"written", "sent"},
	}
	literal := regexp.MustCompile("^`([^`]+)`$")
	for _, row := range rows {
		flag, arg, key, def := row[1], row[2], row[3], strings.TrimSpace(row[4])
		inTable[flag] = true
		t.Run(flag, func(t *testing.T) {
			f := fs.Lookup(flag[2:])
			if f == nil {
				t.Fatalf("run has no %s", flag)
			}
			if cmdutil.Env(f) != key || !strings.Contains(help[flag], "(env "+key+")") {
				t.Errorf("env %q, help %q: want %s", cmdutil.Env(f), help[flag], key)
			}
			if shown, _, _ := strings.Cut(help[flag], "  "); shown != flag+arg && shown != flag+"[=true|false]" {
				t.Errorf("help shows %q, README %q", shown, flag+arg)
			}
			parse := func(env map[string]string, args ...string) *runOptions {
				o, _, err := parseRun(t, env, append(args, "in.csv")...)
				if err != nil {
					t.Fatalf("env %v, args %q: %v", env, args, err)
				}
				return o
			}
			v, ok := samples[f.Value.Type()]
			if !ok {
				t.Fatalf("no sample values of type %q", f.Value.Type())
			}
			fromEnv, fromCmd := parse(map[string]string{key: v[0]}), parse(nil, flag+"="+v[0])
			if !reflect.DeepEqual(fromEnv, fromCmd) || reflect.DeepEqual(fromEnv, defaults) {
				t.Errorf("%s=%s gives %+v\n%s=%s gives %+v", key, v[0], *fromEnv, flag, v[0], *fromCmd)
			}
			if both := parse(map[string]string{key: v[0]}, flag+"="+v[1]); !reflect.DeepEqual(both, parse(nil, flag+"="+v[1])) || reflect.DeepEqual(both, fromEnv) {
				t.Errorf("%s=%s beats %s=%s: %+v", key, v[0], flag, v[1], *both)
			}
			if empty := parse(map[string]string{key: ""}); !reflect.DeepEqual(empty, defaults) {
				t.Errorf("empty %s: %+v", key, *empty)
			}
			if m := literal.FindStringSubmatch(def); m != nil {
				if given := parse(nil, flag+"="+m[1]); !reflect.DeepEqual(given, defaults) {
					t.Errorf("default %s: the flag's is %q", m[1], f.DefValue)
				}
			} else if def == "" && f.DefValue != "" && f.DefValue != "false" {
				t.Errorf("README gives no default, the flag has %q", f.DefValue)
			}
		})
	}
	fs.VisitAll(func(f *pflag.Flag) {
		if !inTable["--"+f.Name] {
			t.Errorf("README's table lacks --%s", f.Name)
		}
	})
}

func TestEnvBadValueIsAUsageError(t *testing.T) {
	t.Parallel()
	for key, v := range map[string]string{"PCSYNC_RATE": "x", "PCSYNC_DRY_RUN": "maybe", "PCSYNC_SHARD": "5/4", "PERSONACLICK_API_URL": ""} {
		r := pcsync(t, map[string]string{key: v}, "", "run", "nonexistent.csv")
		if v == "" { // empty: ignored, so the run goes as far as the input
			if r.code != exitUsage || !strings.Contains(r.stderr, "cannot read input") {
				t.Errorf("%s empty: exit %d, %s", key, r.code, r.stderr)
			}
			continue
		}
		if want := "pcsync: " + key + "=\"" + v + "\": "; r.code != exitUsage || !strings.HasPrefix(r.stderr, want) {
			t.Errorf("%s=%q: exit %d, stderr %q, want %q...", key, v, r.code, r.stderr, want)
		}
	}
}

func TestEnvBadValueSaysWhatIsWanted(t *testing.T) {
	t.Parallel()
	for key, want := range map[string]string{
		"PCSYNC_TIMEOUT":       `pcsync: PCSYNC_TIMEOUT="5": want a duration such as 30s, 1m30s or 5m`,
		"PCSYNC_GIVE_UP_AFTER": `pcsync: PCSYNC_GIVE_UP_AFTER="5": want a duration such as 30s`,
		"PCSYNC_MAX_FAILED":    `pcsync: PCSYNC_MAX_FAILED="5": `,
	} {
		v := "5"
		if key == "PCSYNC_MAX_FAILED" {
			v, want = "five", `pcsync: PCSYNC_MAX_FAILED="five": want a number of rows such as 25`
		}
		r := pcsync(t, map[string]string{key: v}, "", "run", "nonexistent.csv")
		if r.code != exitUsage || !strings.HasPrefix(r.stderr, want) {
			t.Errorf("%s=%s: exit %d, stderr %q, want %q...", key, v, r.code, r.stderr, want)
		}
	}
}

// TestPlurals: one row is "1 row", in every line that counts rows.
func TestPlurals(t *testing.T) {
	t.Parallel()
	_, env := shop(t, emulator.Faults{})
	one := writeFile(t, "one.csv", "email,action,event\nbounced@example.com,subscriptions/callback,hard_bounced\n")
	run := pcsync(t, env, "", "run", "--rate", "0", "--quiet", one)
	dry := pcsync(t, env, "", "run", "--dry-run", one)
	report := pcsync(t, nil, "", "report", strings.TrimSuffix(one, ".csv")+".results.csv")
	for _, r := range []result{run, dry, report} {
		if r.code != exitOK {
			t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
	}
	for _, want := range []string{"pcsync: 1 row in ", ", 1 request\n", "(0 rows)\n"} {
		if !strings.Contains(run.stdout, want) {
			t.Errorf("run: no %q in\n%s", want, run.stdout)
		}
	}
	for _, want := range []string{"pcsync: dry run: 1 row, nothing sent", "warning: 1 hard_bounced event: each", "at 10/s the 1 request takes at least 100ms"} {
		if !strings.Contains(dry.stdout, want) {
			t.Errorf("dry run: no %q in\n%s", want, dry.stdout)
		}
	}
	if !strings.Contains(report.stdout, "pcsync: 1 row, 1 request\n") {
		t.Errorf("report:\n%s", report.stdout)
	}
	for _, r := range []result{run, dry, report} {
		if m := regexp.MustCompile(`(?:^|[^0-9.])1 (rows|requests|hard_bounced events)\b`).FindString(r.stdout + r.stderr); m != "" {
			t.Errorf("%q in\n%s", m, r.stdout)
		}
	}
}

func TestCompletionScripts(t *testing.T) {
	t.Parallel()
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		r := pcsync(t, nil, "", "completion", shell)
		if r.code != exitOK || r.stderr != "" || len(r.stdout) < 1000 || !strings.Contains(r.stdout, "pcsync") || !strings.Contains(r.stdout, "__complete") {
			t.Errorf("completion %s: exit %d, stderr %q, %d bytes", shell, r.code, r.stderr, len(r.stdout))
		}
	}
	for _, args := range [][]string{{"completion"}, {"completion", "ksh"}} {
		if r := pcsync(t, nil, "", args...); r.code != exitUsage || r.stdout != "" {
			t.Errorf("%q: exit %d\n%s", args, r.code, r.stdout)
		}
	}
}

// TestCompleteFlagValues asks cobra's hidden __complete command, which
// every shell's script calls, what a word completes to.
func TestCompleteFlagValues(t *testing.T) {
	t.Parallel()
	const files, noFiles = ":0", ":4" // cobra's directives: default (file names), no file names
	tests := []struct {
		args []string
		want []string // the completions, then the directive
	}{
		{[]string{"run", "--action", ""}, []string{"segments/add", "segments/remove", "segments/get", "subscriptions/manage", "subscriptions/callback", noFiles}},
		{[]string{"run", "--log-format", ""}, []string{"text", "json", noFiles}},
		{[]string{"run", "--rate", ""}, []string{noFiles}},
		{[]string{"run", "--out", ""}, []string{files}},
		{[]string{"run", "--state", ""}, []string{files}},
		{[]string{"run", "--shop-secret-file", ""}, []string{files}},
		{[]string{"run", "--quiet", ""}, []string{files}}, // INPUT
		{[]string{"sandbox", ""}, []string{noFiles}},
		{[]string{"report", "--summary-json", ""}, []string{files}},
		{[]string{"help", ""}, []string{"run", "report", "sandbox", noFiles}},
		{[]string{"completion", ""}, []string{"bash", "fish", "powershell", "zsh", noFiles}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			r := pcsync(t, nil, "", append([]string{"__complete"}, tt.args...)...)
			var got []string
			for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
				word, _, _ := strings.Cut(line, "\t") // a description may follow
				got = append(got, word)
			}
			if r.code != exitOK || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("exit %d, completes to %q, want %q", r.code, got, tt.want)
			}
		})
	}
}

// TestCompletionBashSourced loads the script as users do, source <(pcsync
// completion bash), and completes command lines with the built binary.
func TestCompletionBashSourced(t *testing.T) {
	t.Parallel()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	bin := binary(t)
	// Without the bash-completion package, a stand-in for its word splitter.
	prog := `source <(pcsync completion bash) || exit 1
type -t _get_comp_words_by_ref >/dev/null || _get_comp_words_by_ref() { cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}; words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD; }
compopt() { :; }
COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
__start_pcsync
echo "${COMPREPLY[*]}"
`
	tests := []struct {
		words []string // the command line, completed at its last word
		want  string   // COMPREPLY, space-separated
	}{
		{[]string{"pcsync", ""}, "completion help report run sandbox version"},
		{[]string{"pcsync", "ru"}, "run"},
		{[]string{"pcsync", "help", "s"}, "sandbox"},
		{[]string{"pcsync", "run", "--ac"}, "--action"},
		{[]string{"pcsync", "run", "--dry"}, "--dry-run"},
		{[]string{"pcsync", "run", "--action", "subscriptions/"}, "subscriptions/manage subscriptions/callback"},
		{[]string{"pcsync", "run", "--log-format", "j"}, "json"},
		{[]string{"pcsync", "run", "--rate", ""}, ""},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.words, " "), func(t *testing.T) {
			cmd := exec.Command(bash, append([]string{"--norc", "--noprofile", "-c", prog, "bash"}, tt.words...)...)
			cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(bin)+string(os.PathListSeparator)+os.Getenv("PATH"))
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if got := strings.TrimSpace(string(out)); got != tt.want {
				t.Errorf("completes to %q, want %q", got, tt.want)
			}
		})
	}
}
