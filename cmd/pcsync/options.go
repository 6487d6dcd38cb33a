package main

import (
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pcsync/pcsync/internal/api"
	"github.com/pcsync/pcsync/internal/cmdutil"
	"github.com/pcsync/pcsync/internal/csvsource"
	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/runner"
	"github.com/pcsync/pcsync/internal/shard"
	"github.com/pcsync/pcsync/internal/worker"
)

// runOptions holds the flags of 'pcsync run'. The run's settings are
// bound straight into the options of the runner, the pool's into the
// worker's; the rest say where to send, with what credentials, and what
// the terminal shows.
type runOptions struct {
	run        runner.Options // input, defaults, shard, state, outputs...
	pool       worker.Options // workers, timeout, retries, give-up
	rate       float64        // --rate: requests a second, across the workers (0: no limit)
	burst      int
	workersSet bool // --workers was given: the pool is fixed at its Workers
	dryRun     bool

	shopID, secretFile, apiURL string
	sandbox                    bool
	latency                    time.Duration // --latency: the sandbox's answers are this far away

	quiet         bool
	logFormat     string
	progressEvery time.Duration
}

// Environment variables that are not named after their flag.
const (
	envShopID     = "PERSONACLICK_SHOP_ID"
	envShopSecret = "PERSONACLICK_SHOP_SECRET"
	envAPIURL     = "PERSONACLICK_API_URL"
)

// defaultMaxRecord is the largest input record a run accepts by default.
const defaultMaxRecord = 1 << 20

// defaultMaxWorkers is --max-workers unless told otherwise.
const defaultMaxWorkers = 256

// defaultRate is deliberately conservative: the API documents no limit.
const defaultRate = 10

// poolSize returns the workers a run starts with and the most it may let
// send: a fixed pool of --workers with --workers or with no rate, else from
// --workers' default up to --max-workers.
func (o *runOptions) poolSize() (workers, maxWorkers int) {
	if o.workersSet || o.rate == 0 {
		return o.pool.Workers, o.pool.Workers
	}
	return min(o.pool.Workers, o.pool.MaxWorkers), o.pool.MaxWorkers
}

