package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pcsync/pcsync/internal/cmdutil"
	"github.com/pcsync/pcsync/internal/notify"
	"github.com/pcsync/pcsync/internal/proc"
	"github.com/pcsync/pcsync/internal/runner"
)

// app is one invocation of the command, with its streams and environment,
// so that tests can run it in-process.
type app struct {
	stdin            io.Reader
	stdout, stderr   io.Writer
	getenv           func(string) string
	logFormat        string           // --log-format of the run, for stderr
	progress         progressSeams    // tests drive progress through these
	status           int              // exit status of the command's work, once it ran
	stateLockTimeout time.Duration    // how long a run waits for another run's lock on --state (0: 1s)
	now              func() time.Time // the clock of --metrics-file's times (nil: time.Now)
	notifyOptions    notify.Options   // --notify's bounds (zero: notify's defaults)
	args             []string         // the command line, for the command that finishes an interrupted run
}

// run is the whole command: main only wires signals around it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv}
	return a.main(ctx, args)
}

// usageText is what a bare 'pcsync' prints; 'pcsync help' says more.
const usageText = commandsText + `
Run 'pcsync help' for every flag, with examples. On the built-in sandbox:
  pcsync run --sandbox --action segments/add --segment-id 100500 emails.csv
`

func (a *app) main(ctx context.Context, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(a.stderr, usageText)
		return exitUsage
	}
	defer proc.StartProfiles(a.getenv, a.stderr)()
	a.args = args
	root := a.rootCmd()
	root.SetArgs(args)
	if c, err := root.ExecuteContextC(ctx); err != nil {
		var ue *runner.UsageError
		switch {
		case errors.As(err, &ue):
		case strings.HasPrefix(err.Error(), "unknown command"):
			err = usagef("%s\n\n%s", strings.TrimSpace(err.Error()), usageText)
		default:
			err = usagef("%s", cmdutil.Explain(err, args, c.Flags()))
		}
		return a.fail(ctx, err)
	}
	return a.status
}

// rootCmd is pcsync and its commands, writing on the app's streams.
func (a *app) rootCmd() *cobra.Command {
	root := &cobra.Command{Use: "pcsync", Version: buildVersion(), SilenceErrors: true, SilenceUsage: true}
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.SetVersionTemplate("pcsync {{.Version}}")
	run, _ := a.newRunCmd()
	root.AddCommand(run, a.newReportCmd(), a.newSandboxCmd(), &cobra.Command{Use: "version", Short: "print the version", Args: cobra.NoArgs,
		Run: func(c *cobra.Command, _ []string) { fmt.Fprint(c.OutOrStdout(), "pcsync ", c.Root().Version) }})
	root.InitDefaultCompletionCmd() // completion bash|zsh|fish|powershell
	if c, _, err := root.Find([]string{"completion"}); err == nil {
		c.RunE = func(*cobra.Command, []string) error {
			return usagef("usage: pcsync completion bash|zsh|fish|powershell (bash: source <(pcsync completion bash))")
		}
	}
	setHelp(root, run)
	return root
}

// withEnv finishes c once its flags are defined: each is read from its
// environment variable (PCSYNC_ and its name, unless envNames names
// another) when the command line does not set it, and its help names the
// variable (cmdutil.BindEnv).
func (a *app) withEnv(c *cobra.Command, envNames map[string]string) *cobra.Command {
	cmdutil.BindEnv(c, envPrefix, envNames)
	c.PreRunE = func(c *cobra.Command, _ []string) error {
		if err := cmdutil.ApplyEnv(c.Flags(), a.getenv); err != nil {
			return usagef("%w", err)
		}
		return nil
	}
	return c
}

// envPrefix starts the environment variable of every flag but those named
// otherwise.
const envPrefix = "PCSYNC_"

// exactArgs is a command's check of its argument count; msg says what it
// wants.
func exactArgs(n int, msg string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) != n {
			return usagef("%s", msg)
		}
		return nil
	}
}

// done returns what records the end of a command's work: the exit status
// of its code and err, err printed. Cobra gets no error, which it would
// take for a command line it refused.
func (a *app) done(ctx context.Context) func(code int, err error) error {
	return func(code int, err error) error {
		if err != nil {
			code = a.fail(ctx, err)
		}
		a.status = code
		return nil
	}
}

// fail prints err as the command's one line of complaint and returns the
// exit status it maps to.
func (a *app) fail(ctx context.Context, err error) int {
	a.notef(slog.LevelError, "%v", err)
	return exitCode(ctx, err, false)
}

// clock is the app's time: now when set (tests), else the system's.
func (a *app) clock() time.Time {
	if a.now != nil {
		return a.now()
	}
	return time.Now()
}
