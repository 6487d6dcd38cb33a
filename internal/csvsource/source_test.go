package csvsource

import (
	"github.com/pcsync/pcsync/internal/job"

	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// readAll opens in and returns its header, every row and the error that
// ended them (nil for io.EOF).
func readAll(t *testing.T, in string, opts Options) (Header, []job.Row, error) {
	t.Helper()
	s, err := Open(strings.NewReader(in), opts)
	if err != nil {
		return Header{}, nil, err
	}
	defer s.Close()
	var rows []job.Row
	for {
		row, err := s.Next()
		if err == io.EOF {
			return s.Header(), rows, nil
		}
		if err != nil {
			return s.Header(), rows, err
		}
		rows = append(rows, row)
	}
}

func TestSourceDecodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		in     string
		opts   Options
		header Header
		rows   []job.Row
	}{
		{
			name:   "excel semicolon export with BOM and CRLF",
			in:     "\ufeffEmail;Action;Segment_ID\r\nann@example.com;segments/add;12\r\nbob@example.com;segments/remove;13\r\n",
			header: Header{Names: []string{"Email", "Action", "Segment_ID"}, Keys: []string{"email", "action", "segment_id"}, Comma: ';', BOM: true, CRLF: true},
			rows: []job.Row{
				{Index: 1, Line: 2, Record: job.Record{Email: "ann@example.com", Action: "segments/add", SegmentID: "12"}, Fields: []string{"ann@example.com", "segments/add", "12"}},
				{Index: 2, Line: 3, Record: job.Record{Email: "bob@example.com", Action: "segments/remove", SegmentID: "13"}, Fields: []string{"bob@example.com", "segments/remove", "13"}},
			},
		},
		{
			name:   "tab delimited",
			in:     "email\tphone\taction\nann@example.com\t+7 900 000-00-00\tsubscriptions/manage\n",
			header: Header{Names: []string{"email", "phone", "action"}, Keys: []string{"email", "phone", "action"}, Comma: '\t'},
			rows: []job.Row{
				{Index: 1, Line: 2, Record: job.Record{Email: "ann@example.com", Phone: "+7 900 000-00-00", Action: "subscriptions/manage"}, Fields: []string{"ann@example.com", "+7 900 000-00-00", "subscriptions/manage"}},
			},
		},
		{
			name:   "detected semicolon outnumbering commas",
			in:     "email,action,note;a;b;c\nann@example.com,add,x;1;2;3\n",
			header: Header{Names: []string{"email,action,note", "a", "b", "c"}, Keys: []string{"email,action,note", "a", "b", "c"}, Comma: ';'},
			rows: []job.Row{
				{Index: 1, Line: 2, Fields: []string{"ann@example.com,add,x", "1", "2", "3"}},
			},
		},
		{
			name:   "forced comma",
			in:     "email,action,note;a;b;c\nann@example.com,add,x;1;2;3\n",
			opts:   Options{Comma: ','},
			header: Header{Names: []string{"email", "action", "note;a;b;c"}, Keys: []string{"email", "action", "note;a;b;c"}, Comma: ','},
			rows: []job.Row{
				{Index: 1, Line: 2, Record: job.Record{Email: "ann@example.com", Action: "add"}, Fields: []string{"ann@example.com", "add", "x;1;2;3"}},
			},
		},
		{
			name: "header names in any case with spaces and dashes",
			in:   " EMAIL \t,Phone,ACTION,Segment ID,Event,Email-Bulk,email chain,EMAIL_TRANSACTIONAL,Sms Bulk,sms-chain, SMS Transactional\na,b,c,d,e,f,g,h,i,j,k\n",
			header: Header{
				Names: []string{" EMAIL \t", "Phone", "ACTION", "Segment ID", "Event", "Email-Bulk", "email chain", "EMAIL_TRANSACTIONAL", "Sms Bulk", "sms-chain", " SMS Transactional"},
				Keys:  KnownKeys,
				Comma: ',',
			},
			rows: []job.Row{{
				Index: 1, Line: 2,
				Record: job.Record{Email: "a", Phone: "b", Action: "c", SegmentID: "d", Event: "e", EmailBulk: "f", EmailChain: "g", EmailTransactional: "h", SMSBulk: "i", SMSChain: "j", SMSTransactional: "k"},
				Fields: []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"},
			}},
		},
		{
			name:   "unknown, empty and repeated unknown columns kept in fields",
			in:     "id,Email,,Notes,notes,action\n7,ann@example.com,,n1,n2,add\n",
			header: Header{Names: []string{"id", "Email", "", "Notes", "notes", "action"}, Keys: []string{"id", "email", "", "notes", "notes", "action"}, Comma: ','},
			rows: []job.Row{
				{Index: 1, Line: 2, Record: job.Record{Email: "ann@example.com", Action: "add"}, Fields: []string{"7", "ann@example.com", "", "n1", "n2", "add"}},
			},
		},
		{
			name:   "no known column",
			in:     "a,b\n1,2\n",
			header: Header{Names: []string{"a", "b"}, Keys: []string{"a", "b"}, Comma: ','},
			rows:   []job.Row{{Index: 1, Line: 2, Fields: []string{"1", "2"}}},
		},
		{
			name: "quoted delimiters and newlines move the lines of later records",
			in: "email,note,action\n" +
				"ann@example.com,\"one, two\nthree\r\nfour\",add\n" +
				"\"bob@example.com\",\"say \"\"hi\"\"\",\"remove\"\n" +
				"cy@example.com,\"\n\",get\n" +
				"dan@example.com,plain,get\n",
			header: Header{Names: []string{"email", "note", "action"}, Keys: []string{"email", "note", "action"}, Comma: ','},
			rows: []job.Row{
				{Index: 1, Line: 2, Record: job.Record{Email: "ann@example.com", Action: "add"}, Fields: []string{"ann@example.com", "one, two\nthree\nfour", "add"}},
				{Index: 2, Line: 5, Record: job.Record{Email: "bob@example.com", Action: "remove"}, Fields: []string{"bob@example.com", `say "hi"`, "remove"}},
				{Index: 3, Line: 6, Record: job.Record{Email: "cy@example.com", Action: "get"}, Fields: []string{"cy@example.com", "\n", "get"}},
				{Index: 4, Line: 8, Record: job.Record{Email: "dan@example.com", Action: "get"}, Fields: []string{"dan@example.com", "plain", "get"}},
			},
		},
		{
			name:   "blank lines skipped but counted",
			in:     "\n\r\nemail\n\nann@example.com\n\n\nbob@example.com",
			header: Header{Names: []string{"email"}, Keys: []string{"email"}, Comma: ','},
			rows: []job.Row{
				{Index: 1, Line: 5, Record: job.Record{Email: "ann@example.com"}, Fields: []string{"ann@example.com"}},
				{Index: 2, Line: 8, Record: job.Record{Email: "bob@example.com"}, Fields: []string{"bob@example.com"}},
			},
		},
		{
			name:   "values verbatim",
			in:     "email,action\n  ann@example.com , Add \n\" bob \",\t\n",
			header: Header{Names: []string{"email", "action"}, Keys: []string{"email", "action"}, Comma: ','},
			rows: []job.Row{
				{Index: 1, Line: 2, Record: job.Record{Email: "  ann@example.com ", Action: " Add "}, Fields: []string{"  ann@example.com ", " Add "}},
				{Index: 2, Line: 3, Record: job.Record{Email: " bob ", Action: "\t"}, Fields: []string{" bob ", "\t"}},
			},
		},
		{
			name:   "quoted header spanning lines",
			in:     "\"Segment\nID\";email\n1;ann@example.com\n",
			header: Header{Names: []string{"Segment\nID", "email"}, Keys: []string{"segment_id", "email"}, Comma: ';'},
			rows: []job.Row{
				{Index: 1, Line: 3, Record: job.Record{SegmentID: "1", Email: "ann@example.com"}, Fields: []string{"1", "ann@example.com"}},
			},
		},
		{
			name:   "non-ASCII",
			in:     "Имя;email\nАнна;анна@пример.рф\n",
			header: Header{Names: []string{"Имя", "email"}, Keys: []string{"имя", "email"}, Comma: ';'},
			rows: []job.Row{
				{Index: 1, Line: 2, Record: job.Record{Email: "анна@пример.рф"}, Fields: []string{"Анна", "анна@пример.рф"}},
			},
		},
		{
			name:   "header only",
			in:     "email,action\n",
			header: Header{Names: []string{"email", "action"}, Keys: []string{"email", "action"}, Comma: ','},
		},
		{
			name:   "header only ended by a carriage return",
			in:     "email,action\r",
			header: Header{Names: []string{"email", "action"}, Keys: []string{"email", "action"}, Comma: ','},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h, rows, err := readAll(t, tt.in, tt.opts)
			if err != nil {
				t.Fatalf("got error %v", err)
			}
			h.Fields = nil // mapping_test.go checks them
			if !reflect.DeepEqual(h, tt.header) {
				t.Errorf("header:\ngot  %#v\nwant %#v", h, tt.header)
			}
			if !reflect.DeepEqual(rows, tt.rows) {
				t.Errorf("rows:\ngot  %#v\nwant %#v", rows, tt.rows)
			}
			n, err := Scan(strings.NewReader(tt.in), tt.opts)
			if err != nil || n != len(tt.rows) {
				t.Errorf("Scan = %d, %v; want %d, nil", n, err, len(tt.rows))
			}
		})
	}
}

func TestSourceErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		opts    Options
		rows    int   // rows returned before the error; -1: Open fails
		is      error // errors.Is target
		line    int
		column  int
		colName string
		msg     string // the whole message
	}{
		{name: "empty file", in: "", rows: -1, is: ErrEmpty, line: 1, msg: "line 1: the file is empty"},
		{name: "byte order mark only", in: "\ufeff", rows: -1, is: ErrEmpty, line: 1},
		{name: "blank lines only", in: "\n\r\n\n", rows: -1, is: ErrEmpty, line: 1},
		{
			name: "duplicate known column", in: "Email,action,email \na,b,c\n", rows: -1, is: ErrDuplicateColumn,
			line: 1, column: 3, colName: "email ",
			msg: `line 1, column 3 (email ): duplicate column: "email " and "Email" (column 1) both map to email; keep one`,
		},
		{name: "duplicate after normalization", in: "segment_id;email;Segment-ID\n", rows: -1, is: ErrDuplicateColumn, line: 1, column: 3, colName: "Segment-ID"},
		{name: "duplicate on the second line of the header", in: "\"x\ny\",phone,Phone\n", rows: -1, is: ErrDuplicateColumn, line: 2, column: 3, colName: "Phone"},
		{name: "unclosed quote in header", in: "email,\"action\na,b\n", rows: -1, is: csv.ErrQuote, line: 1, column: 2},
		{name: "bare quote in header", in: "em\"ail,action\n", rows: -1, is: csv.ErrBareQuote, line: 1, column: 1},
		{name: "header after blank lines", in: "\n\nemail,act\"ion\n", rows: -1, is: csv.ErrBareQuote, line: 3, column: 2},
		{name: "UTF-16 little endian", in: "\xff\xfee\x00m\x00a\x00i\x00l\x00\n\x00", rows: -1, is: ErrUTF16, line: 1},
		{name: "UTF-16 big endian", in: "\xfe\xff\x00e\x00m", rows: -1, is: ErrUTF16, line: 1},
		{name: "lone carriage returns", in: "email,action\ra@x,add\rb@x,add\r", rows: -1, is: ErrBareCR, line: 1},
		{name: "lone carriage returns with a forced delimiter", in: "email;action\ra@x;add\r", opts: Options{Comma: ';'}, rows: -1, is: ErrBareCR, line: 1},
		{
			name: "unbalanced quote on line 5 to the end of the file",
			in:   "email,action\na@x,add\nb@x,add\nc@x,add\n\"d@x,add\ne@x,add\nf@x,add\n",
			rows: 3, is: csv.ErrQuote, line: 5, column: 1, colName: "email",
			msg: `line 5, column 1 (email): unbalanced quote: a quoted field is not closed, or text follows its closing " (noticed on line 7)`,
		},
		{
			name: "unbalanced quote on line 5 met by a later quote",
			in:   "email,action\na@x,add\nb@x,add\nc@x,add\nd@x,\"add\ne@x,add\nf@x,\"add\"\n",
			rows: 3, is: csv.ErrQuote, line: 5, column: 2, colName: "action",
		},
		{
			name: "text after a closing quote",
			in:   "email,action\n\"a@x\" ,add\n",
			rows: 0, is: csv.ErrQuote, line: 2, column: 1, colName: "email",
			msg: `line 2, column 1 (email): unbalanced quote: a quoted field is not closed, or text follows its closing "`,
		},
		{
			name: "bare quote on line 5",
			in:   "email;action\na@x;add\nb@x;add\nc@x;add\nd@x;a\"dd\n",
			rows: 3, is: csv.ErrBareQuote, line: 5, column: 2, colName: "action",
			msg: `line 5, column 2 (action): bare " in non-quoted field; a value containing " must be enclosed in quotes, with its quotes doubled`,
		},
		{
			name: "too many fields",
			in:   "email,action\na@x,add\n\nb@x,add,extra\n",
			rows: 1, is: csv.ErrFieldCount, line: 4,
			msg: "line 4: the record has 3 fields but the header has 2 (check the delimiter and the quotes)",
		},
		{name: "too few fields", in: "email,action,segment_id\na@x,add,1\nb@x\n", rows: 1, is: csv.ErrFieldCount, line: 3},
		{
			name: "error after a multi-line record",
			in:   "email,note\na@x,\"1\n2\n3\"\nb@x,ok\nc@x,o\"k\n",
			rows: 2, is: csv.ErrBareQuote, line: 6, column: 2, colName: "note",
		},
		{
			name: "bare quote on a later line of a record",
			in:   "email,note,action\na@x,\"1\n2\",ad\"d\n",
			rows: 0, is: csv.ErrBareQuote, line: 2, column: 3, colName: "action",
			msg: `line 2, column 3 (action): bare " in non-quoted field (noticed on line 3); a value containing " must be enclosed in quotes, with its quotes doubled`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, rows, err := readAll(t, tt.in, tt.opts)
			if got := len(rows); tt.rows >= 0 && got != tt.rows || tt.rows < 0 && rows != nil {
				t.Errorf("got %d rows before the error, want %d", got, tt.rows)
			}
			checkError(t, "Open/Next", err, tt.is, tt.line, tt.column, tt.colName, tt.msg)

			n, scanErr := Scan(strings.NewReader(tt.in), tt.opts)
			checkError(t, "Scan", scanErr, tt.is, tt.line, tt.column, tt.colName, tt.msg)
			if want := max(tt.rows, 0); n != want {
				t.Errorf("Scan counted %d rows before the error, want %d", n, want)
			}
			if err != nil && scanErr != nil && err.Error() != scanErr.Error() {
				t.Errorf("Scan and Next disagree:\nNext: %v\nScan: %v", err, scanErr)
			}
		})
	}
}

