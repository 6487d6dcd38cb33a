package csvsource

import "io"

// ScanFunc is Scan that also hands every data record to visit, with the
// input's header, in file order. fields are the record's fields verbatim;
// the slice is reused for the next record, so visit must not keep it. Like
// Scan, it decodes nothing with gocsv: a caller can count rows of its own
// choosing in the same fast pass. Blank rows (every cell empty) are
// neither counted nor visited, as Source.Next skips them.
func ScanFunc(r io.Reader, opts Options, visit func(h *Header, fields []string)) (rows int, err error) {
	cr, h, err := readHeader(r, opts, true)
	if err != nil {
		return 0, err
	}
	for {
		record, err := cr.Read()
		switch {
		case err == nil:
			if blank(record) {
				continue
			}
			if i := invalidUTF8(record); i >= 0 {
				line, _ := cr.FieldPos(i)
				return rows, utf8Error(line, i, record[i], h.Names)
			}
			rows++
			visit(&h, record)
		case err == io.EOF:
			return rows, nil
		default:
			return rows, readError(err, record, h.Names)
		}
	}
}
