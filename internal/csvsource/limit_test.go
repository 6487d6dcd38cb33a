package csvsource

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// endless is a record that never ends: a header, then one cell of x's.
type endless struct {
	head string
	read int64
}

func (e *endless) Read(p []byte) (int, error) {
	n := copy(p, e.head)
	e.head = e.head[n:]
	for i := n; i < len(p); i++ {
		p[i] = 'x'
	}
	e.read += int64(len(p))
	return len(p), nil
}

func TestScanRefusesARecordOverTheLimit(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("y", 3000)
	tests := []struct {
		name  string
		input string
		max   int64
		line  int // 0: no error
		rows  int
	}{
		{"under", "email,note\na@b.c," + big + "\n", 4096, 0, 1},
		{"no limit", "email,note\na@b.c," + big + "\n", 0, 0, 1},
		{"a row", "email,note\na@b.c,x\nb@b.c," + big + "\nc@b.c,z\n", 1024, 3, 1},
		{"after a multi-line cell", "email,note\na@b.c,\"one\ntwo\nthree\"\nb@b.c,\"" + big + "\"\n", 1024, 5, 1},
		{"a multi-line record", "email,note\na@b.c,\"" + strings.Repeat("line\n", 400) + "\"\n", 1024, 2, 0},
		{"the header", "email," + big + "\n", 1024, 1, 0},
		{"the last, unended", "email,note\na@b.c,x\nb@b.c," + big, 1024, 3, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// Tests read through a small buffer, as a large input would.
			rows, err := Scan(strings.NewReader(tt.input), Options{MaxRecord: tt.max})
			if tt.line == 0 {
				if err != nil || rows != tt.rows {
					t.Fatalf("Scan = %d, %v", rows, err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || !errors.Is(err, ErrRecordTooLarge) || e.Line != tt.line || rows != tt.rows {
				t.Fatalf("Scan = %d, %v; want ErrRecordTooLarge at line %d after %d rows", rows, err, tt.line, tt.rows)
			}
			if !strings.Contains(err.Error(), FormatSize(tt.max)) {
				t.Errorf("%q does not say the limit", err)
			}
		})
	}
}

// TestScanOfAnEndlessRecordStops: a record that never ends is refused
// once the limit and a buffer are read; memory stays bounded.
func TestScanOfAnEndlessRecordStops(t *testing.T) {
	t.Parallel()
	const max = 1 << 20
	in := &endless{head: "email,note\na@b.c,"}
	_, err := Scan(io.Reader(in), Options{MaxRecord: max})
	if !errors.Is(err, ErrRecordTooLarge) {
		t.Fatalf("Scan = %v", err)
	}
	if in.read > max+3*bufferSize {
		t.Errorf("read %d bytes for a limit of %d", in.read, max)
	}
}

func TestFormatSize(t *testing.T) {
	t.Parallel()
	for n, want := range map[int64]string{1 << 20: "1MiB", 512 << 10: "512KiB", 3 << 30: "3GiB", 1000: "1000 bytes", 1536 << 10: "1536KiB"} {
		if got := FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
}
