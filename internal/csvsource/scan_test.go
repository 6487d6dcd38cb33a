package csvsource

import (
	"strings"
	"testing"
)

func TestScanCounts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want int
	}{
		{"header only", "email\n", 0},
		{"header only without line end", "email", 0},
		{"rows", "email\na\nb\nc\n", 3},
		{"blank lines not counted", "email\n\na\n\r\n\nb", 2},
		{"multi-line records", "email;note\na;\"1\n2\"\nb;\"\n\n\"\n", 2},
		{"many", rowsInput(10000), 10000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := Scan(strings.NewReader(tt.in), Options{})
			if err != nil || got != tt.want {
				t.Errorf("Scan = %d, %v; want %d, nil", got, err, tt.want)
			}
		})
	}
}

// TestScanAllocations checks that Scan allocates nothing per row beyond the
// string encoding/csv makes of each record.
func TestScanAllocations(t *testing.T) {
	const rows = 2000
	r := strings.NewReader(rowsInput(rows))
	allocs := testing.AllocsPerRun(5, func() {
		r.Seek(0, 0)
		if n, err := Scan(r, Options{}); n != rows || err != nil {
			t.Fatalf("Scan = %d, %v", n, err)
		}
	})
	t.Logf("%.0f allocations for %d rows", allocs, rows)
	if allocs > rows+30 {
		t.Errorf("Scan made %.0f allocations for %d rows; want at most one per row plus a few", allocs, rows)
	}
}
