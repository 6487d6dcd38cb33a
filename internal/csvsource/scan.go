package csvsource

import "io"

// Scan makes a fast structural pass over the input with bare encoding/csv:
// no gocsv, and no allocation per row beyond the one string encoding/csv
// makes of each record. It strips the byte order mark, detects or uses the
// delimiter and checks the header like Open, and returns the number of data
// records, or the first structural problem as an *Error with its physical
// line, exactly as Source.Next would report it; rows then counts the records
// before the problem. It lets a caller refuse a broken file before doing
// any work, and gives a progress total.
func Scan(r io.Reader, opts Options) (rows int, err error) {
	return ScanFunc(r, opts, func(*Header, []string) {})
}
