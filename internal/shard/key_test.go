package shard

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/pcsync/pcsync/internal/csvsource"
	"github.com/pcsync/pcsync/internal/job"
)

// TestGoldenSent pins the assignment of KeySent, the contact as sent: like
// TestGolden's, it must never change, and the values were checked the
// same way (python3, hashlib, on the key column). Every spelling of one
// phone is on one shard; a phone that does not validate keeps its key as
// written, and so do emails and phones written in E.164.
func TestGoldenSent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		email, phone, country string
		key                   string
		n2, n3, n10           int
		n10000                int
	}{
		{"user1@example.com", "", "", "e:user1@example.com", 1, 3, 9, 9259},
		{"alice@example.org", "+44 (0) 7700 900123", "GB", "e:alice@example.org", 1, 3, 7, 6757},
		{"", "+44 (0) 7700 900123", "", "p:+447700900123", 2, 2, 8, 638},
		{"", "0044 7700 900123", "", "p:+447700900123", 2, 2, 8, 638},
		{"", "+447700900123", "", "p:+447700900123", 2, 2, 8, 638},
		{"", " +44 7700-900-123 ", "GB", "p:+447700900123", 2, 2, 8, 638},
		{"", "07700 900123", "GB", "p:+447700900123", 2, 2, 8, 638},
		{"", "07700 900123", "", "p:07700900123", 1, 2, 9, 1679},
		{"", "+1 (555) 010-0001", "", "p:+15550100001", 1, 2, 5, 3605},
		{"", "4400114527199", "", "p:4400114527199", 2, 2, 4, 8734},
		{"", "79001234567", "", "p:79001234567", 1, 1, 1, 1921},
		{"", "+44 123", "", "p:+44123", 1, 2, 1, 9571},
		{"  ", "\t", "GB", "", 1, 2, 3, 1653},
	}
	for _, tt := range tests {
		t.Run(tt.phone+"/"+tt.country, func(t *testing.T) {
			t.Parallel()
			if got := string(KeySent.appendKey(nil, tt.email, tt.phone, tt.country)); got != tt.key {
				t.Errorf("key(%q, %q, %q) = %q, want %q", tt.email, tt.phone, tt.country, got, tt.key)
			}
			for _, c := range []struct{ n, want int }{{2, tt.n2}, {3, tt.n3}, {10, tt.n10}, {MaxN, tt.n10000}} {
				if got := (Spec{N: c.n, Country: tt.country}).Of(tt.email, tt.phone); got != c.want {
					t.Errorf("Of(%q, %q, %q, %d) = %d, want %d", tt.email, tt.phone, tt.country, c.n, got, c.want)
				}
			}
		})
	}
}

func TestParseKey(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		want Key
	}{{"sent", KeySent}, {" Written ", KeyWritten}, {"WRITTEN", KeyWritten}} {
		k, err := ParseKey(tt.in)
		if err != nil || k != tt.want || k.String() != strings.ToLower(strings.TrimSpace(tt.in)) {
			t.Errorf("ParseKey(%q): %v, %v (%q); want %v", tt.in, k, err, k.String(), tt.want)
		}
	}
	for _, bad := range []string{"", "as-written", "e164"} {
		if k, err := ParseKey(bad); err == nil || !strings.Contains(err.Error(), "want sent or written") {
			t.Errorf("ParseKey(%q): %v, %v", bad, k, err)
		}
	}
	var zero Key
	if zero != KeySent || zero.String() != "sent" || Key(9).String() != "Key(9)" {
		t.Errorf("zero Key %v", zero)
	}
}

// TestEveryPhoneRowInExactlyOneShard is TestEveryRowInExactlyOneShard for
// phone-only rows under both keys, national ones read as of GB.
func TestEveryPhoneRowInExactlyOneShard(t *testing.T) {
	t.Parallel()
	for _, key := range []Key{KeySent, KeyWritten} {
		for _, n := range []int{2, 7} {
			t.Run(fmt.Sprint(key, n), func(t *testing.T) {
				t.Parallel()
				count := make([]int, n+1)
				const rows = 2000
				for i := 0; i < rows; i++ {
					phone := fmt.Sprintf("07700 9%05d", i)
					if i%2 == 1 {
						phone = fmt.Sprintf("+44 (0) 7700 9%05d", i)
					}
					in := 0
					for k := 1; k <= n; k++ {
						if (Spec{K: k, N: n, Key: key, Country: "GB"}).Has("", phone) {
							in++
							count[k]++
						}
					}
					if in != 1 {
						t.Fatalf("%s is in %d shards of %d", phone, in, n)
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
}

// threeWays is one contact's phone written three ways, and once more as a
// national number, then another contact by email.
const threeWays = "phone,email\n+44 (0) 7700 900123,\n0044 7700 900123,\n+447700900123,\n07700 900123,\n,dee@example.com\n"

// TestFilterKeepsAPhoneOnOneShard: under KeySent, the spellings of one
// phone are all in one shard's rows, and the national one joins them with
// the country; under KeyWritten, the spellings split as they always did.
func TestFilterKeepsAPhoneOnOneShard(t *testing.T) {
	t.Parallel()
	tests := []struct {
		key     Key
		country string
		shards  [2][]int // rows of 1/2 and 2/2
	}{
		{KeySent, "GB", [2][]int{{5}, {1, 2, 3, 4}}},
		{KeySent, "", [2][]int{{4, 5}, {1, 2, 3}}},
		{KeyWritten, "GB", [2][]int{{1, 2, 4, 5}, {3}}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.key, "/", tt.country), func(t *testing.T) {
			t.Parallel()
			for k := 1; k <= 2; k++ {
				src, err := csvsource.Open(strings.NewReader(threeWays), csvsource.Options{})
				if err != nil {
					t.Fatal(err)
				}
				var rows, others []int
				f := Filter(src, src.Header(), Spec{K: k, N: 2, Key: tt.key, Country: tt.country}, func(r job.Row) error {
					others = append(others, r.Index)
					return nil
				})
				for {
					row, err := f.Next()
					if err == io.EOF {
						break
					}
					if err != nil {
						t.Fatal(err)
					}
					rows = append(rows, row.Index)
				}
				src.Close()
				if fmt.Sprint(rows) != fmt.Sprint(tt.shards[k-1]) || len(rows)+len(others) != 5 {
					t.Errorf("shard %d/2 has rows %v (others %v), want %v", k, rows, others, tt.shards[k-1])
				}
			}
		})
	}
}

// BenchmarkHas is the cost of assigning a phone-only row, by key: KeySent
// parses the phone (as validation does), KeyWritten only strips it.
func BenchmarkHas(b *testing.B) {
	phones := []string{"+44 (0) 7700 900123", "0044 7700 900123", "+447700900123", "07700 900123", "+1 (555) 010-0001"}
	for _, key := range []Key{KeyWritten, KeySent} {
		b.Run(key.String(), func(b *testing.B) {
			s := Spec{K: 1, N: 4, Key: key, Country: "GB"}
			i := 0
			for b.Loop() {
				s.Has("", phones[i%len(phones)])
				i++
			}
		})
	}
}
