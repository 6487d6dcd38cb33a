package csvsource

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// bufferSize is the size of the buffer between the input and encoding/csv.
const bufferSize = 64 << 10

// Header describes the input's header record.
type Header struct {
	Names []string // as written in the file (BOM stripped), for writing back out
	Keys  []string // normalized: surrounding spaces trimmed, lower case, inner spaces and '-' turned into '_' ("Segment ID" → "segment_id")
	// Fields holds the field (one of KnownKeys) each column is read as:
	// its own name, a built-in synonym ("E-mail Address" → "email") or
	// Options.Map; "" for a column no field reads.
	Fields []string
	Comma  rune // the delimiter in use
	// SepLine is true when the input starts with Excel's "sep=;" line,
	// which set the delimiter.
	SepLine bool
	// BOM and CRLF say how the input was written: a UTF-8 byte order mark
	// first, lines ended by CRLF (as its first line is). The results and
	// failed-rows files are written the same way, so that they open in
	// Excel as the input did.
	BOM, CRLF bool

	byMap []bool // columns Fields maps by Options.Map
	m     Map    // Options.Map
}

// Options returns the options that read the same input the same way: its
// delimiter settled, and the same map.
func (h Header) Options() Options { return Options{Comma: h.Comma, Map: h.m} }

// Field returns the column that is read as field (one of KnownKeys), or -1.
func (h Header) Field(field string) int {
	for i, f := range h.Fields {
		if f == field {
			return i
		}
	}
	return -1
}

// Index returns the column index of a normalized key, or -1 if no column
// has it. The key is normalized first, so Index("Segment ID") finds the
// "segment_id" column. For an unknown name given twice, the first column
// is returned.
func (h Header) Index(key string) int {
	key = normalizeKey(key)
	for i, k := range h.Keys {
		if k == key {
			return i
		}
	}
	return -1
}

// Has reports whether a column has the key; see Index.
func (h Header) Has(key string) bool { return h.Index(key) >= 0 }

// normalizeKey turns a header name into the key gocsv matches against
// job.Record's tags: surrounding white space and byte order marks trimmed, lower
// case, and every inner white space or '-' turned into '_'.
func normalizeKey(name string) string {
	name = strings.TrimFunc(name, func(r rune) bool { return unicode.IsSpace(r) || r == '\uFEFF' })
	name = strings.ToLower(name)
	return strings.Map(func(r rune) rune {
		if r == '-' || unicode.IsSpace(r) {
			return '_'
		}
		return r
	}, name)
}

// validComma reports whether encoding/csv accepts r as a delimiter.
func validComma(r rune) bool {
	return r != 0 && r != '"' && r != '\r' && r != '\n' && r != utf8.RuneError && utf8.ValidRune(r)
}

// readHeader prepares the CSV reader Open and Scan share: it buffers r,
// strips a byte order mark, settles the delimiter, reads the header record
// and checks it. The returned reader is positioned at the first data record
// and requires every record to have as many fields as the header.
func readHeader(r io.Reader, opts Options, reuseRecord bool) (*csv.Reader, Header, error) {
	if opts.Comma != 0 && !validComma(opts.Comma) {
		return nil, Header{}, fmt.Errorf("csvsource: %q cannot be a delimiter", opts.Comma)
	}
	br := bufio.NewReaderSize(r, bufferSize)
	head, _ := br.Peek(br.Size()) // errors are sniff's to report
	bom := bytes.HasPrefix(head, utf8BOM)
	nl := bytes.IndexByte(head, '\n')
	crlf := nl > 0 && head[nl-1] == '\r'
	comma, sepLine, err := sniff(br, opts.Comma)
	if err != nil {
		return nil, Header{}, err
	}

	cr := csv.NewReader(br)
	cr.Comma = comma
	cr.FieldsPerRecord = 0 // set by the header: every record must match it
	cr.LazyQuotes = false
	cr.TrimLeadingSpace = false
	cr.ReuseRecord = reuseRecord

	if sepLine {
		cr.FieldsPerRecord = -1
		if _, err := cr.Read(); err != nil {
			return nil, Header{}, readError(err, nil, nil)
		}
		cr.FieldsPerRecord = 0
	}
	names, err := cr.Read()
	switch {
	case err == io.EOF:
		return nil, Header{}, &Error{Line: 1, Err: ErrEmpty}
	case err != nil:
		return nil, Header{}, readError(err, names, nil)
	}

	if i := invalidUTF8(names); i >= 0 {
		line, _ := cr.FieldPos(i)
		return nil, Header{}, utf8Error(line, i, names[i], nil)
	}
	h := Header{Names: slices.Clone(names), Keys: make([]string, len(names)), Fields: make([]string, len(names)),
		Comma: comma, SepLine: sepLine, BOM: bom, CRLF: crlf, m: opts.Map}
	var first [len(knownKeys)]int // 1 + column of each known key seen
	for i, name := range h.Names {
		key := normalizeKey(name)
		h.Keys[i] = key
		field, how := opts.Map.fieldOf(key, opts.Literal)
		k := knownIndex(field)
		if k < 0 {
			continue
		}
		if j := first[k] - 1; j >= 0 {
			line, _ := cr.FieldPos(i)
			fix := "keep one"
			if h.Keys[j] != key {
				fix = fmt.Sprintf("keep one, or leave one unread with --map '%s=' (or map it to another field)", Printable(name))
			}
			return nil, Header{}, &Error{Line: line, Column: i + 1, Name: name, Err: &detailError{
				msg: fmt.Sprintf("duplicate column: %q and %q (column %d) both map to %s; %s", name, h.Names[j], j+1, field, fix),
				err: ErrDuplicateColumn,
			}}
		}
		first[k] = i + 1
		h.Fields[i] = field
		if how == "map" {
			if h.byMap == nil {
				h.byMap = make([]bool, len(names))
			}
			h.byMap[i] = true
		}
	}
	return cr, h, nil
}

// ParseDelimiter reads a delimiter as --delimiter takes it: , ; | or
// "tab" (also `\t` or a tab itself).
func ParseDelimiter(v string) (rune, error) {
	switch v {
	case "tab", `\t`, "\t":
		return '\t', nil
	case ",", ";", "|":
		return rune(v[0]), nil
	}
	return 0, fmt.Errorf("unsupported delimiter %q (want , ; | or tab)", v)
}

// DelimiterName names a delimiter as ParseDelimiter reads it ("" for 0:
// detected).
func DelimiterName(r rune) string {
	switch r {
	case 0:
		return ""
	case '\t':
		return "tab"
	}
	return string(r)
}
