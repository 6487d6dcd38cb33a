// Package csvsource streams the rows of a pcsync input file: a CSV of
// contacts with one action per row, as exported by Excel, dumped by a CRM or
// edited by hand, possibly with millions of rows.
//
// [Open] reads and checks the header, then [Source.Next] returns one [job.Row]
// at a time. Rows are decoded by github.com/gocarina/gocsv from a
// normalized header, so "Segment ID", "segment-id" and " SEGMENT_ID" all
// fill [job.Record.SegmentID], while [job.Row.Fields] keeps every column verbatim
// for writing back out. The file is never loaded whole.
//
// [Scan] is a fast structural pass over the same input: it counts the rows
// and finds the first broken record, so that a caller can refuse a broken
// file before doing any work and knows the total for progress reports.
//
// Both accept a UTF-8 byte order mark, CRLF or LF line ends, and a comma,
// semicolon or tab delimiter, detected from the header unless given. Every
// problem with the input is an [*Error] naming the physical line, counted
// the way a text editor counts them even when quoted values span lines.
//
// The package never changes gocsv's package-level settings.
package csvsource
