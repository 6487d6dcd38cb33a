package csvsource

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
)

var (
	utf8BOM    = []byte{0xEF, 0xBB, 0xBF}
	utf16LEBOM = []byte{0xFF, 0xFE}
	utf16BEBOM = []byte{0xFE, 0xFF}
)

// candidates are the delimiters detection chooses from; the first wins ties.
var candidates = [...]rune{',', ';', '\t'}

// sniff looks at the start of the input without consuming it, except for a
// UTF-8 byte order mark, which it discards. It returns the delimiter: comma
// if not 0, else the one Excel's "sep=;" first line names (sepLine then
// reports that line, left for the caller to read past), otherwise the one
// detected from the header record. It refuses
// UTF-16 input and a header ended by a lone carriage return, which
// encoding/csv would read as one endless line.
func sniff(br *bufio.Reader, comma rune) (_ rune, sepLine bool, _ error) {
	buf, err := br.Peek(br.Size())
	if err != nil && err != io.EOF {
		return 0, false, &Error{Err: fmt.Errorf("cannot read the input: %w", err)}
	}
	atEOF := err == io.EOF
	switch {
	case bytes.HasPrefix(buf, utf8BOM):
		br.Discard(len(utf8BOM)) // cannot fail: the bytes are buffered
		buf = buf[len(utf8BOM):]
	case bytes.HasPrefix(buf, utf16LEBOM), bytes.HasPrefix(buf, utf16BEBOM):
		return 0, false, &Error{Line: 1, Err: ErrUTF16}
	case Workbook(buf) != "":
		return 0, false, &Error{Err: &detailError{msg: "an ." + Workbook(buf) + " file: " + ErrWorkbook.Error(), err: ErrWorkbook}}
	}
	if sep, n := sepDirective(buf); n > 0 {
		if comma == 0 {
			comma = sep
		}
		buf, sepLine = buf[n:], true
	}
	counts, bareCR := scanHeaderLine(buf, atEOF)
	if bareCR {
		return 0, false, &Error{Line: 1, Err: ErrBareCR}
	}
	if comma != 0 {
		return comma, sepLine, nil
	}
	return pickComma(counts), sepLine, nil
}

// sepDirective recognises Excel's first line "sep=X" (any case, X one of
// , ; | or a tab) and returns X and the length of the line with its end,
// or 0, 0.
func sepDirective(buf []byte) (rune, int) {
	if len(buf) < 5 || !bytes.EqualFold(buf[:4], []byte("sep=")) {
		return 0, 0
	}
	c := rune(buf[4])
	if c != ',' && c != ';' && c != '|' && c != '\t' {
		return 0, 0
	}
	rest := buf[5:]
	switch {
	case bytes.HasPrefix(rest, []byte("\r\n")):
		return c, 7
	case bytes.HasPrefix(rest, []byte("\n")):
		return c, 6
	}
	return 0, 0
}

// scanHeaderLine counts the candidate delimiters outside quotes in the first
// record of buf, skipping the blank lines encoding/csv skips. buf may end
// inside the record; atEOF tells whether the input ends where buf does.
// bareCR reports a carriage return not followed by a line feed outside
// quotes, where encoding/csv would not see a line end.
func scanHeaderLine(buf []byte, atEOF bool) (counts [len(candidates)]int, bareCR bool) {
	inQuotes, started := false, false
	for i := 0; i < len(buf); i++ {
		c := buf[i]
		if inQuotes {
			if c == '"' {
				inQuotes = false
			}
			continue
		}
		switch c {
		case '"':
			inQuotes, started = true, true
		case '\n':
			if started {
				return counts, false
			}
		case '\r':
			switch {
			case i+1 < len(buf) && buf[i+1] == '\n':
				// CRLF: the line feed ends the line.
			case i+1 == len(buf) && atEOF:
				// encoding/csv drops a carriage return ending the input.
			case i+1 == len(buf):
				// The peeked window ends here: undecided.
				return counts, false
			default:
				return counts, true
			}
		default:
			started = true
			for j, d := range candidates {
				if rune(c) == d {
					counts[j]++
				}
			}
		}
	}
	return counts, false
}

// pickComma returns the most frequent candidate, or ',' on a tie or when
// none occurs.
func pickComma(counts [len(candidates)]int) rune {
	best, n, tie := 0, counts[0], false
	for i, c := range counts[1:] {
		switch {
		case c > n:
			best, n, tie = i+1, c, false
		case c == n:
			tie = true
		}
	}
	if n == 0 || tie {
		return ','
	}
	return candidates[best]
}
