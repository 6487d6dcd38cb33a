package main

import (
	"flag"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

func TestHelpShowsEveryRunFlagWithItsEnvAndExamples(t *testing.T) {
	fs, _, env := newRunFlags()
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}, {"run", "--help"}, {"help", "run"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			r := pcsync(t, nil, "", args...)
			if r.code != exitOK || r.stderr != "" {
				t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
			}
			fs.VisitAll(func(f *flag.Flag) {
				key := env[f.Name]
				if !strings.Contains(key, "PCSYNC_") && !strings.Contains(key, "PERSONACLICK_") {
					t.Errorf("--%s: environment variable %q", f.Name, key)
				}
				if !strings.Contains(r.stdout, "  -"+f.Name+" ") && !strings.Contains(r.stdout, "  -"+f.Name+"\n") {
					t.Errorf("help lacks --%s", f.Name)
				}
				if !strings.Contains(r.stdout, "(env "+key+")") {
					t.Errorf("help lacks (env %s) for --%s", key, f.Name)
				}
			})
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

// TestHelpExamplesParse keeps the examples honest: every 'pcsync run'
// line of them parses with run's flags and names one input.
func TestHelpExamplesParse(t *testing.T) {
	n := 0
	for _, line := range strings.Split(runExamples, "\n") {
		_, cmd, ok := strings.Cut(line, "pcsync run ")
		if !ok {
			continue
		}
		cmd, _, _ = strings.Cut(cmd, " 2>>")
		t.Run(cmd, func(t *testing.T) {
			fs, _, _ := newRunFlags()
			fs.SetOutput(io.Discard)
			if err := fs.Parse(strings.Fields(cmd)); err != nil || fs.NArg() != 1 {
				t.Errorf("%v, args %q", err, fs.Args())
			}
		})
		n++
	}
	if n < 6 {
		t.Errorf("%d examples of pcsync run", n)
	}
}

func TestHelpOtherCases(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"sandbox", []string{"help", "sandbox"}, exitOK, "(env PCSYNC_FAIL_429)", ""},
		{"unknown topic", []string{"help", "push"}, exitUsage, "", `no help on "push"`},
		{"bare pcsync points at help", nil, exitUsage, "", "Run 'pcsync help' for every flag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := pcsync(t, nil, "", tt.args...)
			if r.code != tt.code || !strings.Contains(r.stdout, tt.stdout) || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}
		})
	}
}

func TestCompletionBash(t *testing.T) {
	r := pcsync(t, nil, "", "completion", "bash")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	script := r.stdout
	fs, _, _ := newRunFlags()
	fs.VisitAll(func(f *flag.Flag) {
		if !strings.Contains(script, "--"+f.Name+" ") && !strings.Contains(script, "--"+f.Name+`"`) {
			t.Errorf("script lacks --%s", f.Name)
		}
	})
	if bad := pcsync(t, nil, "", "completion", "zsh"); bad.code != exitUsage {
		t.Errorf("completion zsh: exit %d", bad.code)
	}

	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash to run the script")
	}
	tests := []struct {
		line string // the command line, completed at its end
		want string // COMPREPLY, space-separated
	}{
		{"pcsync ", "run report sandbox completion version help"},
		{"pcsync ru", "run"},
		{"pcsync r", "run report"},
		{"pcsync help s", "sandbox"},
		{"pcsync completion ", "bash"},
		{"pcsync run --ac", "--action"},
		{"pcsync run --dry", "--dry-run"},
		{"pcsync run --action subscriptions/", "subscriptions/manage subscriptions/callback"},
		{"pcsync run --log-format j", "json"},
		{"pcsync run --rate ", ""},
		{"pcsync run --quiet --progress-every ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			words := strings.Fields(tt.line)
			if strings.HasSuffix(tt.line, " ") {
				words = append(words, "")
			}
			quoted := make([]string, len(words))
			for i, w := range words {
				quoted[i] = "'" + w + "'"
			}
			prog := script + "\nCOMP_WORDS=(" + strings.Join(quoted, " ") + ")\nCOMP_CWORD=" +
				strconv.Itoa(len(words)-1) + "\n_pcsync\necho \"${COMPREPLY[*]}\"\n"
			out, err := exec.Command(bash, "--norc", "--noprofile", "-c", prog).CombinedOutput()
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if got := strings.TrimSpace(string(out)); got != tt.want {
				t.Errorf("completes to %q, want %q", got, tt.want)
			}
		})
	}
}
