package csvsource

import (
	"encoding/csv"
	"errors"
	"io"
)

// pending is what the decoder keeps of a record while gocsv turns it into a
// Record: its verbatim fields and the physical line it starts on.
type pending struct {
	fields []string
	line   int
}

// errRowsUnsupported is returned by decoder.GetCSVRows: rows are streamed.
var errRowsUnsupported = errors.New("csvsource: the decoder streams rows one at a time")

// decoder is the gocsv.SimpleDecoder that Source hands to
// gocsv.UnmarshalDecoderToChan. It runs on gocsv's goroutine.
//
// gocsv sees a header of the known keys only, in file order, and for each
// record the matching fields: gocsv never meets an unknown, empty or
// repeated name, so gocsv.FailIfDoubleHeaderNames cannot trip on the input.
// (gocsv.FailIfUnmatchedStructTags would: pcsync must leave it false.)
//
// # Pairing
//
// gocsv calls GetCSVRow for record k, decodes it and sends the Record on a
// channel of capacity C; only then does it call GetCSVRow for record k+1,
// possibly before Source has taken Record k. Before returning record k, the
// decoder stores its fields and line in the ring pending, of N = C+2 slots,
// at slot (k-1) mod N: "record k's slot". Source.fill, having received
// Record k, reads record k's slot at once. That is race-free without a lock
// of its own:
//
//   - The decoder writes record k's slot before gocsv sends Record k,
//     which happens before fill receives Record k and reads the slot.
//   - The slot is written next for record k+N, after gocsv's send of
//     Record k+N-1 = k+C+1 has completed. By the Go memory model, fill's
//     receive of Record k+1 happens before that send completes, and fill
//     reads record k's slot before it receives Record k+1.
//
// The ring costs no channel operation per row. A second channel, as a
// FIFO, made streaming about 10% slower, mostly in lock contention.
// TestPairing checks the pairing under the race detector with channels of
// several capacities; with a ring one slot shorter it fails.
type decoder struct {
	r     *csv.Reader
	names []string // header names, for errors

	keys       []string // the header gocsv sees
	headerSent bool
	cols       []int    // file column of each of keys; nil when the file has only known columns
	proj       []string // reused projection of a record onto cols: gocsv is done with it before asking for the next

	pending []pending       // ring shared with Source: see Pairing above
	n       int             // records returned so far
	done    <-chan struct{} // closed by Source.Close
}

// newDecoder returns a decoder reading data records from r, which is
// positioned after the header h.
func newDecoder(r *csv.Reader, h Header, pending []pending, done <-chan struct{}) *decoder {
	d := &decoder{r: r, names: h.Names, pending: pending, done: done, keys: make([]string, 0, len(knownKeys))}
	var cols []int
	for i, k := range h.Keys {
		if knownIndex(k) >= 0 {
			d.keys = append(d.keys, k)
			cols = append(cols, i)
		}
	}
	if len(cols) < len(h.Keys) {
		d.cols = cols
		d.proj = make([]string, len(cols))
	}
	return d
}

// GetCSVRow returns the normalized header on the first call, then the next
// record's known fields; io.EOF at the end; an *Error for a broken record;
// ErrClosed once the Source is closed.
func (d *decoder) GetCSVRow() ([]string, error) {
	if !d.headerSent {
		d.headerSent = true
		return d.keys, nil
	}
	select {
	case <-d.done:
		return nil, ErrClosed
	default:
	}

	fields, err := d.r.Read()
	if err != nil {
		if err == io.EOF {
			return nil, io.EOF
		}
		return nil, readError(err, fields, d.names)
	}
	line, _ := d.r.FieldPos(0)
	d.pending[d.n%len(d.pending)] = pending{fields: fields, line: line}
	d.n++

	if d.cols == nil {
		return fields, nil
	}
	for i, c := range d.cols {
		d.proj[i] = fields[c]
	}
	return d.proj, nil
}

// GetCSVRows is required by gocsv.SimpleDecoder but not used by
// gocsv.UnmarshalDecoderToChan; it fails rather than read the whole input.
func (d *decoder) GetCSVRows() ([][]string, error) {
	return nil, errRowsUnsupported
}
