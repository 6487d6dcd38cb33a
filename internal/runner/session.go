package runner

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/pcsync/pcsync/internal/csvsource"
	"github.com/pcsync/pcsync/internal/dedupe"
	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/notify"
	"github.com/pcsync/pcsync/internal/shard"
	"github.com/pcsync/pcsync/internal/summary"
)

// Options is one run as the command line describes it.
type Options struct {
	Input     string        // the input's path; "-" reads Stdin (spooled to a temporary file)
	Stdin     io.Reader     // standard input
	Comma     rune          // the delimiter; 0 detects it from the header
	MaxRecord int64         // the largest input record, in bytes (0: no limit): a larger one is refused
	Map       csvsource.Map // --map: header names read as fields
	Encoding  string        // --encoding: the input's encoding ("": UTF-8, or UTF-16 recognised by its start)
	Sheet     string        // --sheet: the sheet of an .xlsx input ("": its first)
	Defaults  job.Defaults
	Shard     shard.Spec // K/N, the zero Spec: every row; Open sets its Key (ShardKey) and Country (Defaults.Country)
	ShardKey  shard.Key  // --shard-key: how rows are assigned to the shards
	Dedupe    bool       // send exact duplicates once
	Resume    bool       // finish an earlier run of the same input and results file

	State            string        // --state: the state file ("": none)
	Mirror           bool          // --mirror: the file is the segment's whole membership
	MaxRemovals      float64       // --mirror's guard: the share of the segment a run may remove
	StateLockTimeout time.Duration // how long to wait for another run's lock on the state (0: state's default)
	MaxFailed        MaxFailed     // --max-failed: stop past this many rows failed or invalid

	Out, Failed string // the results and failed-rows files; "" puts them beside the input; Out "-" is Stdout
	Stdout      io.Writer
	SummaryJSON string // the summary's file, checked against the run's other files ("": none)
	MetricsFile string // --metrics-file, for CheckMetricsFile ("": none)
	InvalidOut  string // with a dry run (Plan): every invalid row is written to this CSV ("": none)
	Notify      string // --notify: the webhook Report posts to ("": none)

	NotifyOptions notify.Options // --notify's bounds (zero: notify's defaults)

	// Observer hears what the run has to say, and when rows start and
	// stop being sent; nil hears nothing.
	Observer Observer
	// Reserve, when set, is told the bytes of data that live as long as
	// the run (the --dedupe table), so that the memory limit can make
	// room for them.
	Reserve func(bytes int)
}

// Observer is how a run talks to whoever watches it (the command's
// terminal UI). Its methods are called from the goroutine that called
// Open, Plan or Execute.
type Observer interface {
	// Notef says one thing about the run, at level.
	Notef(level slog.Level, format string, args ...any)
	// Started is called when rows are about to be sent: sum counts them
	// as they are recorded (safe to read meanwhile); total is the rows
	// this run will finish.
	Started(sum *summary.Summary, total int)
	// Stopped is called when every row has been recorded.
	Stopped()
}

// Session is one opened run: its input scanned and its header checked.
// Plan it (a dry run) or Execute it, then Close it.
type Session struct {
	opt       Options
	in        *inputFile
	src       *csvsource.Source
	all, mine int
}

// Open opens the input and checks, before anything is sent, what can be
// checked without credentials: the options, the whole input's structure
// (a broken CSV is refused) and its header. With a shard it counts the
// shard's rows in the same pass.
func Open(ctx context.Context, opt Options) (*Session, error) {
	if opt.Notify != "" {
		if err := notify.Check(opt.Notify); err != nil {
			return nil, Usagef("--notify: %v", err)
		}
	}
	if err := checkStateFlags(&opt); err != nil {
		return nil, err
	}
	// The shard reads national phones as validation does, so that a
	// row's shard is that of its contact as sent.
	opt.Shard.Key, opt.Shard.Country = opt.ShardKey, opt.Defaults.Country
	in, all, mine, detected, err := openInput(ctx, opt.Input, opt.Stdin, csvsource.Options{Comma: opt.Comma, Map: opt.Map, MaxRecord: opt.MaxRecord}, opt.Encoding, opt.Sheet, opt.Shard)
	if ierr := interrupted(ctx); ierr != nil {
		if err == nil {
			in.Close()
		}
		return nil, ierr
	}
	if err != nil {
		return nil, err
	}
	if detected == "xlsx" && opt.Observer != nil {
		opt.Observer.Notef(slog.LevelInfo, "%s is an .xlsx workbook: reading its sheet %s", in.display(), sheetName(opt.Sheet))
	} else if detected != "" && opt.Observer != nil {
		opt.Observer.Notef(slog.LevelInfo, "%s is %s text: read as such (--encoding %s)", in.display(), strings.ToUpper(detected), detected)
	}
	src, err := csvsource.Open(in, csvsource.Options{Comma: opt.Comma, Map: opt.Map, Scanned: true})
	if err != nil {
		in.Close()
		return nil, Usagef("%s: %w", in.display(), err)
	}
	if err := checkHeader(src.Header(), opt.Defaults.Action != ""); err != nil {
		src.Close()
		in.Close()
		return nil, err
	}
	return &Session{opt: opt, in: in, src: src, all: all, mine: mine}, nil
}

