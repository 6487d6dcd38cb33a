// Package results writes what happened to every row: the results file, one
// record per input row, and the failed-rows file, which pcsync accepts as
// input again.
package results

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/pcsync/pcsync/internal/api"
	"github.com/pcsync/pcsync/internal/csvsource"
	"github.com/pcsync/pcsync/internal/job"
)

// The columns pcsync adds to the results file, around the input's own.
const (
	ColRow        = "row"
	ColStatus     = "status"
	ColHTTPStatus = "http_status"
	ColAttempts   = "attempts"
	ColError      = "error"
	ColSegments   = "segments"
)

// Own lists the results file's own columns: ColRow first, the others after
// the input's columns.
var Own = []string{ColRow, ColStatus, ColHTTPStatus, ColAttempts, ColError, ColSegments}

// ColAction is the action column pcsync adds to the results, between the
// input's columns and ColStatus, when the input has none (every row's
// action came from --action): it holds the action used, so that the
// results always say each row's action. An input's own action column is
// written back as it is instead, and not renamed.
const ColAction = "action"

// The columns pcsync adds to the failed-rows file after the input's own,
// besides ColError: the row's number and line in the first run's input.
// They are not named like one of Own, so a failed-rows file fed back in
// carries them into its results as they are: a run over a failed-rows file
// says each row's original number there, while its ColRow is the row's
// index in the file it ran (which --resume goes by). A failed-rows file of
// a failed-rows file keeps the numbers it was given.
const (
	ColOriginalRow  = "original_row"
	ColOriginalLine = "original_line"
)

// InputPrefix is put before an input column whose name is one of Own, so
// that the results header never names a column twice.
const InputPrefix = "input_"

// Writer writes results as rows finish. It is not safe for concurrent use:
// one goroutine owns it.
type Writer struct {
	res, fail  *csv.Writer
	nIn        int
	errorCol   int  // index of the input's own "error" column, -1 if none
	origRow    int  // index of the input's own ColOriginalRow column, -1 if none
	origLine   int  // index of the input's own ColOriginalLine column, -1 if none
	addAction  bool // the input has no action column: write ColAction
	resRecord  []string
	failRecord []string
	scrub      *strings.Replacer
}

// Options configures a Writer.
type Options struct {
	// Scrub lists strings (the shop secret) that must never reach a file;
	// any occurrence in the text pcsync writes is replaced by [REDACTED].
	Scrub []string
	// Append: the results file already has its header (a resumed run).
	Append bool
	// BOM starts both files with a UTF-8 byte order mark (the results
	// file only when not appending), as the input was (Header.BOM); lines
	// end with CRLF when the input's do (Header.CRLF).
	BOM bool
}

// NewWriter writes the headers of both files, in the input's delimiter, and
// returns a Writer for the rows. failed may be nil.
func NewWriter(results, failed io.Writer, h csvsource.Header, opt Options) (*Writer, error) {
	w := &Writer{nIn: len(h.Names), errorCol: DroppedInput(h), addAction: !h.Has(ColAction),
		origRow: h.Index(ColOriginalRow), origLine: h.Index(ColOriginalLine)}
	var pairs []string
	for _, s := range opt.Scrub {
		if s != "" {
			pairs = append(pairs, s, "[REDACTED]")
		}
	}
	if len(pairs) > 0 {
		w.scrub = strings.NewReplacer(pairs...)
	}
	w.res = newCSV(results, h.Comma)
	w.res.UseCRLF = h.CRLF
	if opt.BOM && !opt.Append {
		if _, err := io.WriteString(results, "\uFEFF"); err != nil {
			return nil, err
		}
	}
	if !opt.Append {
		if err := w.res.Write(ResultsHeader(h)); err != nil {
			return nil, err
		}
	}
	w.resRecord = make([]string, 0, w.nIn+len(Own)+1)
	if failed != nil {
		w.fail = newCSV(failed, h.Comma)
		w.fail.UseCRLF = h.CRLF
		if opt.BOM {
			if _, err := io.WriteString(failed, "\uFEFF"); err != nil {
				return nil, err
			}
		}
		if err := w.fail.Write(FailedHeader(h)); err != nil {
			return nil, err
		}
		w.failRecord = make([]string, 0, w.nIn+3)
	}
	return w, w.Flush()
}

func newCSV(out io.Writer, comma rune) *csv.Writer {
	c := csv.NewWriter(out)
	if comma != 0 {
		c.Comma = comma
	}
	return c
}

// ResultsHeader returns the results file's header for an input header:
// ColRow, the input's columns but the one DroppedInput names, ColAction
// when the input has none, then the rest of Own.
func ResultsHeader(h csvsource.Header) []string {
	out := make([]string, 0, len(h.Names)+len(Own)+1)
	out = append(out, ColRow)
	drop := DroppedInput(h)
	for i, name := range h.Names {
		if i == drop {
			continue
		}
		if isOwn(h.Keys[i]) {
			name = InputPrefix + name
		}
		out = append(out, name)
	}
	if !h.Has(ColAction) {
		out = append(out, ColAction)
	}
	return append(out, Own[1:]...)
}