func checkError(t *testing.T, who string, err, is error, line, column int, name, msg string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Errorf("%s: got %v (%T), want an *Error", who, err, err)
		return
	}
	if !errors.Is(err, is) {
		t.Errorf("%s: got %v, want it to wrap %v", who, err, is)
	}
	if e.Line != line || e.Column != column || e.Name != name {
		t.Errorf("%s: got line %d, column %d, name %q; want %d, %d, %q (%v)", who, e.Line, e.Column, e.Name, line, column, name, err)
	}
	if msg != "" && err.Error() != msg {
		t.Errorf("%s: message\ngot  %s\nwant %s", who, err, msg)
	}
}

func TestNextErrorIsSticky(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
	}{
		{"syntax error", "email\na@x\nb\"@x\nc@x\n"},
		{"field count", "email\na@x\nb@x,1\nc@x\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := Open(strings.NewReader(tt.in), Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if _, err := s.Next(); err != nil {
				t.Fatal(err)
			}
			_, first := s.Next()
			var e *Error
			if !errors.As(first, &e) || e.Line != 3 {
				t.Fatalf("got %v, want an *Error on line 3", first)
			}
			for range 3 {
				if row, err := s.Next(); err != first {
					t.Fatalf("got %+v, %v; want the same error again", row, err)
				}
			}
		})
	}
}

