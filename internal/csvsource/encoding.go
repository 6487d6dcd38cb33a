package csvsource

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// encodings are the input encodings --encoding names, besides UTF-8.
var encodings = map[string]encoding.Encoding{
	"windows-1252": charmap.Windows1252,
	"cp1252":       charmap.Windows1252,
	"iso-8859-1":   charmap.ISO8859_1,
	"latin1":       charmap.ISO8859_1,
	"iso-8859-15":  charmap.ISO8859_15,
	"utf-16le":     unicode.UTF16(unicode.LittleEndian, unicode.UseBOM),
	"utf-16be":     unicode.UTF16(unicode.BigEndian, unicode.UseBOM),
}

// EncodingNames lists the names ParseEncoding reads.
const EncodingNames = "utf-8, windows-1252 (cp1252), iso-8859-1 (latin1), iso-8859-15, utf-16le, utf-16be"

// ParseEncoding returns the encoding an --encoding name means, nil for
// UTF-8 (read as it is). Names are matched in any case, '_' as '-'.
func ParseEncoding(name string) (encoding.Encoding, error) {
	n := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(name)), "_", "-")
	switch n {
	case "", "utf-8", "utf8":
		return nil, nil
	}
	if e, ok := encodings[n]; ok {
		return e, nil
	}
	return nil, fmt.Errorf("unknown encoding %q (want one of %s)", name, EncodingNames)
}

// DetectUTF16 names the UTF-16 encoding of the start of a file: by its byte
// order mark, or, without one, by the zero bytes that ASCII characters have
// in UTF-16 (every other byte); "" for anything else.
func DetectUTF16(head []byte) string {
	switch {
	case len(head) >= 2 && head[0] == 0xFF && head[1] == 0xFE:
		return "utf-16le"
	case len(head) >= 2 && head[0] == 0xFE && head[1] == 0xFF:
		return "utf-16be"
	}
	head = head[:min(len(head), 512)&^1]
	if len(head) < 4 {
		return ""
	}
	var even, odd int
	for i := 0; i < len(head); i += 2 {
		if head[i] == 0 {
			even++
		}
		if head[i+1] == 0 {
			odd++
		}
	}
	pairs := len(head) / 2
	switch {
	case odd*10 >= pairs*6 && even*10 < pairs:
		return "utf-16le"
	case even*10 >= pairs*6 && odd*10 < pairs:
		return "utf-16be"
	}
	return ""
}

// Workbook names the spreadsheet workbook the start of a file is, by its
// magic bytes: "xlsx" (a zip archive, as .xlsx, .xlsm and .ods are), "xls"
// (an OLE2 compound file, Excel 97-2003), or "".
func Workbook(head []byte) string {
	switch {
	case strings.HasPrefix(string(head), "PK\x03\x04"):
		return "xlsx"
	case strings.HasPrefix(string(head), "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"):
		return "xls"
	}
	return ""
}

// invalidUTF8 returns the first field of a record that is not valid UTF-8,
// or -1.
func invalidUTF8(fields []string) int {
	for i, f := range fields {
		if !utf8.ValidString(f) {
			return i
		}
	}
	return -1
}

// ErrInvalidUTF8 reports a field that is not valid UTF-8: a file saved in
// another encoding, such as Excel's plain "CSV" (Windows-1252).
var ErrInvalidUTF8 = fmt.Errorf("not valid UTF-8: the file is in another encoding; if it is Excel's plain \"CSV\", give --encoding windows-1252")

// utf8Error is the *Error for field col of a record that is not UTF-8.
func utf8Error(line, col int, value string, names []string) *Error {
	name := ""
	if col < len(names) {
		name = names[col]
	}
	return &Error{Line: line, Column: col + 1, Name: strings.ToValidUTF8(name, "\uFFFD"), Err: &detailError{
		msg: fmt.Sprintf("%s is %s", Quote(value), ErrInvalidUTF8),
		err: ErrInvalidUTF8,
	}}
}
