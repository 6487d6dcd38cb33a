package csvsource

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/transform"
)

func TestDetectUTF16(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, in, want string }{
		{"le bom", "\xff\xfee\x00", "utf-16le"},
		{"be bom", "\xfe\xff\x00e", "utf-16be"},
		{"le zeros", "e\x00m\x00a\x00i\x00l\x00\r\x00\n\x00", "utf-16le"},
		{"be zeros", "\x00e\x00m\x00a\x00i\x00l", "utf-16be"},
		{"utf-8", "email,phone\na@b.co,1\n", ""},
		{"utf-8 bom", "\uFEFFemail\n", ""},
		{"short", "e\x00", ""},
		{"binary zeros everywhere", "\x00\x00\x00\x00\x00\x00", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := DetectUTF16([]byte(tt.in)); got != tt.want {
				t.Errorf("DetectUTF16(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestInvalidUTF8Refused(t *testing.T) {
	t.Parallel()
	in := "email,name\na@b.co,Ann\nc@d.co,\"Jo\ns\xe9\"\n"
	n, err := Scan(strings.NewReader(in), Options{})
	var e *Error
	if !errors.As(err, &e) || !errors.Is(err, ErrInvalidUTF8) || e.Line != 3 || e.Column != 2 || n != 1 {
		t.Fatalf("Scan = %d, %v; want line 3 (where the cell starts), column 2 after 1 row", n, err)
	}
	if !strings.Contains(err.Error(), `"Jo\ns\xe9"`) || !strings.Contains(err.Error(), "--encoding windows-1252") {
		t.Errorf("message %q", err)
	}
	s, err := Open(strings.NewReader(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Next(); err != nil {
		t.Fatal(err)
	}
	if _, nerr := s.Next(); nerr == nil || nerr.Error() != e.Error() {
		t.Errorf("Next = %v, Scan %v", nerr, e)
	}
	// Scanned: the caller ran Scan first; Next does not check again.
	s, err = Open(strings.NewReader(in), Options{Scanned: true})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := s.Next(); err != nil {
			t.Errorf("Next with Scanned: %v", err)
		}
	}
}

// FuzzEncoding: whatever the bytes, reading them in any encoding
// ParseEncoding knows gives UTF-8 that is never refused as invalid UTF-8.
func FuzzEncoding(f *testing.F) {
	f.Add([]byte("email,name\r\na@b.co,Jos\xe9\r\n"), uint8(0))
	f.Add([]byte("\xff\xfee\x00,\x00\n\x00"), uint8(5))
	f.Add([]byte("\x00e\x00\xd8\x00"), uint8(6))
	names := []string{"windows-1252", "cp1252", "iso-8859-1", "latin1", "iso-8859-15", "utf-16le", "utf-16be"}
	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		name := names[int(which)%len(names)]
		e, err := ParseEncoding(strings.ToUpper(name))
		if err != nil || e == nil {
			t.Fatalf("ParseEncoding(%q) = %v, %v", name, e, err)
		}
		out, _, err := transform.Bytes(e.NewDecoder(), data)
		if err != nil {
			return
		}
		if !utf8.Valid(out) {
			t.Fatalf("%s of %q gives invalid UTF-8 %q", name, data, out)
		}
		if _, err := Scan(strings.NewReader("email,x\n"+string(out)), Options{Comma: ','}); errors.Is(err, ErrInvalidUTF8) {
			t.Fatalf("decoded %s refused: %v", name, err)
		}
		DetectUTF16(data)
	})
}

func TestWorkbookAndPrintable(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"PK\x03\x04rest": "xlsx", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1": "xls", "PK,email\n": "", "": ""} {
		if got := Workbook([]byte(in)); got != want {
			t.Errorf("Workbook(%q) = %q, want %q", in, got, want)
		}
	}
	_, err := Scan(strings.NewReader("PK\x03\x04\x00\x00"), Options{})
	if !errors.Is(err, ErrWorkbook) {
		t.Errorf("Scan of a zip: %v", err)
	}
	for in, want := range map[string]string{"E-mail Address": "E-mail Address", "Имя": "Имя", "a\x00b": `"a\x00b"`, "a\tb": `"a\tb"`, "\xff": `"\xff"`} {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %s, want %s", in, got, want)
		}
	}
}
