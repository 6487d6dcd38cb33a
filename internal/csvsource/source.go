package csvsource

import (
	"io"

	"github.com/gocarina/gocsv"

	"github.com/pcsync/pcsync/internal/job"
)

// rowBuffer is how many records a batch holds: read, then decoded by gocsv
// in one call.
const rowBuffer = 256

// Options configures a Source.
type Options struct {
	Comma rune // 0 = detect from the header line: the most frequent of ',', ';', '\t' outside quotes (ties and none → ',')
	Map   Map  // --map: header names read as fields, besides the fields' own names and the built-in synonyms
	// Literal reads columns by the fields' own names only, without the
	// synonyms: for pcsync's own files (results), whose input columns
	// were mapped by the run that wrote them.
	Literal bool
	// Scanned says the input has passed Scan (or ScanFunc) with these
	// options: Next then skips the checks Scan made of every field (UTF-8).
	Scanned bool
	// MaxRecord bounds the size in bytes of one record for Scan and
	// ScanFunc (0: no bound); see ErrRecordTooLarge.
	MaxRecord int64
}

// Source streams the rows of a CSV input. Next reads and decodes them a
// batch at a time (rowBuffer records), with gocsv, on the caller's
// goroutine. A Source is not safe for concurrent use.
type Source struct {
	header Header
	dec    *decoder
	recs   []job.Record // gocsv's output for the batch, reused

	batch []job.Row // rows of the batch not yet returned, from head
	head  int
	err   error // returned by every later Next
}

// Open reads the header and returns a Source ready to stream rows; r is
// read as Next needs it, a batch ahead at most. Close ends the Source.
//
// Problems with the input are returned as an *Error with Line set: empty
// input (ErrEmpty), a header that is not valid CSV, a known column named
// twice such as "Email" and "email " (ErrDuplicateColumn), UTF-16 text
// (ErrUTF16), lines ended by a lone carriage return (ErrBareCR). Header
// names may be empty or repeated for columns job.Record does not know. An
// invalid Options.Comma is a plain error.
func Open(r io.Reader, opts Options) (*Source, error) {
	return open(r, opts, rowBuffer)
}

// open is Open with the batch size as a parameter, so tests can make
// batches end anywhere.
func open(r io.Reader, opts Options, batch int) (*Source, error) {
	cr, h, err := readHeader(r, opts, false)
	if err != nil {
		return nil, err
	}
	batch = max(batch, 1)
	return &Source{
		header: h,
		dec:    newDecoder(cr, h, batch, !opts.Scanned),
		recs:   make([]job.Record, batch),
		batch:  make([]job.Row, 0, batch),
	}, nil
}

// Header returns the input's header. Its slices must not be modified.
func (s *Source) Header() Header { return s.header }

// Next returns the next row, io.EOF after the last one, or an *Error naming
// the physical line for input that is not valid CSV: an unbalanced quote, a
// bare quote in an unquoted field (csv.ErrQuote, csv.ErrBareQuote), a record
// whose number of fields differs from the header's (csv.ErrFieldCount), or
// a failure to read. After an error other than io.EOF, Next keeps returning
// it. After Close, Next returns ErrClosed.
func (s *Source) Next() (job.Row, error) {
	if s.head < len(s.batch) {
		r := s.batch[s.head]
		s.batch[s.head] = job.Row{} // the caller owns it now
		s.head++
		return r, nil
	}
	if s.err != nil {
		return job.Row{}, s.err
	}
	if err := s.fill(); err != nil {
		s.err = err
		return job.Row{}, err
	}
	return s.Next()
}

// fill reads the next batch and has gocsv decode it; it returns io.EOF at
// the end of the input, or the error that stopped it.
func (s *Source) fill() error {
	s.batch, s.head = s.batch[:0], 0
	n, err := s.dec.read()
	if n == 0 {
		return err
	}
	recs := s.recs[:n]
	if err := gocsv.UnmarshalDecoder(s.dec, &recs); err != nil {
		return &Error{Err: err} // from gocsv itself
	}
	for k := range recs {
		s.batch = append(s.batch, job.Row{Index: s.dec.index[k], Line: s.dec.lines[k], Record: recs[k], Fields: s.dec.fields[k]})
	}
	return nil
}

// Blank returns how many blank rows (every cell empty or white space) Next
// has skipped so far. A blank row is not returned, but keeps its number:
// the row after it is numbered as if it were there.
func (s *Source) Blank() int { return s.dec.blank }

// Close ends the Source: Next then returns ErrClosed. Nothing runs in the
// background, so there is nothing to stop or wait for. It is safe to call
// more than once, but not concurrently with Next.
func (s *Source) Close() error {
	s.batch, s.head = s.batch[:0], 0
	s.err = ErrClosed
	return nil
}
