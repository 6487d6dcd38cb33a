package csvsource

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// ErrRecordTooLarge reports a record longer than Options.MaxRecord: Scan
// and ScanFunc stop reading at it, so that memory stays bounded whatever
// the input.
var ErrRecordTooLarge = errors.New("record too large")

// limitedReader hands on the input's bytes up to allowed, then fails with
// ErrRecordTooLarge. ScanFunc moves allowed on after every record: past
// where the record ends by the limit, plus the read-ahead of the buffer.
type limitedReader struct {
	r       io.Reader
	read    int64 // bytes handed on
	allowed int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	room := l.allowed - l.read
	if room <= 0 {
		return 0, ErrRecordTooLarge
	}
	if int64(len(p)) > room {
		p = p[:room]
	}
	n, err := l.r.Read(p)
	l.read += int64(n)
	return n, err
}

// recordLimit follows the records of a scan to bound each one's size.
type recordLimit struct {
	lr       *limitedReader
	max      int64
	end      int64 // where the last record read ends
	nextLine int   // the line where the next record starts
}

// newRecordLimit wraps r when max > 0; the limit is nil otherwise.
func newRecordLimit(r io.Reader, max int64) (io.Reader, *recordLimit) {
	if max <= 0 {
		return r, nil
	}
	// The byte order mark (3 bytes) is read before encoding/csv counts.
	lr := &limitedReader{r: r, allowed: max + bufferSize + 3}
	return lr, &recordLimit{lr: lr, max: max, nextLine: 1}
}

// passed checks a record read whole and moves the limit past it: offset
// is where it ends (csv.Reader.InputOffset), line where its last field
// starts. It fails with ErrRecordTooLarge when the record is over the
// limit (the reader's limit only bounds memory: it lets a buffer more
// through).
func (rl *recordLimit) passed(offset int64, line int, lastField string) error {
	if rl == nil {
		return nil
	}
	if offset-rl.end > rl.max {
		return ErrRecordTooLarge
	}
	rl.end = offset
	rl.lr.allowed = offset + rl.max + bufferSize + 3
	rl.nextLine = line + strings.Count(lastField, "\n") + 1
	return nil
}

// error returns err as the scan reports it: a record over the limit as an
// *Error at the line where it starts.
func (rl *recordLimit) error(err error) (*Error, bool) {
	if rl == nil || !errors.Is(err, ErrRecordTooLarge) {
		return nil, false
	}
	return &Error{Line: rl.nextLine, Err: &detailError{
		msg: "the record is larger than " + FormatSize(rl.max),
		err: ErrRecordTooLarge,
	}}, true
}

// ParseSize reads a number of bytes, at least 1, as --max-record-size
// takes it: 1048576, 1MiB, 512KiB, 64K, 2M, 1GiB (K, M and G are binary
// too).
func ParseSize(v string) (int64, error) {
	v = strings.TrimSpace(v)
	scale := int64(1)
	for _, u := range []struct {
		suffix string
		scale  int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}} {
		if p, ok := strings.CutSuffix(v, u.suffix); ok {
			v, scale = strings.TrimSpace(p), u.scale
			break
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 || n > math.MaxInt64/scale {
		return 0, fmt.Errorf("want a size in bytes, like 1048576, 512KiB or 4MiB")
	}
	return n * scale, nil
}

// FormatSize writes a number of bytes as ParseSize reads it: 1MiB, 512KiB,
// 1000 (bytes).
func FormatSize(n int64) string {
	for _, u := range []struct {
		name string
		size int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n >= u.size && n%u.size == 0 {
			return strconv.FormatInt(n/u.size, 10) + u.name
		}
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
