package main

import (
	"flag"
	"fmt"
	"time"
)

// runOptions holds the flags of 'pcsync run'.
type runOptions struct {
	ShopID      string
	SecretFile  string
	APIURL      string
	Out         string
	Failed      string
	Rate        rateFlag
	Burst       int
	Workers     int
	Timeout     time.Duration
	Retries     int
	GiveUpAfter time.Duration
	Action      actionFlag
	SegmentID   string
	Delimiter   delimiterFlag
	DryRun      bool
	Resume      bool
	Dedupe      bool
	Sandbox     bool
	Quiet       bool
	Shard       shardFlag
	SummaryJSON string
	State       string    // --state: the incremental runs' state file (incremental.go)
	Mirror      bool      // --mirror: the file is the segment's full membership (mirror.go)
	MaxRemovals shareFlag // --mirror's guard

	// Progress and stderr lines (progress.go, logformat.go).
	LogFormat     logFormat
	ProgressEvery positiveDuration
}

// Environment variables that are not named after their flag.
const (
	envShopID     = "PERSONACLICK_SHOP_ID"
	envShopSecret = "PERSONACLICK_SHOP_SECRET"
	envAPIURL     = "PERSONACLICK_API_URL"
)

// defaultRate is deliberately conservative: the API documents no limit.
const defaultRate = 10

func newRunFlags() (*flag.FlagSet, *runOptions, map[string]string) {
	o := &runOptions{Rate: defaultRate, Burst: 1, Workers: 4, Timeout: 30 * time.Second, Retries: 5, GiveUpAfter: 5 * time.Minute, MaxRemovals: 0.1}
	fs := flag.NewFlagSet("pcsync run", flag.ContinueOnError)
	env := map[string]string{}
	def := func(name, envKey string) string {
		if envKey == "" {
			envKey = envName(name)
		}
		env[name] = envKey
		return " (env " + envKey + ")"
	}
	fs.StringVar(&o.ShopID, "shop-id", "", "shop ID (Account > Settings > Store Settings)"+def("shop-id", envShopID))
	fs.StringVar(&o.SecretFile, "shop-secret-file", "", "read the shop secret from this file; else from $"+envShopSecret+". No flag takes the secret itself"+def("shop-secret-file", ""))
	fs.StringVar(&o.APIURL, "api-url", "", "API base URL (default https://api.personaclick.com)"+def("api-url", envAPIURL))
	fs.StringVar(&o.Out, "out", "", "results CSV, '-' for standard output (default INPUT.results.csv beside the input)"+def("out", ""))
	fs.StringVar(&o.Failed, "failed", "", "failed-rows CSV, re-runnable as input (default INPUT.failed.csv beside the input)"+def("failed", ""))
	fs.Var(&o.Rate, "rate", "requests per second across all workers, e.g. 10, 600/m; 0 for no limit"+def("rate", ""))
	fs.Var(positiveInt{&o.Burst, 1}, "burst", "requests that may start at once above the rate"+def("burst", ""))
	fs.Var(positiveInt{&o.Workers, 1}, "workers", "requests in flight at once"+def("workers", ""))
	fs.DurationVar(&o.Timeout, "timeout", o.Timeout, "bound on one request, answer included"+def("timeout", ""))
	fs.Var(positiveInt{&o.Retries, 0}, "retries", "attempts after the first for a transient failure"+def("retries", ""))
	fs.DurationVar(&o.GiveUpAfter, "give-up-after", o.GiveUpAfter, "stop when every request has been failing for this long; the unsent rows are marked skipped (0: never)"+def("give-up-after", ""))
	fs.Var(&o.Action, "action", "action for rows with no action column or an empty cell: "+actionNames()+def("action", ""))
	fs.StringVar(&o.SegmentID, "segment-id", "", "segment for segments/add and segments/remove rows with no segment_id"+def("segment-id", ""))
	fs.Var(&o.Delimiter, "delimiter", "CSV delimiter: , ; | or tab (default: detected from the header)"+def("delimiter", ""))
	fs.BoolVar(&o.DryRun, "dry-run", false, "validate every row and print the plan; send nothing, write no file"+def("dry-run", ""))
	fs.BoolVar(&o.Resume, "resume", false, "finish an earlier run of the same INPUT and --out: rows already ok are not sent again; a results file from another input is refused"+def("resume", ""))
	fs.BoolVar(&o.Dedupe, "dedupe", false, "send exact duplicate rows (same action, contact and parameters) once; the others are recorded as duplicates of the first"+def("dedupe", ""))
	fs.BoolVar(&o.Sandbox, "sandbox", false, "run against an in-process emulator of the API; no credentials or network needed"+def("sandbox", ""))
	fs.BoolVar(&o.Quiet, "quiet", false, "no progress bar or progress lines"+def("quiet", ""))
	fs.Var(&o.Shard, "shard", "process only shard K of N, like 1/4: the rows whose contact hashes to K, so that N machines split one file with no overlap; give each --rate R/N (default: every row)"+def("shard", ""))
	fs.StringVar(&o.SummaryJSON, "summary-json", "", "at the end of a run that sent, interrupted or stopped ones included, write its summary as JSON to this file (atomically); not with --dry-run, which only prints its plan"+def("summary-json", ""))
	fs.StringVar(&o.State, "state", "", "keep in this file (a database) what each writing row applied, and send only the rows that changed since: the others are recorded unchanged"+def("state", ""))
	fs.BoolVar(&o.Mirror, "mirror", false, "with --state, --action segments/add and --segment-id ID: the file is the segment's full membership; contacts an earlier mirrored run added that the file lacks are removed"+def("mirror", ""))
	fs.Var(&o.MaxRemovals, "max-removals", "with --mirror, refuse (exit 2) to remove more than this share of the segment as the state knows it: 0.1 or 10%"+def("max-removals", ""))
	fs.Var(&o.LogFormat, "log-format", "progress and diagnostic lines on stderr when it is not a terminal: text or json (default text)"+def("log-format", ""))
	fs.Var(&o.ProgressEvery, "progress-every", "how often a progress line is logged when stderr is not a terminal (default 10s)"+def("progress-every", ""))
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprint(w, `Usage: pcsync run [flags] INPUT.csv

Reads INPUT ('-' for standard input) and calls the row's action for every row:
segments/add, segments/remove, segments/get, subscriptions/manage,
subscriptions/callback. Columns (any case): email, phone, action, segment_id,
event, email_bulk, email_chain, email_transactional, sms_bulk, sms_chain,
sms_transactional; other columns are carried into the results untouched.

Credentials: $PERSONACLICK_SHOP_ID and $PERSONACLICK_SHOP_SECRET, or --shop-id
and --shop-secret-file.

Flags (each also read from the environment variable named):
`)
		fs.PrintDefaults()
		fmt.Fprint(w, "\n"+runExamples+"\n"+exitStatusText)
	}
	return fs, o, env
}