// newRunCmd is 'pcsync run', its flags bound to the options it returns.
func (a *app) newRunCmd() (*cobra.Command, *runOptions) {
	o := &runOptions{apiURL: api.DefaultBaseURL, rate: defaultRate, burst: 1, logFormat: logText, progressEvery: defaultProgressEvery,
		run:  runner.Options{MaxRemovals: 0.1, MaxRecord: defaultMaxRecord},
		pool: worker.Options{Workers: 4, MaxWorkers: defaultMaxWorkers, Timeout: 30 * time.Second, Retries: 5, GiveUpAfter: 5 * time.Minute}}
	r, d := &o.run, &o.run.Defaults
	c := &cobra.Command{
		Use:   "run [flags] INPUT.csv",
		Short: "sync INPUT ('-' for standard input)",
		Long: wrap("Reads INPUT ('-' for standard input) and calls the row's action for every row: "+
			strings.Join(actionNames(), ", ")+". Columns (any case): "+strings.Join(csvsource.KnownKeys, ", ")+
			"; also read from common names (E-mail Address, Mobile Phone, Phone Number, Segment...) and from any column --map names. "+
			"The dry run and a run's first lines say how each column is read; other columns are carried into the results untouched. "+
			"The input is UTF-8 (UTF-16 is recognised; --encoding for others). Phones are sent in international format "+
			"(+44...; --default-country for national ones). Segment ids are positive whole numbers (100500.0 reads as 100500). "+
			"Blank rows are skipped and counted; Excel's \"sep=;\" first line sets the delimiter.", 78) + `

Credentials: $PERSONACLICK_SHOP_ID and $PERSONACLICK_SHOP_SECRET, or --shop-id
and --shop-secret-file.

Every flag is also read from the environment variable named beside it; the
command line wins.
`,
		Example: runExamples + "\n" + exitStatusText,
		Args:    exactArgs(1, "run takes one INPUT file ('-' for standard input); see --help"),
		RunE: func(c *cobra.Command, args []string) error {
			a.logFormat = o.logFormat
			return a.done(c.Context())(a.sync(c.Context(), o, args[0]))
		},
	}
	fs := c.Flags()
	fs.StringVar(&o.shopID, "shop-id", "", "the shop's `ID` (Account > Settings > Store Settings)")
	fs.StringVar(&o.secretFile, "shop-secret-file", "", "read the shop secret from the file at `PATH`; else from $"+envShopSecret+". No flag takes the secret itself")
	fs.StringVar(&o.apiURL, "api-url", o.apiURL, "API base `URL`; plain http:// only to a loopback address")
	fs.StringVar(&r.Out, "out", "", "write the results CSV to `PATH`, '-' for standard output (default INPUT.results.csv beside the input)")
	fs.StringVar(&r.Failed, "failed", "", "write the failed-rows CSV, re-runnable as input, to `PATH` (default INPUT.failed.csv beside the input)")
	fs.Var(cmdutil.NewValue(&o.rate, "R", worker.ParseRate, worker.FormatRate), "rate", "requests per second across all workers, e.g. 10, 600/m; 0 for no limit")
	fs.Var(cmdutil.NewValue(&o.burst, "N", cmdutil.AtLeast(1), strconv.Itoa), "burst", "requests that may start at once above the rate")
	fs.Var(cmdutil.NewValue(&o.pool.Workers, "N", func(v string) (int, error) { o.workersSet = true; return cmdutil.AtLeast(1)(v) }, strconv.Itoa), "workers", "a fixed count of requests in flight at once; without it, with a rate, the pool starts at 4 and grows to what the rate needs at the API's latency, up to --max-workers")
	fs.Var(cmdutil.NewValue(&o.pool.MaxWorkers, "N", cmdutil.AtLeast(1), strconv.Itoa), "max-workers", "without --workers, with a rate: the most requests the pool lets be in flight")
	fs.DurationVar(&o.pool.Timeout, "timeout", o.pool.Timeout, "a request may take `D` at most, answer included")
	fs.Var(cmdutil.NewValue(&o.pool.Retries, "N", cmdutil.AtLeast(0), strconv.Itoa), "retries", "attempts after the first for a transient failure")
	fs.DurationVar(&o.pool.GiveUpAfter, "give-up-after", o.pool.GiveUpAfter, "stop when every request has been failing for `D`; the unsent rows are marked skipped (0: never)")
	fs.Var(cmdutil.NewValue(&d.Action, "NAME", parseAction, cmdutil.Text, actionNames()...), "action", "action for rows with no action column or an empty cell: "+strings.Join(actionNames(), ", "))
	fs.Var(cmdutil.NewValue(&d.SegmentID, "ID", parseSegmentID, cmdutil.Text), "segment-id", "the segment ID (a positive whole number) for segments/add and segments/remove rows with no segment_id")
	fs.Var(cmdutil.NewValue(&d.Country, "CC", job.ParseCountry, cmdutil.Text), "default-country", "the country of national phone numbers (a leading 0), as a two-letter code such as GB: they are sent as +44...; without it they are invalid")
	fs.Var(cmdutil.NewValue(&r.Map, "MAP", csvsource.ParseMap, csvsource.Map.String), "map", "read these columns as these fields, e.g. 'Kontakt=email,Gruppe=segment_id'; besides the built-in synonyms (E-mail Address, Mobile Phone, Segment...)")
	fs.StringVar(&r.Sheet, "sheet", "", "the sheet `NAME` of an .xlsx input (default: its first sheet)")
	fs.Var(cmdutil.NewValue(&r.Encoding, "ENC", cmdutil.Trimmed(checkEncoding, strings.ToLower), cmdutil.Text), "encoding", "the input's encoding: "+csvsource.EncodingNames+" (default: UTF-8, or UTF-16 recognised by its start); results are written in UTF-8")
	fs.Var(cmdutil.NewValue(&r.Comma, "C", csvsource.ParseDelimiter, csvsource.DelimiterName), "delimiter", "CSV delimiter: , ; | or tab (default: detected from the header)")
	fs.BoolVar(&o.dryRun, "dry-run", false, "validate every row and print the plan; send nothing, write no file (but --invalid-out's)")
	fs.StringVar(&r.InvalidOut, "invalid-out", "", "with --dry-run, write every invalid row (its columns, then row, line and error) to the CSV at `PATH`")
	fs.BoolVar(&r.Resume, "resume", false, "finish an earlier run of the same INPUT and --out: rows already ok are not sent again; a results file from another input is refused")
	fs.BoolVar(&r.Dedupe, "dedupe", false, "send exact duplicate rows (same action, contact and parameters) once; the others are recorded as duplicates of the first")
	fs.BoolVar(&o.sandbox, "sandbox", false, "run against an in-process emulator of the API; no credentials or network needed")
	fs.DurationVar(&o.latency, "latency", 0, "with --sandbox: the emulator answers each request `D` after it arrives, give or take a tenth, like an API far away")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress bar or progress lines")
	fs.Var(cmdutil.NewValue(&r.Shard, "K/N", shard.Parse, shard.Spec.String), "shard", "process only shard K of N, like 1/4: the rows whose contact hashes to K, so that N machines split one file with no overlap; give each --rate R/N (default: every row)")
	fs.Var(cmdutil.NewValue(&r.ShardKey, "KEY", shard.ParseKey, shard.Key.String, "sent", "written"), "shard-key", "what a row's shard is the hash of: sent, its contact as sent (the email, else the phone in international format, as --default-country reads it); written, its cells as written (the assignment before sent, for machines not all upgraded). All the machines of one split must use the same key")
	fs.StringVar(&r.SummaryJSON, "summary-json", "", "at the end of a run that sent, interrupted or stopped ones included, write its summary as JSON to `PATH` (atomically); not with --dry-run, which only prints its plan")
	fs.StringVar(&r.MetricsFile, "metrics-file", "", "at the end of every run that is not a dry run, write its metrics in Prometheus text format to `PATH` (atomically), for node_exporter's textfile collector: rows by action and status, requests, duration, exit status, the time of the last successful run")
	fs.StringVar(&r.Notify, "notify", "", "at the end of every run that got as far as sending, POST its summary JSON with a one-line \"text\" field (a Slack incoming webhook shows it) to `URL`: 3 attempts, 10s at most; a failure is reported, the exit status stays the run's")
	fs.StringVar(&r.State, "state", "", "keep in `PATH` (a database file) what each writing row applied, and send only the rows that changed since: the others are recorded unchanged")
	fs.BoolVar(&r.Mirror, "mirror", false, "with --state, --action segments/add and --segment-id ID: the file is the segment's full membership; contacts an earlier mirrored run added that the file lacks are removed")
	fs.Var(cmdutil.Share(&r.MaxRemovals), "max-removals", "with --mirror, refuse (exit 2) to remove more than this share of the segment as the state knows it: 0.1 or 10%")
	fs.Var(cmdutil.NewValue(&r.MaxFailed, "LIMIT", runner.ParseMaxFailed, runner.MaxFailed.String), "max-failed", "end with exit 3 when more than `LIMIT` of the run's rows end failed or invalid, stopping as soon as that is certain: a number of rows (0: any) or a percentage, like 2% (default: no limit)")
	fs.Var(cmdutil.NewValue(&r.MaxRecord, "SIZE", csvsource.ParseSize, csvsource.FormatSize), "max-record-size", "refuse (exit 2, nothing sent) an input whose record (one row, all its cells) is larger than `SIZE`, naming its line: memory stays bounded whatever the input (e.g. 4MiB)")
	fs.Var(cmdutil.NewValue(&o.logFormat, "F", cmdutil.OneOf("log format", logText, logJSON), cmdutil.Text, logText, logJSON), "log-format", "progress and diagnostic lines on stderr when it is not a terminal: text or json")
	fs.Var(cmdutil.NewValue(&o.progressEvery, "D", cmdutil.PositiveDuration, time.Duration.String), "progress-every", "how often a progress line is logged when stderr is not a terminal")
	return a.withEnv(c, map[string]string{"shop-id": envShopID, "api-url": envAPIURL}), o
}