// Close closes the input (and removes a spooled copy of standard input).
func (s *Session) Close() error {
	s.src.Close()
	return s.in.Close()
}

// Rows returns the number of the input's data rows, and of those this
// run reads (with a shard, the shard's).
func (s *Session) Rows() (all, mine int) { return s.all, s.mine }

// shardNote says, with --shard, how many of the input's rows are this
// run's; "" without.
func (s *Session) shardNote() string {
	if !s.opt.Shard.On() {
		return ""
	}
	key := ""
	if s.opt.ShardKey != shard.KeySent {
		key = " (--shard-key " + s.opt.ShardKey.String() + ")"
	}
	return fmt.Sprintf("shard %s%s: %d of the input's %d rows are this shard's; the other shards' rows are neither sent nor recorded by this run",
		s.opt.Shard, key, s.mine, s.all)
}

// Header returns the input's header.
func (s *Session) Header() csvsource.Header { return s.src.Header() }

// rows is the rows this run reads: with a shard, only the shard's,
// numbered as in the input.
func (s *Session) rows() job.Rows {
	return shard.Filter(s.src, s.src.Header(), s.opt.Shard, nil)
}

// dedupe returns the --dedupe table, sized for the run's rows, or nil.
func (s *Session) dedupe(rows int) *dedupe.Table {
	if !s.opt.Dedupe {
		return nil
	}
	t := dedupe.New(rows)
	if s.opt.Reserve != nil {
		s.opt.Reserve(t.Bytes())
	}
	return t
}

func (s *Session) notef(level slog.Level, format string, args ...any) {
	if s.opt.Observer != nil {
		s.opt.Observer.Notef(level, format, args...)
	}
}

// dryRunSamples is how many invalid rows a dry run lists.
const dryRunSamples = 10

// Plan validates every row this run reads and returns what a run to t
// would do, with an example of the request of each action (t needs no
// secret); it sends nothing and writes nothing (but --invalid-out). With
// --state it reads the state (checked against t's shop, if it names one)
// and never writes it.
func (s *Session) Plan(ctx context.Context, t Target) (*Plan, error) {
	examples, err := t.client(true)
	if err != nil {
		return nil, err
	}
	inc, err := openIncremental(ctx, &s.opt, s.in.Name(), s.src.Header(), strings.TrimSpace(t.Creds.ShopID), true)
	if err != nil {
		return nil, err
	}
	defer inc.close()
	inv, err := s.openInvalidOut()
	if err != nil {
		return nil, err
	}
	var onInvalid func(*job.Row, error) error
	if inv != nil {
		onInvalid = inv.write
	}
	p, err := makePlan(ctx, s.rows(), s.opt.Defaults, s.dedupe(s.mine), inc.incremental(), dryRunSamples, onInvalid)
	p.Blank = s.src.Blank()
	if inv != nil {
		if cerr := inv.close(err == nil); err == nil && cerr != nil {
			return nil, fmt.Errorf("--invalid-out %s: %w", s.opt.InvalidOut, cerr)
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, Usagef("%w", err)
	}
	p.Shard, p.ShardNote, p.Dedupe, p.InvalidOut = s.opt.Shard, s.shardNote(), s.opt.Dedupe, s.opt.InvalidOut
	p.ColumnInfo, p.ColumnWarn = s.ColumnNotes()
	if inc != nil {
		p.State = &StatePlan{Path: s.opt.State, Exists: inc.store.Exists()}
		p.Mirror = inc.mirrorPlan(s.opt.MaxRemovals)
	}
	if err := p.buildExamples(ctx, examples); err != nil {
		return nil, err
	}
	return p, nil
}
