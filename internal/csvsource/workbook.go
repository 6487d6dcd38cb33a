package csvsource

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"
)

// WorkbookToCSV writes a sheet of the .xlsx workbook r as CSV text to w,
// with comma (',' when 0): sheet, or the first sheet when sheet is "". The
// sheet is read a row at a time (excelize's row iterator); every row of
// the sheet, empty ones included, is one line, so that the CSV's line N is
// the sheet's row N as long as no cell holds a line break. Cells are their
// values as stored, not as displayed: a phone typed as a number keeps its
// digits (447700900123, not 4.47701E+12). Rows are padded to the header's
// width; a non-empty cell right of the header is an *Error naming its row.
// The text starts with a UTF-8 BOM and its lines end with CRLF, as Excel
// writes "CSV UTF-8".
func WorkbookToCSV(w io.Writer, r io.Reader, sheet string, comma rune) (err error) {
	f, err := excelize.OpenReader(r, excelize.Options{RawCellValue: true})
	if err != nil {
		return fmt.Errorf("cannot read the workbook: %s", Printable(err.Error()))
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return errors.New("the workbook has no sheet")
	}
	if sheet == "" {
		sheet = sheets[0]
	} else if !slices.Contains(sheets, sheet) {
		names := make([]string, len(sheets))
		for i, s := range sheets {
			names[i] = Quote(s)
		}
		return fmt.Errorf("the workbook has no sheet %s (its sheets: %s)", Quote(sheet), strings.Join(names, ", "))
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return fmt.Errorf("cannot read sheet %s: %s", Quote(sheet), Printable(err.Error()))
	}
	defer rows.Close()
	// A BOM and CRLF, as Excel writes "CSV UTF-8": the results and
	// failed-rows files are written the same way (Header.BOM, CRLF).
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if comma != 0 {
		cw.Comma = comma
	}
	width, line := -1, 0
	var rec []string
	for rows.Next() {
		line++
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return &Error{Line: line, Err: fmt.Errorf("cannot read the sheet's row: %s", Printable(err.Error()))}
		}
		if width < 0 {
			if len(cells) == 0 {
				if _, err := io.WriteString(w, "\r\n"); err != nil { // a blank line before the header, skipped as CSV skips it
					return err
				}
				continue
			}
			width = len(cells)
		}
		for i := width; i < len(cells); i++ {
			if strings.TrimSpace(cells[i]) != "" {
				return &Error{Line: line, Column: i + 1, Err: fmt.Errorf("a cell right of the header's %d columns: %s", width, Quote(cells[i]))}
			}
		}
		rec = append(rec[:0], cells[:min(len(cells), width)]...)
		for len(rec) < width {
			rec = append(rec, "")
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	if err := rows.Error(); err != nil {
		return fmt.Errorf("cannot read sheet %s: %s", Quote(sheet), Printable(err.Error()))
	}
	cw.Flush()
	return cw.Error()
}
