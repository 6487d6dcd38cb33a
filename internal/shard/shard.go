// Package shard splits the rows of one input among N machines, so that N
// runs of the same file (a Kubernetes Indexed Job, N cron entries) process
// every row exactly once between them.
//
// A row belongs to shard K of N, K from 1, when Of(its email cell, its
// phone cell, N) is K. The assignment depends on nothing but those two
// cells and N: not on the machine, the run, the row's position or action,
// nor on the version of pcsync. It must never change: machines running
// different versions during an upgrade would otherwise overlap or leave
// gaps. TestGolden pins it.
package shard

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strings"
)

// MaxN is the largest number of shards.
const MaxN = 10000

// Spec is shard K of N, K from 1 to N. The zero Spec means no sharding:
// every row belongs to it.
type Spec struct {
	K, N int
}

// On reports whether s splits the input at all.
func (s Spec) On() bool { return s.N > 0 }

// String returns "K/N", or "" for the zero Spec.
func (s Spec) String() string {
	if !s.On() {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.K, s.N)
}

// Has reports whether the row whose email and phone cells are given
// belongs to s.
func (s Spec) Has(email, phone string) bool {
	return !s.On() || Of(email, phone, s.N) == s.K
}

// Of returns the shard, from 1 to n, of the row whose email and phone cells
// (as written in the file) are given: the first 8 bytes of the SHA-256 of
// the row's Key, read as a big-endian unsigned integer, modulo n, plus 1.
// It panics if n < 1.
func Of(email, phone string, n int) int {
	if n < 1 {
		panic("shard: n < 1")
	}
	sum := sha256.Sum256(appendKey(make([]byte, 0, 64), email, phone))
	return int(binary.BigEndian.Uint64(sum[:8])%uint64(n)) + 1
}

// Key returns the contact key a row is assigned by:
//
//   - "e:" and the email cell with surrounding white space trimmed (as
//     strings.TrimSpace does) and ASCII letters lower-cased, when that is
//     not empty;
//   - else "p:" and the phone cell trimmed, with the spaces, tabs, dashes,
//     dots and brackets that validation strips removed ("+1 (555) 010-0001"
//     and "+15550100001" are one contact), when that is not empty;
//   - else "" (a row with no contact at all).
//
// So the same contact lands on the same shard whatever its action, and a
// row whose email or phone is invalid is still assigned, by the same rule,
// from its cells as written: every row, valid or not, belongs to exactly
// one shard. Only ASCII is lower-cased, so that the key cannot change with
// the Unicode tables of a newer Go.
func Key(email, phone string) string {
	return string(appendKey(nil, email, phone))
}

func appendKey(dst []byte, email, phone string) []byte {
	if e := strings.TrimSpace(email); e != "" {
		dst = append(dst, "e:"...)
		for i := 0; i < len(e); i++ {
			c := e[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
		}
		return dst
	}
	if p := strings.TrimSpace(phone); p != "" {
		dst = append(dst, "p:"...)
		for i := 0; i < len(p); i++ {
			switch c := p[i]; c {
			case ' ', '\t', '-', '.', '(', ')':
			default:
				dst = append(dst, c)
			}
		}
	}
	return dst
}
