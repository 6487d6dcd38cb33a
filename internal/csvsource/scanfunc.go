package csvsource

import "io"

// ScanFunc is Scan that also hands every data record to visit, with the
// input's header, in file order. fields are the record's fields verbatim;
// the slice is reused for the next record, so visit must not keep it. Like
// Scan, it decodes nothing with gocsv: a caller can count rows of its own
// choosing in the same fast pass. Blank rows (every cell empty) are
// neither counted nor visited, as Source.Next skips them. With
// opts.MaxRecord, a record (the header included) longer than that is
// refused with ErrRecordTooLarge, at the line where it starts, having read
// at most MaxRecord and a buffer past it.
func ScanFunc(r io.Reader, opts Options, visit func(h *Header, fields []string)) (rows int, err error) {
	r, limit := newRecordLimit(r, opts.MaxRecord)
	cr, h, err := readHeader(r, opts, true)
	if e, ok := limit.error(err); ok {
		return 0, e
	}
	if err != nil {
		return 0, err
	}
	if limit != nil {
		line, _ := cr.FieldPos(len(h.Names) - 1)
		if err := limit.passed(cr.InputOffset(), line, h.Names[len(h.Names)-1]); err != nil {
			e, _ := limit.error(err)
			return 0, e
		}
	}
	for {
		record, err := cr.Read()
		switch {
		case err == nil:
			if limit != nil {
				line, _ := cr.FieldPos(len(record) - 1)
				if err := limit.passed(cr.InputOffset(), line, record[len(record)-1]); err != nil {
					e, _ := limit.error(err)
					return rows, e
				}
			}
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
			if e, ok := limit.error(err); ok {
				return rows, e
			}
			return rows, readError(err, record, h.Names)
		}
	}
}
