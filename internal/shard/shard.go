// Package shard splits the rows of one input among N machines, so that N
// runs of the same file (a Kubernetes Indexed Job, N cron entries) process
// every row exactly once between them.
//
// A row belongs to shard K of N, K from 1, when Spec{K, N, key, country}
// has it: when the hash of its contact key (Of) is K. The key is read
// from the row's email and phone cells by the split's Key (KeySent, the
// contact as sent; KeyWritten, the cells as written), national phones with
// the country. The assignment depends on nothing but those cells, the Key,
// the country and N: not on the machine, the run, the row's position or
// action, nor on the version of pcsync. It must never change: machines
// running different versions during an upgrade would otherwise overlap or
// leave gaps. TestGolden (KeyWritten) and TestGoldenSent (KeySent) pin it.
package shard

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
)

// MaxN is the largest number of shards.
const MaxN = 10000

// Spec is shard K of N, K from 1 to N, with the scheme its rows are
// assigned by. The zero Spec means no sharding: every row belongs to it.
type Spec struct {
	K, N int
	// Key is how a row's contact key is read: the zero Key is KeySent.
	Key Key
	// Country is the region national phones are read with under KeySent,
	// as validation reads them: the run's --default-country ("" for none).
	Country string
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
	return !s.On() || s.Of(email, phone) == s.K
}

// Of returns the shard, from 1 to s.N, of the row whose email and phone
// cells (as written in the file) are given: Of of its contact key by
// s.Key. It panics if s.N < 1.
func (s Spec) Of(email, phone string) int {
	return Of(s.Key.appendKey(make([]byte, 0, 64), email, phone, s.Country), s.N)
}

// Of returns the shard, from 1 to n, of a contact key: the first 8 bytes
// of its SHA-256, read as a big-endian unsigned integer, modulo n, plus 1.
// It panics if n < 1.
func Of(key []byte, n int) int {
	if n < 1 {
		panic("shard: n < 1")
	}
	sum := sha256.Sum256(key)
	return int(binary.BigEndian.Uint64(sum[:8])%uint64(n)) + 1
}

// Parse reads "K/N", shard K of N, as --shard takes it.
func Parse(v string) (Spec, error) {
	ks, ns, ok := strings.Cut(strings.TrimSpace(v), "/")
	if !ok {
		return Spec{}, fmt.Errorf("%q is not K/N (want this run's shard K of N, like 1/4)", v)
	}
	k, kerr := strconv.Atoi(strings.TrimSpace(ks))
	n, nerr := strconv.Atoi(strings.TrimSpace(ns))
	switch {
	case kerr != nil || nerr != nil:
		return Spec{}, fmt.Errorf("%q is not K/N: K and N must be whole numbers, like 1/4", v)
	case n < 1 || n > MaxN:
		return Spec{}, fmt.Errorf("%q: N must be from 1 to %d", v, MaxN)
	case k < 1 || k > n:
		return Spec{}, fmt.Errorf("%q: K must be from 1 to N (1/%d to %d/%d)", v, n, n, n)
	}
	return Spec{K: k, N: n}, nil
}
