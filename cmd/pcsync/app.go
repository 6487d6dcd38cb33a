package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"
)

// app is one invocation of the command, with its streams and environment,
// so that tests can run it in-process.
type app struct {
	stdin            io.Reader
	stdout, stderr   io.Writer
	getenv           func(string) string
	logFormat        logFormat     // --log-format of the run, for stderr
	progress         progressSeams // tests drive progress through these
	stateLockTimeout time.Duration // how long a run waits for another run's lock on --state (0: 1s)
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
	defer a.startProfile()()
	switch args[0] {
	case "run":
		return a.cmdRun(ctx, args[1:])
	case "report":
		return a.cmdReport(ctx, args[1:])
	case "sandbox":
		return a.cmdSandbox(ctx, args[1:])
	case "version", "--version", "-version":
		fmt.Fprintln(a.stdout, "pcsync", version)
		return exitOK
	case "help", "-h", "-help", "--help":
		return a.help(ctx, args[1:])
	case "completion":
		return a.cmdCompletion(ctx, args[1:])
	}
	fmt.Fprintf(a.stderr, "pcsync: unknown command %q\n\n%s", args[0], usageText)
	return exitUsage
}

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// parse parses a subcommand's flags, filling unset ones from their
// environment variables; it reports help as errHelp.
func (a *app) parse(fs *flag.FlagSet, env map[string]string, args []string) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(a.stdout)
			fs.Usage()
			return errHelp
		}
		return usagef("%w (see --help)", err)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for name, key := range env {
		v := a.getenv(key)
		if set[name] || v == "" {
			continue
		}
		if err := fs.Set(name, v); err != nil {
			return usagef("%s=%q: %w", key, v, err)
		}
	}
	return nil
}

var errHelp = errors.New("help shown")

// envName is the environment variable that stands in for a flag.
func envName(flagName string) string {
	return "PCSYNC_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// fail prints err as the command's one line of complaint and returns the
// exit status it maps to.
func (a *app) fail(ctx context.Context, err error) int {
	a.notef(slog.LevelError, "%v", err)
	return exitCode(ctx, err, false)
}
