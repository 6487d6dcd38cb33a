package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// commandsText opens every help text: what pcsync is, and its commands.
const commandsText = `pcsync syncs a CSV of contacts into PersonaClick, one API call per row.

Usage:
  pcsync run [flags] INPUT.csv        sync INPUT ('-' for standard input)
  pcsync report [flags] RESULTS.csv   summarise the results file of a run
  pcsync sandbox [--log] [flags]      serve the local emulator of the API
                                      (--log: a line per request)
  pcsync completion SHELL             print a completion script for bash, zsh,
                                      fish or powershell
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

  # From cron: only what changed, exit 3 past 2% of rows failed or invalid,
  # metrics for node_exporter, a Slack message, a JSON log line every 30s
  export PCSYNC_METRICS_FILE=/var/lib/node_exporter/textfile/pcsync.prom
  export PCSYNC_NOTIFY=https://hooks.slack.com/services/...
  pcsync run --state contacts.state --max-failed 2% --log-format json --progress-every 30s contacts.csv 2>>pcsync.log
`

// exitStatusText is the exit status table, as help shows it.
const exitStatusText = `Exit status: 0 every row done (ok, duplicate or unchanged); 1 some rows not;
2 nothing done (usage, configuration, unreadable input, refused credentials,
a --mirror run over --max-removals, results another run is writing, a damaged
--state); 3 over --max-failed: more rows failed or invalid than it allows (the
run stopped there); 130 interrupted.
`

// commandHelpTemplate is the help of every command but pcsync itself: the usage
// line, Long, subcommands, flags, then Example (examples, exit statuses).
const commandHelpTemplate = `Usage: {{.UseLine}}

{{.Long}}{{if .HasAvailableSubCommands}}
Commands:{{range .Commands}}{{if .IsAvailableCommand}}
  {{rpad .Name .NamePadding}} {{.Short}}{{end}}{{end}}
{{end}}{{if .HasAvailableLocalFlags}}
Flags:
{{.LocalFlags.FlagUsages}}{{end}}{{with .Example}}
{{.}}{{end}}`

// setHelp makes 'pcsync help [COMMAND]' and --help (-h) print the
// commands, every flag of run with its environment variable, examples and
// exit statuses; or one command's own help.
func setHelp(root, run *cobra.Command) {
	root.SetHelpTemplate(commandHelpTemplate)
	commandHelp := root.HelpFunc()
	root.SetHelpFunc(func(c *cobra.Command, args []string) {
		if c != root {
			commandHelp(c, args)
			return
		}
		fmt.Fprint(c.OutOrStdout(), commandsText, "\nFlags of 'pcsync run' (each also read from the environment variable named):\n",
			run.Flags().FlagUsages(), "\n", runExamples, "\n", exitStatusText,
			"\n'pcsync help run' also names the input's columns; 'pcsync help report' shows\nreport's flags; 'pcsync help sandbox' lists the sandbox's fault flags.\n")
	})
	root.SetHelpCommand(&cobra.Command{
		Use:       "help [run|report|sandbox]",
		Short:     "every flag, with examples",
		ValidArgs: []string{"run", "report", "sandbox"},
		RunE: func(_ *cobra.Command, args []string) error {
			c, rest, err := root.Find(args)
			if err != nil || len(rest) > 0 {
				return usagef("no help on %q: try 'pcsync help run', 'pcsync help report' or 'pcsync help sandbox'", strings.Join(args, " "))
			}
			c.InitDefaultHelpFlag() // as 'pcsync COMMAND --help' shows it
			return c.Help()
		},
	})
}

// wrap breaks s into lines of at most width columns, at spaces.
func wrap(s string, width int) string {
	var b strings.Builder
	n := 0
	for i, w := range strings.Fields(s) {
		if i > 0 && n+1+len(w) > width {
			b.WriteByte('\n')
			n = 0
		} else if i > 0 {
			b.WriteByte(' ')
			n++
		}
		b.WriteString(w)
		n += len(w)
	}
	return b.String()
}
