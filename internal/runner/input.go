package runner

import (
	"context"
	"errors"
	"io"
	"os"

	"github.com/pcsync/pcsync/internal/csvsource"
	"github.com/pcsync/pcsync/internal/shard"
)

// inputFile is the opened input: the file itself, or a copy of standard input
// spooled to a temporary file (removed on close), so that it can be read
// more than once: the pre-scan, the run, and a resume's or a mirror's
// second pass.
type inputFile struct {
	*os.File
	name string // as the user gave it: a path, or "-"
	temp bool
}

// openInput opens name ("-": stdin, spooled) and scans it whole, so that a
// broken CSV is refused before any request is sent and progress has its
// total. It returns the number of data rows and, with a shard, the number
// of the shard's rows, counted in the same pass (one hash per row).
func openInput(ctx context.Context, name string, stdin io.Reader, opts csvsource.Options, spec shard.Spec) (in *inputFile, all, mine int, err error) {
	in = &inputFile{name: name}
	if name == "-" {
		if in.File, err = spool(stdin); err != nil {
			return nil, 0, 0, Usagef("cannot read standard input: %w", err)
		}
		in.temp = true
	} else if in.File, err = os.Open(name); err != nil {
		return nil, 0, 0, Usagef("cannot read input: %w", err)
	}
	all, mine, err = scan(ctxReader{ctx, in.File}, opts, spec)
	if err == nil {
		_, err = in.Seek(0, io.SeekStart)
	}
	if errors.Is(err, csvsource.ErrRecordTooLarge) {
		in.Close()
		return nil, 0, 0, Usagef("%s: %w (--max-record-size, env PCSYNC_MAX_RECORD_SIZE); nothing was sent", in.display(), err)
	}
	if err != nil {
		in.Close()
		return nil, 0, 0, Usagef("%s: %w; nothing was sent", in.display(), err)
	}
	if all == 0 {
		in.Close()
		return nil, 0, 0, Usagef("%s: the header has no rows under it; nothing to do", in.display())
	}
	return in, all, mine, nil
}

// Close closes the file, and removes a spooled copy.
func (in *inputFile) Close() error {
	err := in.File.Close()
	if in.temp {
		os.Remove(in.File.Name())
	}
	return err
}

// display names the input in messages.
func (in *inputFile) display() string { return displayName(in.name) }

// reopen opens the input's file anew, for a second pass.
func (in *inputFile) reopen() (*os.File, error) {
	f, err := os.Open(in.File.Name())
	if err != nil {
		return nil, Usagef("cannot read input: %w", err)
	}
	return f, nil
}

// ctxReader reads r until ctx is done: a pre-scan of a long input stops
// at a signal.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// spool copies r to a new temporary file, positioned at its start.
func spool(r io.Reader) (*os.File, error) {
	f, err := os.CreateTemp("", "pcsync-stdin-*.csv")
	if err != nil {
		return nil, err
	}
	if _, err = io.Copy(f, r); err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return f, nil
}

// scan is the structural pre-scan: the number of rows, and the number of
// the shard's rows (all of them without a shard).
func scan(r io.Reader, opts csvsource.Options, spec shard.Spec) (all, mine int, err error) {
	if !spec.On() {
		all, err = csvsource.Scan(r, opts)
		return all, all, err
	}
	var cols *shard.Columns
	all, err = csvsource.ScanFunc(r, opts, func(h *csvsource.Header, fields []string) {
		if cols == nil {
			c := shard.ColumnsOf(h)
			cols = &c
		}
		if cols.Has(spec, fields) {
			mine++
		}
	})
	return all, mine, err
}

// checkHeader refuses an input whose rows could never be sent.
func checkHeader(h csvsource.Header, defaultAction bool) error {
	if !h.Has("email") && !h.Has("phone") {
		return Usagef("the input has no email or phone column (its columns: %v)", h.Names)
	}
	if !h.Has("action") && !defaultAction {
		return Usagef("the input has no action column: give one, or --action for every row")
	}
	return nil
}

// displayName names an input in messages.
func displayName(input string) string {
	if input == "-" {
		return "standard input"
	}
	return input
}