func TestHeaderOnly(t *testing.T) {
	t.Parallel()
	s, err := Open(strings.NewReader("\ufeffemail;action\r\n\r\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for range 2 {
		if row, err := s.Next(); err != io.EOF {
			t.Fatalf("Next = %+v, %v; want io.EOF", row, err)
		}
	}
	if n, err := Scan(strings.NewReader("\ufeffemail;action\r\n\r\n"), Options{}); n != 0 || err != nil {
		t.Fatalf("Scan = %d, %v; want 0, nil", n, err)
	}
}

func TestInvalidComma(t *testing.T) {
	t.Parallel()
	for _, c := range []rune{'"', '\n', '\r', 0xFFFD, -1, 0xD800} {
		t.Run(fmt.Sprintf("%U", c), func(t *testing.T) {
			t.Parallel()
			_, err := Open(strings.NewReader("a,b\n"), Options{Comma: c})
			var e *Error
			if err == nil || errors.As(err, &e) {
				t.Errorf("Open: got %v, want a plain error", err)
			}
			if _, err := Scan(strings.NewReader("a,b\n"), Options{Comma: c}); err == nil || errors.As(err, &e) {
				t.Errorf("Scan: got %v, want a plain error", err)
			}
		})
	}
}

// failingReader returns its data, then err.
type failingReader struct {
	data string
	err  error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if r.data == "" {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestReadFailure(t *testing.T) {
	t.Parallel()
	errDisk := errors.New("disk on fire")
	tests := []struct {
		name string
		data string
		rows int // -1: Open fails
	}{
		{"before the header", "", -1},
		{"within the first buffer", "email\na@x\nb@x\n", -1}, // Open peeks that far
		{"past the first buffer", "email\n" + strings.Repeat("a@x\n", bufferSize/2), bufferSize / 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var err error
			rows := -1
			s, err := Open(&failingReader{tt.data, errDisk}, Options{})
			if err == nil {
				defer s.Close()
				for rows = 0; ; rows++ {
					if _, err = s.Next(); err != nil {
						break
					}
				}
			}
			var e *Error
			if !errors.As(err, &e) || !errors.Is(err, errDisk) {
				t.Fatalf("got %v, want an *Error wrapping %v", err, errDisk)
			}
			if rows != tt.rows {
				t.Errorf("got %d rows before the error, want %d", rows, tt.rows)
			}
			if _, err := Scan(&failingReader{tt.data, errDisk}, Options{}); !errors.Is(err, errDisk) {
				t.Errorf("Scan: got %v, want %v", err, errDisk)
			}
		})
	}
}

// rowsInput returns a header and n data rows with distinct values.
func rowsInput(n int) string {
	var b strings.Builder
	b.WriteString("email,action,segment_id\n")
	for i := range n {
		fmt.Fprintf(&b, "u%d@example.com,add,%d\n", i, i)
	}
	return b.String()
}

// TestClose checks that a Source can be closed at any point, more than
// once, and that Next then says so.
func TestClose(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		in    string
		batch int
		read  int // rows to read before Close; -1: to the end
	}{
		{"before the first row", rowsInput(2000), rowBuffer, 0},
		{"mid-stream", rowsInput(2000), rowBuffer, 10},
		{"mid-stream, batches of one", rowsInput(2000), 1, 10},
		{"after the last row", rowsInput(3), rowBuffer, 3},
		{"after io.EOF", rowsInput(3), rowBuffer, -1},
		{"after an error", "email\na@x\n\"\n", rowBuffer, -1},
		{"header only", "email\n", rowBuffer, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := open(strings.NewReader(tt.in), Options{}, tt.batch)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; tt.read < 0 || i < tt.read; i++ {
				if _, err := s.Next(); err != nil {
					if tt.read >= 0 {
						t.Fatal(err)
					}
					break
				}
			}
			for range 2 {
				if err := s.Close(); err != nil {
					t.Fatalf("Close: %v", err)
				}
				if _, err := s.Next(); err != ErrClosed {
					t.Fatalf("Next after Close: got %v, want ErrClosed", err)
				}
			}
		})
	}
}

