package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

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
	logFormat        logFormat        // --log-format of the run, for stderr
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
		if !errors.As(err, &ue) {
			err = usagef("%s", commandLineError(err, args, c.Flags()))
		}
		return a.fail(ctx, err)
	}
	return a.status
}

// commandLineError words what cobra or pflag refused in args: an unknown
// command with the commands there are, a flag with a pointer to --help
// (and the nearest flag of fs, the command's, when one is near), a value
// with what the flag wants.
func commandLineError(err error, args []string, fs *pflag.FlagSet) string {
	msg := strings.TrimSpace(err.Error())
	if strings.HasPrefix(msg, "unknown command") {
		return msg + "\n\n" + usageText
	}
	var ie *pflag.InvalidValueError
	if errors.As(err, &ie) {
		return fmt.Sprintf("--%s %q: %s (see --help)", ie.GetFlag().Name, ie.GetValue(), wanted(ie.GetFlag(), ie.Unwrap()))
	}
	var ne *pflag.NotExistError
	if errors.As(err, &ne) && ne.GetSpecifiedName() != "" {
		if near := nearestFlag(ne.GetSpecifiedName(), fs); near != "" {
			msg += ": did you mean --" + near + "?"
		}
	}
	// Go's flag package took -rate for --rate; to pflag it is shorthands.
	if errors.As(err, &ne) && ne.GetSpecifiedShortnames() != "" {
		for _, arg := range args {
			if !strings.HasPrefix(arg, "--") && strings.HasSuffix(arg, ne.GetSpecifiedShortnames()) {
				name, _, _ := strings.Cut(arg[1:], "=")
				msg += ": long flags take two dashes, --" + name
				break
			}
		}
	}
	return msg + " (see --help)"
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

// envAnnotation is the flag annotation naming its environment variable.
const envAnnotation = "pcsync_env"

// withEnv finishes c once its flags are defined. Each flag is read from
// its environment variable (PCSYNC_ and its name, unless envNames names
// another) when the command line does not set it, and its help names the
// variable. Its value completes as the words its type offers (choices),
// as file names when help calls it a PATH, else as nothing.
func (a *app) withEnv(c *cobra.Command, envNames map[string]string) *cobra.Command {
	c.Flags().SortFlags = false
	c.Flags().VisitAll(func(f *pflag.Flag) {
		key := cmp.Or(envNames[f.Name], envName(f.Name))
		f.Usage += " (env " + key + ")"
		f.Annotations = map[string][]string{envAnnotation: {key}}
		ch, _ := f.Value.(interface{ completion() []string })
		switch arg, _ := pflag.UnquoteUsage(f); {
		case arg == "": // a bool
		case ch != nil && len(ch.completion()) > 0:
			c.RegisterFlagCompletionFunc(f.Name, cobra.FixedCompletions(ch.completion(), cobra.ShellCompDirectiveNoFileComp))
		case arg == "PATH":
			c.MarkFlagFilename(f.Name)
		default:
			c.RegisterFlagCompletionFunc(f.Name, cobra.NoFileCompletions)
		}
	})
	c.PreRunE = func(c *cobra.Command, _ []string) error { return a.applyEnv(c.Flags()) }
	return c
}

// applyEnv sets every flag of fs that the command line did not from its
// environment variable, if that is not empty.
func (a *app) applyEnv(fs *pflag.FlagSet) (err error) {
	fs.VisitAll(func(f *pflag.Flag) {
		key := envOf(f)
		if v := a.getenv(key); key != "" && v != "" && !f.Changed && err == nil {
			if serr := f.Value.Set(v); serr != nil {
				err = usagef("%s=%q: %s", key, v, wanted(f, serr))
			}
		}
	})
	return err
}

// envOf is the environment variable that stands in for f, if any.
func envOf(f *pflag.Flag) string {
	if keys := f.Annotations[envAnnotation]; len(keys) == 1 {
		return keys[0]
	}
	return ""
}

// envName is the environment variable that stands in for a flag.
func envName(flagName string) string {
	return "PCSYNC_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

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
