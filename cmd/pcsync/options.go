package main

import (
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pcsync/pcsync/internal/api"
	"github.com/pcsync/pcsync/internal/csvsource"
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
	WorkersSet  bool // --workers was given: the pool is fixed at Workers
	MaxWorkers  int  // --max-workers: the adaptive pool's ceiling
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
	Latency     time.Duration // --latency: the sandbox's answers are this far away
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

// defaultMaxWorkers is --max-workers unless told otherwise.
const defaultMaxWorkers = 256

// defaultRate is deliberately conservative: the API documents no limit.
const defaultRate = 10

// poolSize returns the workers a run starts with and the most it may let
// send: a fixed pool of --workers with --workers or with no rate, else from
// --workers' default up to --max-workers.
func (o *runOptions) poolSize() (workers, maxWorkers int) {
	if o.WorkersSet || o.Rate == 0 {
		return o.Workers, o.Workers
	}
	return min(o.Workers, o.MaxWorkers), o.MaxWorkers
}

// newRunCmd is 'pcsync run', its flags bound to the options it returns.
func (a *app) newRunCmd() (*cobra.Command, *runOptions) {
	o := &runOptions{APIURL: api.DefaultBaseURL, Rate: defaultRate, Burst: 1, Workers: 4, MaxWorkers: defaultMaxWorkers, Timeout: 30 * time.Second, Retries: 5, GiveUpAfter: 5 * time.Minute,
		MaxRemovals: 0.1, LogFormat: logText, ProgressEvery: positiveDuration(defaultProgressEvery)}
	c := &cobra.Command{
		Use:   "run [flags] INPUT.csv",
		Short: "sync INPUT ('-' for standard input)",
		Long: wrap("Reads INPUT ('-' for standard input) and calls the row's action for every row: "+
			actionNames()+". Columns (any case): "+strings.Join(csvsource.KnownKeys, ", ")+
			"; other columns are carried into the results untouched.", 78) + `

Credentials: $PERSONACLICK_SHOP_ID and $PERSONACLICK_SHOP_SECRET, or --shop-id
and --shop-secret-file.

Every flag is also read from the environment variable named beside it; the
command line wins.
`,
		Example: runExamples + "\n" + exitStatusText,
		Args:    exactArgs(1, "run takes one INPUT file ('-' for standard input); see --help"),
		RunE: func(c *cobra.Command, args []string) error {
			a.logFormat = o.LogFormat
			return a.done(c.Context())(a.sync(c.Context(), o, args[0]))
		},
	}
	fs := c.Flags()
	fs.StringVar(&o.ShopID, "shop-id", "", "the shop's `ID` (Account > Settings > Store Settings)")
	fs.StringVar(&o.SecretFile, "shop-secret-file", "", "read the shop secret from the file at `PATH`; else from $"+envShopSecret+". No flag takes the secret itself")
	fs.StringVar(&o.APIURL, "api-url", o.APIURL, "API base `URL`; plain http:// only to a loopback address")
	fs.StringVar(&o.Out, "out", "", "write the results CSV to `PATH`, '-' for standard output (default INPUT.results.csv beside the input)")
	fs.StringVar(&o.Failed, "failed", "", "write the failed-rows CSV, re-runnable as input, to `PATH` (default INPUT.failed.csv beside the input)")
	fs.Var(&o.Rate, "rate", "requests per second across all workers, e.g. 10, 600/m; 0 for no limit")
	fs.Var(positiveInt{&o.Burst, 1}, "burst", "requests that may start at once above the rate")
	fs.Var(countFlag{positiveInt{&o.Workers, 1}, &o.WorkersSet}, "workers", "a fixed count of requests in flight at once; without it, with a rate, the pool starts at 4 and grows to what the rate needs at the API's latency, up to --max-workers")
	fs.Var(positiveInt{&o.MaxWorkers, 1}, "max-workers", "without --workers, with a rate: the most requests the pool lets be in flight")
	fs.DurationVar(&o.Timeout, "timeout", o.Timeout, "a request may take `D` at most, answer included")
	fs.Var(positiveInt{&o.Retries, 0}, "retries", "attempts after the first for a transient failure")
	fs.DurationVar(&o.GiveUpAfter, "give-up-after", o.GiveUpAfter, "stop when every request has been failing for `D`; the unsent rows are marked skipped (0: never)")
	fs.Var(&o.Action, "action", "action for rows with no action column or an empty cell: "+actionNames())
	fs.StringVar(&o.SegmentID, "segment-id", "", "the segment `ID` for segments/add and segments/remove rows with no segment_id")
	fs.Var(&o.Delimiter, "delimiter", "CSV delimiter: , ; | or tab (default: detected from the header)")
	fs.BoolVar(&o.DryRun, "dry-run", false, "validate every row and print the plan; send nothing, write no file")
	fs.BoolVar(&o.Resume, "resume", false, "finish an earlier run of the same INPUT and --out: rows already ok are not sent again; a results file from another input is refused")
	fs.BoolVar(&o.Dedupe, "dedupe", false, "send exact duplicate rows (same action, contact and parameters) once; the others are recorded as duplicates of the first")
	fs.BoolVar(&o.Sandbox, "sandbox", false, "run against an in-process emulator of the API; no credentials or network needed")
	fs.DurationVar(&o.Latency, "latency", 0, "with --sandbox: the emulator answers each request `D` after it arrives, give or take a tenth, like an API far away")
	fs.BoolVar(&o.Quiet, "quiet", false, "no progress bar or progress lines")
	fs.Var(&o.Shard, "shard", "process only shard K of N, like 1/4: the rows whose contact hashes to K, so that N machines split one file with no overlap; give each --rate R/N (default: every row)")
	fs.StringVar(&o.SummaryJSON, "summary-json", "", "at the end of a run that sent, interrupted or stopped ones included, write its summary as JSON to `PATH` (atomically); not with --dry-run, which only prints its plan")
	fs.StringVar(&o.State, "state", "", "keep in `PATH` (a database file) what each writing row applied, and send only the rows that changed since: the others are recorded unchanged")
	fs.BoolVar(&o.Mirror, "mirror", false, "with --state, --action segments/add and --segment-id ID: the file is the segment's full membership; contacts an earlier mirrored run added that the file lacks are removed")
	fs.Var(&o.MaxRemovals, "max-removals", "with --mirror, refuse (exit 2) to remove more than this share of the segment as the state knows it: 0.1 or 10%")
	fs.Var(&o.LogFormat, "log-format", "progress and diagnostic lines on stderr when it is not a terminal: text or json")
	fs.Var(&o.ProgressEvery, "progress-every", "how often a progress line is logged when stderr is not a terminal")
	return a.withEnv(c, map[string]string{"shop-id": envShopID, "api-url": envAPIURL}), o
}
