package csvsource

import (
	"errors"
	"io"
	"sync"

	"github.com/gocarina/gocsv"
)

// rowBuffer is how many decoded Records may wait for Next.
const rowBuffer = 256

// Options configures a Source.
type Options struct {
	Comma rune // 0 = detect from the header line: the most frequent of ',', ';', '\t' outside quotes (ties and none → ',')
}

// Row is one data record of the input.
type Row struct {
	Index  int      // 1-based index of the data record, header not counted
	Line   int      // 1-based physical line on which the record starts (quoted fields may span lines)
	Record Record   // the known columns, decoded by gocsv
	Fields []string // the record's fields verbatim, in file column order (never reused or overwritten)
}

// Source streams the rows of a CSV input. Rows are decoded by gocsv on a
// goroutine of their own, a bounded number ahead of Next; Close stops it.
// A Source is not safe for concurrent use.
type Source struct {
	header Header

	records   chan Record   // from gocsv, closed when it returns
	pending   []pending     // ring of cap(records)+2 written by the decoder, see decoder
	done      chan struct{} // closed by Close: the decoder stops
	finished  chan struct{} // closed when the goroutine has returned
	decodeErr error         // gocsv's result; read only after finished

	batch     []Row // rows taken from records and not yet returned, from head
	head      int
	drained   bool // records was closed while filling batch
	index     int
	err       error // returned by every later Next
	closeOnce sync.Once
}

// Open reads the header and returns a Source ready to stream rows. The
// caller must Close it, even after io.EOF. Open reads ahead: r is read by
// the Source until Close returns.
//
// Problems with the input are returned as an *Error with Line set: empty
// input (ErrEmpty), a header that is not valid CSV, a known column named
// twice such as "Email" and "email " (ErrDuplicateColumn), UTF-16 text
// (ErrUTF16), lines ended by a lone carriage return (ErrBareCR). Header
// names may be empty or repeated for columns Record does not know. An
// invalid Options.Comma is a plain error.
func Open(r io.Reader, opts Options) (*Source, error) {
	return open(r, opts, rowBuffer)
}

// open is Open with the size of the Record buffer as a parameter, so tests
// can make gocsv and Next take turns as tightly as possible.
func open(r io.Reader, opts Options, buffer int) (*Source, error) {
	cr, h, err := readHeader(r, opts, false)
	if err != nil {
		return nil, err
	}
	s := &Source{
		header:   h,
		records:  make(chan Record, buffer),
		batch:    make([]Row, 0, max(buffer, 1)),
		pending:  make([]pending, buffer+2),
		done:     make(chan struct{}),
		finished: make(chan struct{}),
	}
	d := newDecoder(cr, h, s.pending, s.done)
	go s.decode(d)
	return s, nil
}

// decode runs gocsv over d until the end of the input, an error or Close.
func (s *Source) decode(d *decoder) {
	defer close(s.finished)
	s.decodeErr = gocsv.UnmarshalDecoderToChan(d, s.records)
}

// Header returns the input's header. Its slices must not be modified.
func (s *Source) Header() Header { return s.header }

// Next returns the next row, io.EOF after the last one, or an *Error naming
// the physical line for input that is not valid CSV: an unbalanced quote, a
// bare quote in an unquoted field (csv.ErrQuote, csv.ErrBareQuote), a record
// whose number of fields differs from the header's (csv.ErrFieldCount), or
// a failure to read. After an error other than io.EOF, Next keeps returning
// it. After Close, Next returns ErrClosed.
func (s *Source) Next() (Row, error) {
	if s.head < len(s.batch) {
		r := s.batch[s.head]
		s.batch[s.head] = Row{} // the caller owns it now
		s.head++
		return r, nil
	}
	if s.err != nil {
		return Row{}, s.err
	}
	if !s.fill() {
		<-s.finished
		s.err = s.endErr()
		return Row{}, s.err
	}
	return s.Next()
}

// fill waits for the next Record, then takes every other one already
// waiting, so that gocsv, blocked on a full channel, is woken once per
// batch rather than once per row. Each Record is paired with its slot as
// soon as it is received (see Pairing in decoder.go). It returns false once
// the channel is closed and nothing was taken.
func (s *Source) fill() bool {
	s.batch, s.head = s.batch[:0], 0
	if s.drained {
		return false
	}
	rec, ok := <-s.records
	for ok {
		p := s.pending[s.index%len(s.pending)]
		s.index++
		s.batch = append(s.batch, Row{Index: s.index, Line: p.line, Record: rec, Fields: p.fields})
		if len(s.batch) == cap(s.batch) {
			break
		}
		select {
		case rec, ok = <-s.records:
		default:
			return true
		}
	}
	if !ok {
		s.drained = true
	}
	return len(s.batch) > 0
}

// endErr is what Next returns once gocsv has returned.
func (s *Source) endErr() error {
	var e *Error
	switch err := s.decodeErr; {
	case err == nil:
		return io.EOF
	case errors.As(err, &e), errors.Is(err, ErrClosed):
		return err
	default:
		return &Error{Err: err} // from gocsv itself
	}
}

// Close stops decoding and waits for the decoding goroutine to return,
// which includes waiting for a read from the input in progress. It is safe
// to call more than once, but not concurrently with Next. Next after Close
// returns ErrClosed.
func (s *Source) Close() error {
	s.closeOnce.Do(func() {
		close(s.done)
		// gocsv may be blocked sending a Record; it closes the channel
		// when the decoder fails with ErrClosed or the input ends.
		for range s.records {
		}
		<-s.finished
		s.batch, s.head = s.batch[:0], 0
		s.err = ErrClosed
	})
	return nil
}
