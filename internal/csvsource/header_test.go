package csvsource

import (
	"strings"
	"testing"
)

func TestNormalizeKey(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"email", "email"},
		{"Email", "email"},
		{"  EMAIL\t", "email"},
		{"Segment ID", "segment_id"},
		{"segment-id", "segment_id"},
		{" Segment_Id ", "segment_id"},
		{"SMS Transactional", "sms_transactional"},
		{"a  b", "a__b"},
		{"a\u00a0b", "a_b"},
		{"\ufeffemail", "email"},
		{"", ""},
		{"   ", ""},
		{"E-Mail", "e_mail"},
		{"Телефон", "телефон"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if got := normalizeKey(tt.in); got != tt.want {
				t.Errorf("normalizeKey(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if got := normalizeKey(tt.want); got != tt.want {
				t.Errorf("normalizeKey is not idempotent: %q → %q", tt.want, got)
			}
		})
	}
}

func TestHeaderIndex(t *testing.T) {
	t.Parallel()
	h := Header{
		Names: []string{"ID", "Email", "notes", "Notes", "Segment ID", ""},
		Keys:  []string{"id", "email", "notes", "notes", "segment_id", ""},
		Comma: ',',
	}
	tests := []struct {
		key  string
		want int
	}{
		{"id", 0},
		{"email", 1},
		{"notes", 2},
		{"segment_id", 4},
		{"Segment ID", 4},
		{"phone", -1},
		{"", 5},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			t.Parallel()
			if got := h.Index(tt.key); got != tt.want {
				t.Errorf("Index(%q) = %d, want %d", tt.key, got, tt.want)
			}
			if got := h.Has(tt.key); got != (tt.want >= 0) {
				t.Errorf("Has(%q) = %v", tt.key, got)
			}
		})
	}
}

func TestDelimiter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		opts Options
		want rune
	}{
		{"comma", "email,action\n", Options{}, ','},
		{"semicolon", "email;action;segment_id\n", Options{}, ';'},
		{"tab", "email\taction\n", Options{}, '\t'},
		{"single column", "email\n", Options{}, ','},
		{"tie between comma and semicolon", "a,b;c\n", Options{}, ','},
		{"tie between semicolon and tab", "a;b\tc\n", Options{}, ','},
		{"most frequent wins", "a,b;c;d\n", Options{}, ';'},
		{"only the header line counts", "email;action\na,b,c,d,e\n", Options{}, ';'},
		{"delimiters in quotes ignored", "\"a,b,c\";d\n", Options{}, ';'},
		{"escaped quotes in quotes", "\"a\"\",\"\",b\";c\n", Options{}, ';'},
		{"quoted newline in the header", "\"a\n,,,\";b\n", Options{}, ';'},
		{"blank lines before the header", "\n\r\n\na;b\n", Options{}, ';'},
		{"byte order mark", "\ufeffa;b\n", Options{}, ';'},
		{"CRLF", "a\tb\r\n", Options{}, '\t'},
		{"no line end", "a\tb", Options{}, '\t'},
		{"forced", "a;b;c\n", Options{Comma: ','}, ','},
		{"forced other rune", "a|b\n", Options{Comma: '|'}, '|'},
		{"header longer than the buffer", strings.Repeat("x;", bufferSize) + "\n", Options{}, ';'},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := Open(strings.NewReader(tt.in), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if got := s.Header().Comma; got != tt.want {
				t.Errorf("Comma = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestScanHeaderLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		buf    string
		atEOF  bool
		counts [3]int
		bareCR bool
	}{
		{"stops at the first line end", "a,b\nc;d;e\n", true, [3]int{1, 0, 0}, false},
		{"lone CR", "a,b\rc,d\r", true, [3]int{1, 0, 0}, true},
		{"lone CR at the start", "\ra,b", true, [3]int{0, 0, 0}, true},
		{"CR ending the input", "a;b\r", true, [3]int{0, 1, 0}, false},
		{"CR ending the window", "a;b\r", false, [3]int{0, 1, 0}, false},
		{"CR inside quotes", "\"a\rb\";c\n", true, [3]int{0, 1, 0}, false},
		{"unclosed quote", "\"a,b", true, [3]int{0, 0, 0}, false},
		{"empty", "", true, [3]int{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			counts, bareCR := scanHeaderLine([]byte(tt.buf), tt.atEOF)
			if counts != tt.counts || bareCR != tt.bareCR {
				t.Errorf("got %v, %v; want %v, %v", counts, bareCR, tt.counts, tt.bareCR)
			}
		})
	}
}
