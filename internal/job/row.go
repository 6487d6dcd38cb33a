package job

// Record holds the columns pcsync understands, decoded from the input by
// the normalized header (see csvsource). Columns missing from the input
// leave their field empty. The tags are the normalized column names.
type Record struct {
	Email              string `csv:"email"`
	Phone              string `csv:"phone"`
	Action             string `csv:"action"`
	SegmentID          string `csv:"segment_id"`
	Event              string `csv:"event"`
	EmailBulk          string `csv:"email_bulk"`
	EmailChain         string `csv:"email_chain"`
	EmailTransactional string `csv:"email_transactional"`
	SMSBulk            string `csv:"sms_bulk"`
	SMSChain           string `csv:"sms_chain"`
	SMSTransactional   string `csv:"sms_transactional"`
}

// Origin says where a row comes from.
type Origin uint8

// The origins of a row.
const (
	// OriginInput is a data record of the input file.
	OriginInput Origin = iota
	// OriginMirror is a removal a mirrored run (--mirror) adds after the
	// input's rows: a contact the state holds in the segment that the
	// file lacks. It has no row number or line, and never goes to the
	// failed-rows file (the next mirrored run retries it).
	OriginMirror
)

// Row is one row of a run: a data record of the input, or a row the run
// adds itself (see Origin).
type Row struct {
	Index  int      // 1-based index of the data record, header not counted; 0 when not from the input
	Line   int      // 1-based physical line on which the record starts (quoted fields may span lines)
	Record Record   // the known columns
	Fields []string // the record's fields verbatim, in file column order (never reused or overwritten)
	Origin Origin
}

// FromInput reports whether the row is a data record of the input.
func (r *Row) FromInput() bool { return r.Origin == OriginInput }

// Rows yields rows, one per call, and io.EOF after the last.
type Rows interface {
	Next() (Row, error)
}
