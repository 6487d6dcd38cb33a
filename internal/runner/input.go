package runner

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/text/transform"

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
//
// An input in another encoding than UTF-8 (enc, or UTF-16 recognised by
// its byte order mark or its zero bytes when enc is "") is read through a
// UTF-8 copy in a temporary file; detected names the encoding recognised.
func openInput(ctx context.Context, name string, stdin io.Reader, opts csvsource.Options, enc, sheet string, spec shard.Spec) (in *inputFile, all, mine int, detected string, err error) {
	in = &inputFile{name: name}
	if name == "-" {
		if in.File, err = spool(stdin); err != nil {
			return nil, 0, 0, "", Usagef("cannot read standard input: %w", err)
		}
		in.temp = true
	} else if in.File, err = os.Open(name); err != nil {
		return nil, 0, 0, "", Usagef("cannot read input: %w", err)
	} else if fi, serr := in.File.Stat(); serr == nil && !fi.Mode().IsRegular() {
		// A FIFO, a device or a process substitution (<(...)): read once,
		// like standard input, so it is spooled to be read again.
		pipe := in.File
		in.File, err = spool(ctxReader{ctx, pipe})
		pipe.Close()
		if err != nil {
			return nil, 0, 0, "", Usagef("cannot read input: %w", err)
		}
		in.temp = true
	}
	if detected, err = in.decode(enc, sheet, opts.Comma); err != nil {
		in.Close()
		return nil, 0, 0, "", Usagef("%s: %w", in.display(), err)
	}
	all, mine, err = scan(ctxReader{ctx, in.File}, opts, spec)
	if err == nil {
		_, err = in.Seek(0, io.SeekStart)
	}
	if errors.Is(err, csvsource.ErrRecordTooLarge) {
		in.Close()
		return nil, 0, 0, "", Usagef("%s: %w (--max-record-size, env PCSYNC_MAX_RECORD_SIZE); nothing was sent", in.display(), err)
	}
	if err != nil {
		in.Close()
		return nil, 0, 0, "", Usagef("%s: %w; nothing was sent", in.display(), err)
	}
	if all == 0 {
		in.Close()
		return nil, 0, 0, "", Usagef("%s: the header has no rows under it; nothing to do", in.display())
	}
	return in, all, mine, detected, nil
}

// decode replaces the file by a UTF-8 copy when it is in another encoding:
// enc (an --encoding name), or with enc "" UTF-16 recognised by its start,
// whose name it returns.
// A workbook is recognised by its bytes, whatever its name: an .xlsx is
// read through a CSV copy of its sheet (sheet, or its first), written with
// comma; an .xls is refused.
func (in *inputFile) decode(enc, sheet string, comma rune) (detected string, err error) {
	head := make([]byte, 512)
	n, err := io.ReadFull(in.File, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return "", err
	}
	if _, err := in.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	switch wb := csvsource.Workbook(head[:n]); {
	case wb == "xlsx":
		copied, err := spoolFunc(func(w io.Writer) error { return csvsource.WorkbookToCSV(w, in.File, sheet, comma) })
		if err != nil {
			return "", err
		}
		in.Close()
		in.File, in.temp = copied, true
		return "xlsx", nil
	case wb != "":
		return "", fmt.Errorf("an .%s file (Excel 97-2003): %w", wb, csvsource.ErrWorkbook)
	case sheet != "":
		return "", fmt.Errorf("--sheet %s: the input is not an .xlsx workbook", csvsource.Quote(sheet))
	}
	if enc == "" {
		if enc = csvsource.DetectUTF16(head[:n]); enc == "" {
			return "", nil
		}
		detected = enc
	}
	e, err := csvsource.ParseEncoding(enc)
	if err != nil || e == nil {
		return "", err
	}
	copied, err := spool(transform.NewReader(in.File, e.NewDecoder()))
	if err != nil {
		return "", fmt.Errorf("reading it as %s: %w", enc, err)
	}
	in.Close()
	in.File, in.temp = copied, true
	return detected, nil
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
	return spoolFunc(func(w io.Writer) error {
		_, err := io.Copy(w, r)
		return err
	})
}

// spoolFunc has write fill a new temporary file, and returns it positioned
// at its start.
func spoolFunc(write func(io.Writer) error) (*os.File, error) {
	f, err := os.CreateTemp("", "pcsync-stdin-*.csv")
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	if err = write(bw); err == nil {
		err = bw.Flush()
	}
	if err == nil {
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
	if h.Field("email") < 0 && h.Field("phone") < 0 {
		for _, name := range h.Names {
			if looksLikeData(name) {
				return Usagef("the first line looks like data (%s): add a header line such as `email`", csvsource.Quote(name))
			}
		}
		names := make([]string, len(h.Names))
		for i, n := range h.Names {
			names[i] = csvsource.Quote(n)
		}
		return Usagef("the input has no email or phone column (its columns: %s); name one email or phone, or map it: --map 'Header=email'",
			strings.Join(names, ", "))
	}
	if h.Field("action") < 0 && !defaultAction {
		return Usagef("the input has no action column: give one, or --action for every row")
	}
	return nil
}

// looksLikeData reports whether a header name is rather a contact: an
// email address, or a phone number (digits, with + ( ) - . and spaces).
func looksLikeData(name string) bool {
	v := strings.TrimSpace(name)
	if at := strings.IndexByte(v, '@'); at > 0 && strings.IndexByte(v[at:], '.') > 0 {
		return true
	}
	digits := 0
	for _, c := range v {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case strings.ContainsRune("+()-. ", c):
		default:
			return false
		}
	}
	return digits >= 6
}

// displayName names an input in messages.
func displayName(input string) string {
	if input == "-" {
		return "standard input"
	}
	return input
}

// sheetName names the sheet --sheet chose, for messages.
func sheetName(sheet string) string {
	if sheet == "" {
		return "(the first)"
	}
	return csvsource.Quote(sheet)
}
