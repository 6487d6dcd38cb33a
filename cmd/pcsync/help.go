package main

import (
	"context"
	"fmt"
)

// commandsText opens every help text: what pcsync is, and its commands.
const commandsText = `pcsync syncs a CSV of contacts into PersonaClick, one API call per row.

Usage:
  pcsync run [flags] INPUT.csv        sync INPUT ('-' for standard input)
  pcsync report [flags] RESULTS.csv   summarise the results file of a run
  pcsync sandbox [--addr HOST:PORT]   serve the local emulator of the API
  pcsync completion bash              print a bash completion script
  pcsync version                      print the version
  pcsync help [run|report|sandbox]    every flag, with examples
`

// runExamples is the EXAMPLES section of 'pcsync help' and 'pcsync run
// --help'.
const runExamples = `Examples:
  # Try it: the built-in sandbox, no credentials, nothing leaves the machine
  pcsync run --sandbox testdata/demo.csv

  # A real run, credentials from the environment
  export PERSONACLICK_SHOP_ID=0d42fd8b713d0752776ca589cc0056
  export PERSONACLICK_SHOP_SECRET=...     # or --shop-secret-file /run/secrets/pc
  pcsync run --rate 20 contacts.csv

  # Check every row and print the plan: nothing sent, no file written
  pcsync run --dry-run contacts.csv

  # Finish an interrupted run: rows already ok are not sent again
  pcsync run --resume contacts.csv

  # A bare list of emails on standard input, into segment 100500
  (echo email; cat emails.txt) | pcsync run --action segments/add --segment-id 100500 -

  # Nightly: send only the rows that changed since the last run
  pcsync run --state contacts.state contacts.csv

  # The file is segment 100500's whole membership: add the new, remove the gone
  pcsync run --state members.state --mirror --action segments/add --segment-id 100500 members.csv

  # From cron: no bar, a JSON log line every 30s; the exit status tells how it went
  pcsync run --resume --log-format json --progress-every 30s contacts.csv 2>>pcsync.log
`

// exitStatusText is the exit status table, as help shows it.
const exitStatusText = `Exit status: 0 every row done (ok, duplicate or unchanged); 1 some rows not;
2 nothing done (usage, configuration, unreadable input, refused credentials,
a --mirror run over --max-removals); 130 interrupted.
`

// help is 'pcsync help [COMMAND]' (also --help, -h): the commands, every
// flag of run with its environment variable, examples and exit statuses;
// or one command's own help.
func (a *app) help(ctx context.Context, args []string) int {
	if len(args) > 0 {
		switch args[0] {
		case "run":
			return a.cmdRun(ctx, []string{"--help"})
		case "report":
			return a.cmdReport(ctx, []string{"--help"})
		case "sandbox":
			return a.cmdSandbox(ctx, []string{"--help"})
		}
		return a.fail(ctx, usagef("no help on %q: try 'pcsync help run', 'pcsync help report' or 'pcsync help sandbox'", args[0]))
	}
	w := a.stdout
	fmt.Fprint(w, commandsText)
	fmt.Fprint(w, "\nFlags of 'pcsync run' (each also read from the environment variable named):\n")
	fs, _, _ := newRunFlags()
	fs.SetOutput(w)
	fs.PrintDefaults()
	fmt.Fprint(w, "\n"+runExamples+"\n"+exitStatusText)
	fmt.Fprint(w, "\n'pcsync help run' also names the input's columns; 'pcsync help report' shows\nreport's flags; 'pcsync help sandbox' lists the sandbox's fault flags.\n")
	return exitOK
}
