package shard

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/pcsync/pcsync/internal/csvsource"
	"github.com/pcsync/pcsync/internal/job"
)

// TestGolden pins the assignment of KeyWritten, the cells as written. If
// this test fails, the hash or the key changed: machines on different
// versions would then overlap or leave gaps. Do not update the table;
// restore the assignment. (The values were checked independently:
// python3, hashlib.sha256(key).digest()[:8] read big-endian, mod n, plus
// 1.) TestGoldenSent pins KeySent's.
func TestGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		email, phone string
		key          string
		n2, n3, n10  int
		n10000       int
	}{
		{"user1@example.com", "", "e:user1@example.com", 1, 3, 9, 9259},
		{" Bob@Example.COM ", "", "e:bob@example.com", 2, 3, 2, 2702},
		{"", "+1 (555) 010-0001", "p:+15550100001", 1, 2, 5, 3605},
		{"", "+15550100001", "p:+15550100001", 1, 2, 5, 3605},
		{"alice@example.org", "+447700900123", "e:alice@example.org", 1, 3, 7, 6757},
		{"", "79001234567", "p:79001234567", 1, 1, 1, 1921},
		{"bob@", "", "e:bob@", 2, 2, 2, 8152},
		{"  ", "\t", "", 1, 2, 3, 1653},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			if got := job.ContactKey(tt.email, tt.phone); got != tt.key {
				t.Errorf("Key(%q, %q) = %q, want %q", tt.email, tt.phone, got, tt.key)
			}
			for _, c := range []struct{ n, want int }{{2, tt.n2}, {3, tt.n3}, {10, tt.n10}, {MaxN, tt.n10000}} {
				// The country plays no part in the cells as written.
				if got := (Spec{N: c.n, Key: KeyWritten, Country: "GB"}).Of(tt.email, tt.phone); got != c.want {
					t.Errorf("Of(%q, %q, %d) = %d, want %d", tt.email, tt.phone, c.n, got, c.want)
				}
			}
		})
	}
}

func TestKeyNormalizes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		email1, phone1 string
		email2, phone2 string
		same           bool
	}{
		{"email case and spaces", "Ann@Example.com", "", "  ann@example.COM\t", "", true},
		{"email wins over phone", "ann@example.com", "+15550100001", "ann@example.com", "", true},
		{"phone punctuation", "", "+1 (555) 010-00.01", "", "+15550100001", true},
		{"leading plus kept", "", "+15550100001", "", "15550100001", false},
		{"email and phone apart", "15550100001", "", "", "15550100001", false},
		{"non-ASCII not folded", "ÅSA@example.com", "", "åsa@example.com", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := job.ContactKey(tt.email1, tt.phone1), job.ContactKey(tt.email2, tt.phone2)
			if (a == b) != tt.same {
				t.Errorf("Key = %q and %q; same = %v, want %v", a, b, a == b, tt.same)
			}
		})
	}
}

// TestEveryRowInExactlyOneShard also checks that shards are not badly
// unbalanced for contacts that differ by a counter.
func TestEveryRowInExactlyOneShard(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 2, 3, 7, 16} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			count := make([]int, n+1)
			const rows = 6000
			for i := 0; i < rows; i++ {
				email := fmt.Sprintf("user%d@example.com", i)
				in := 0
				for k := 1; k <= n; k++ {
					if (Spec{K: k, N: n}).Has(email, "") {
						in++
						count[k]++
					}
				}
				if in != 1 {
					t.Fatalf("%s is in %d shards of %d", email, in, n)
				}
			}
			for k := 1; k <= n; k++ {
				if want := rows / n; count[k] < want*8/10 || count[k] > want*12/10 {
					t.Errorf("shard %d/%d has %d of %d rows", k, n, count[k], rows)
				}
			}
		})
	}
}

func TestZeroSpecHasEveryRow(t *testing.T) {
	t.Parallel()
	var s Spec
	if s.On() || s.String() != "" || !s.Has("a@example.com", "") || !s.Has("", "") {
		t.Errorf("zero Spec: On %v, String %q", s.On(), s.String())
	}
	if got := (Spec{K: 2, N: 5}).String(); got != "2/5" {
		t.Errorf("String = %q", got)
	}
}

const input = "id;Phone; EMAIL \n1;;a@example.com\n2;+1 555 010 0002;\n3;;c@example.com\n4;;\n5;;e@example.com\n6;+1 555 010 0006;f@example.com\n"

func open(t *testing.T) *csvsource.Source {
	t.Helper()
	src, err := csvsource.Open(strings.NewReader(input), csvsource.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	return src
}

func TestFilterSplitsRowsKeepingTheirNumbers(t *testing.T) {
	t.Parallel()
	const n = 3
	seen := map[int]int{}
	for k := 1; k <= n; k++ {
		src := open(t)
		var others []int
		f := Filter(src, src.Header(), Spec{K: k, N: n}, func(r job.Row) error {
			others = append(others, r.Index)
			return nil
		})
		mine := 0
		for {
			row, err := f.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := fmt.Sprint(row.Index); row.Fields[0] != want {
				t.Errorf("row %d carries id %s", row.Index, row.Fields[0])
			}
			if got := (Spec{N: n}).Of(row.Fields[2], row.Fields[1]); got != k {
				t.Errorf("shard %d/%d got row %d of shard %d", k, n, row.Index, got)
			}
			seen[row.Index]++
			mine++
		}
		if mine+len(others) != 6 {
			t.Errorf("shard %d/%d: %d rows and %d others, want 6 in all", k, n, mine, len(others))
		}
	}
	for i := 1; i <= 6; i++ {
		if seen[i] != 1 {
			t.Errorf("row %d in %d shards", i, seen[i])
		}
	}
}

func TestFilterStopsOnOthersError(t *testing.T) {
	t.Parallel()
	src := open(t)
	stop := errors.New("stop")
	// Every row but one's shard is "other" for some shard of 2; find the
	// shard that does not own row 1, so that other is called on it.
	k := 3 - Spec{N: 2}.Of("a@example.com", "")
	f := Filter(src, src.Header(), Spec{K: k, N: 2}, func(job.Row) error { return stop })
	for i := 0; i < 2; i++ {
		if _, err := f.Next(); !errors.Is(err, stop) {
			t.Fatalf("Next %d: %v, want the error of other", i, err)
		}
	}
}

func TestFilterOfZeroSpecIsTheSource(t *testing.T) {
	t.Parallel()
	src := open(t)
	if f := Filter(src, src.Header(), Spec{}, nil); f != job.Rows(src) {
		t.Errorf("Filter with no sharding wraps the source")
	}
}