// TestPairing checks that every job.Row carries the record gocsv decoded from
// its own fields and line, wherever batches end.
func TestPairing(t *testing.T) {
	t.Parallel()
	const n = 5000
	var b strings.Builder
	b.WriteString("id;Email;note;ACTION;segment id\n")
	line := 1
	var want []job.Row
	for i := range n {
		line++
		if i%11 == 0 {
			b.WriteString("\n")
			line++
		}
		note := "n" + fmt.Sprint(i)
		quoted := note
		lines := 1
		if i%7 == 0 {
			note = fmt.Sprintf("n%d;\nsecond line\n", i)
			quoted = `"` + note + `"`
			lines = 3
		}
		email, action, seg := fmt.Sprintf("u%d@example.com", i), fmt.Sprintf("act%d", i), fmt.Sprint(i*10)
		fmt.Fprintf(&b, "id%d;%s;%s;%s;%s\n", i, email, quoted, action, seg)
		want = append(want, job.Row{
			Index:  i + 1,
			Line:   line,
			Record: job.Record{Email: email, Action: action, SegmentID: seg},
			Fields: []string{fmt.Sprint("id", i), email, note, action, seg},
		})
		line += lines - 1
	}
	in := b.String()

	for _, batch := range []int{1, 7, rowBuffer, 2 * n} {
		t.Run(fmt.Sprint("batch ", batch), func(t *testing.T) {
			t.Parallel()
			s, err := open(strings.NewReader(in), Options{}, batch)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			var got []job.Row
			for {
				row, err := s.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, row)
			}
			// Compared only now, so a reused Fields slice would show.
			if len(got) != n {
				t.Fatalf("got %d rows, want %d", len(got), n)
			}
			for i := range got {
				if !reflect.DeepEqual(got[i], want[i]) {
					t.Fatalf("row %d:\ngot  %#v\nwant %#v", i+1, got[i], want[i])
				}
			}
		})
	}
}

func TestKnownKeysMatchRecord(t *testing.T) {
	t.Parallel()
	var tags []string
	rt := reflect.TypeFor[job.Record]()
	for i := range rt.NumField() {
		tags = append(tags, rt.Field(i).Tag.Get("csv"))
	}
	if !slices.Equal(tags, KnownKeys) || !slices.Equal(tags, knownKeys[:]) {
		t.Fatalf("Record's tags %q, KnownKeys %q, knownKeys %q: want them equal", tags, KnownKeys, knownKeys)
	}
}
