package cmdutil

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// command is a command with a flag of each kind, bound to the environment
// of env, whose run records the flags' values.
func command(env map[string]string) (*cobra.Command, *int, *float64, *time.Duration) {
	n, share, every := 4, 0.1, 10*time.Second
	c := &cobra.Command{Use: "x", SilenceErrors: true, SilenceUsage: true, RunE: func(*cobra.Command, []string) error { return nil }}
	fs := c.Flags()
	fs.Var(NewValue(&n, "N", AtLeast(1), strconv.Itoa), "workers", "how many")
	fs.Var(Share(&share), "max-removals", "a share")
	fs.Var(NewValue(&every, "D", PositiveDuration, time.Duration.String), "every", "how often")
	fs.Var(NewValue(new(string), "F", OneOf("log format", "text", "json"), Text, "text", "json"), "log-format", "a format")
	fs.Var(NewValue(new(string), "ENC", Trimmed(func(v string) error { return nil }, strings.ToLower), Text), "encoding", "an encoding")
	fs.String("out", "", "write to `PATH`")
	BindEnv(c, "PCSYNC_", map[string]string{"out": "OUT_FILE"})
	c.PreRunE = func(c *cobra.Command, _ []string) error {
		return ApplyEnv(c.Flags(), func(k string) string { return env[k] })
	}
	return c, &n, &share, &every
}

func TestEnvStandsInForTheCommandLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		env   map[string]string
		args  []string
		n     int
		share float64
		err   string
	}{
		{"defaults", nil, nil, 4, 0.1, ""},
		{"from the environment", map[string]string{"PCSYNC_WORKERS": "8", "PCSYNC_MAX_REMOVALS": "25%"}, nil, 8, 0.25, ""},
		{"the command line wins", map[string]string{"PCSYNC_WORKERS": "8"}, []string{"--workers", "2"}, 2, 0.1, ""},
		{"empty is unset", map[string]string{"PCSYNC_WORKERS": ""}, nil, 4, 0.1, ""},
		{"a bad value names its variable", map[string]string{"PCSYNC_WORKERS": "0"}, nil, 4, 0.1, `PCSYNC_WORKERS="0": want a whole number of at least 1`},
		{"a share over 1", nil, []string{"--max-removals", "1.5"}, 4, 0.1, "want a share from 0 to 1"},
		{"one of a set, in any case", map[string]string{"PCSYNC_LOG_FORMAT": " JSON "}, nil, 4, 0.1, ""},
		{"not one of the set", nil, []string{"--log-format", "xml"}, 4, 0.1, `unknown log format "xml" (want text or json)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, n, share, _ := command(tt.env)
			c.SetArgs(tt.args)
			err := c.Execute()
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || *n != tt.n || *share != tt.share {
				t.Errorf("err %v, workers %d, share %v; want %d, %v", err, *n, *share, tt.n, tt.share)
			}
		})
	}
}

func TestBindEnvNamesTheVariableInHelp(t *testing.T) {
	t.Parallel()
	c, _, _, _ := command(nil)
	for name, want := range map[string]string{"workers": "PCSYNC_WORKERS", "out": "OUT_FILE", "log-format": "PCSYNC_LOG_FORMAT"} {
		f := c.Flags().Lookup(name)
		if Env(f) != want || !strings.HasSuffix(f.Usage, "(env "+want+")") {
			t.Errorf("--%s: Env %q, usage %q; want %s", name, Env(f), f.Usage, want)
		}
	}
	if got := c.Flags().Lookup("every").DefValue; got != "10s" {
		t.Errorf("--every's default shows as %q", got)
	}
}

func TestExplain(t *testing.T) {
	t.Parallel()
	c, _, _, _ := command(nil)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--worker", "3"}, "unknown flag: --worker: did you mean --workers? (see --help)"},
		{[]string{"--max-rem", "0.1"}, "did you mean --max-removals?"},
		{[]string{"--zzzzzz"}, "unknown flag: --zzzzzz (see --help)"},
		{[]string{"-workers", "3"}, "long flags take two dashes, --workers"},
		{[]string{"--every", "soon"}, `--every "soon": want a duration above zero, like 10s or 1m (see --help)`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			c.SetArgs(tt.args)
			err := c.Execute()
			if err == nil {
				t.Fatal("no error")
			}
			if got := Explain(err, tt.args, c.Flags()); !strings.Contains(got, tt.want) {
				t.Errorf("Explain = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestWantedWordsPflagsOwnTypes(t *testing.T) {
	t.Parallel()
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	fs.Duration("timeout", 0, "")
	fs.Int64("seed", 0, "")
	mine := errors.New("want a share from 0 to 1")
	fs.Var(Share(new(float64)), "share", "")
	for name, want := range map[string]string{"timeout": "want a duration such as 30s", "seed": "want a whole number", "share": mine.Error()} {
		if got := Wanted(fs.Lookup(name), mine); !strings.HasPrefix(got, want) {
			t.Errorf("Wanted(--%s) = %q, want %q", name, got, want)
		}
	}
}