// FailedHeader returns the failed-rows file's header: the input's own,
// then ColOriginalRow, ColOriginalLine and ColError, each added unless the
// input already has it (a failed-rows file fed back in): the input's
// original numbers are then kept, and its error replaced.
func FailedHeader(h csvsource.Header) []string {
	out := append([]string(nil), h.Names...)
	for _, col := range []string{ColOriginalRow, ColOriginalLine, ColError} {
		if h.Index(col) < 0 {
			out = append(out, col)
		}
	}
	return out
}

// DroppedInput returns the index of the input column the results do not
// carry, or -1: the input's own ColError column (the error of an earlier
// run, when the input is a failed-rows file), which the results' own
// ColError replaces.
func DroppedInput(h csvsource.Header) int { return h.Index(ColError) }

// KeptInput appends to dst the fields of an input row that the results
// carry: all but the one DroppedInput names.
func KeptInput(dst []string, fields []string, drop int) []string {
	if drop < 0 || drop >= len(fields) {
		return append(dst, fields...)
	}
	return append(append(dst, fields[:drop]...), fields[drop+1:]...)
}

func isOwn(key string) bool {
	for _, o := range Own {
		if key == o {
			return true
		}
	}
	return false
}

// Write records one result, and the row in the failed-rows file when it did
// not end done. A result whose row is not an input row (job.OriginMirror: a removal
// of --mirror) has an empty row column and never goes to the failed-rows
// file, which is input again: the next mirrored run retries it.
// Records reach the underlying writers on Flush.
func (w *Writer) Write(r *job.Result) error {
	msg := w.text(r.Error)
	rec := append(w.resRecord[:0], rowNumber(&r.Row))
	rec = KeptInput(rec, r.Row.Fields, w.errorCol)
	if w.addAction {
		rec = append(rec, string(r.Action))
	}
	rec = append(rec, r.Status.String(), itoaOrEmpty(r.HTTPStatus), strconv.Itoa(r.Attempts), msg, w.text(FormatSegments(r.Segments)))
	if err := w.res.Write(rec); err != nil {
		return err
	}
	return w.writeFailed(r, msg)
}

// WriteFailed records r in the failed-rows file alone, when it did not
// end done: for a run whose results file can no longer be written.
func (w *Writer) WriteFailed(r *job.Result) error {
	return w.writeFailed(r, w.text(r.Error))
}

// FlushFailed hands the failed-rows file's records to its writer.
func (w *Writer) FlushFailed() error {
	if w.fail == nil {
		return nil
	}
	w.fail.Flush()
	return w.fail.Error()
}

// writeFailed writes r, whose error text is msg, to the failed-rows file
// when it belongs there.
func (w *Writer) writeFailed(r *job.Result, msg string) error {
	if w.fail == nil || r.Status.Done() || !r.Row.FromInput() {
		return nil
	}
	frec := append(w.failRecord[:0], r.Row.Fields...)
	for _, c := range [...]struct {
		col int
		n   int
	}{{w.origRow, r.Row.Index}, {w.origLine, r.Row.Line}} {
		switch {
		case c.col < 0:
			frec = append(frec, strconv.Itoa(c.n))
		case frec[c.col] == "": // kept when the input has it: the first run's
			frec[c.col] = strconv.Itoa(c.n)
		}
	}
	if w.errorCol >= 0 {
		frec[w.errorCol] = msg
	} else {
		frec = append(frec, msg)
	}
	return w.fail.Write(frec)
}

// Flush hands every record written so far to the underlying writers and
// reports the first error either file met.
func (w *Writer) Flush() error {
	w.res.Flush()
	err := w.res.Error()
	if w.fail != nil {
		w.fail.Flush()
		if ferr := w.fail.Error(); err == nil {
			err = ferr
		}
	}
	return err
}

// Text returns s as Write puts an error message in the files: scrubbed of
// secrets, defused. A summary groups messages by this text, so that a
// report of the results file finds the same groups.
func (w *Writer) Text(s string) string { return w.text(s) }

// text makes a cell pcsync writes from its own or the server's words safe:
// no secret, no line breaks, and no formula when opened in a spreadsheet.
func (w *Writer) text(s string) string {
	if s == "" {
		return s
	}
	if w.scrub != nil {
		s = w.scrub.Replace(s)
	}
	return Defuse(api.RedactUserinfo(s))
}

// Defuse keeps a spreadsheet from reading s as a formula (CSV injection): a
// cell starting with = + - @, a tab or a carriage return gets a leading
// apostrophe. Line breaks become spaces.
func Defuse(s string) string {
	if strings.ContainsAny(s, "\r\n") {
		s = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
	}
	if s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		return "'" + s
	}
	return s
}

func itoaOrEmpty(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// rowNumber is the row column of a result: the input row's number, empty
// for a row the run added (a removal of --mirror).
func rowNumber(r *job.Row) string {
	if !r.FromInput() {
		return ""
	}
	return strconv.Itoa(r.Index)
}
