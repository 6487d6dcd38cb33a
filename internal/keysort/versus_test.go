package keysort

import (
	"bufio"
	"bytes"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The comparison of issue 12: this package against a temporary bbolt file
// (put every key, then iterate in order), on n random keys of 20 bytes, in
// child processes of the test binary so that each one's peak RSS (VmHWM)
// is its own. Run it with
//
//	PCSYNC_KEYSORT_VERSUS=2000000 go test -run TestVersusBbolt -v ./internal/keysort
//
// "generate only" is the baseline: the same keys, made and counted, not
// sorted.

const versusEnv, versusChildEnv = "PCSYNC_KEYSORT_VERSUS", "PCSYNC_KEYSORT_VERSUS_CHILD"

func TestVersusBbolt(t *testing.T) {
	if variant := os.Getenv(versusChildEnv); variant != "" {
		versusChild(t, variant)
		return
	}
	n, _ := strconv.Atoi(os.Getenv(versusEnv))
	if n <= 0 {
		t.Skip("set " + versusEnv + "=N to compare with bbolt on N keys")
	}
	variants := []string{"generate only", "keysort", "bbolt", "bbolt, 1 MiB"}
	type result struct {
		secs             float64
		hwm, heap, count int64
		file             int64 // the temporary files' size at the end
		sum              uint64
	}
	results := map[string][]result{}
	const rounds = 3
	for round := range rounds {
		for k := range variants {
			v := variants[(round+k)%len(variants)]
			cmd := exec.Command(os.Args[0], "-test.run=^TestVersusBbolt$")
			cmd.Env = append(os.Environ(), versusChildEnv+"="+v, versusEnv+"="+strconv.Itoa(n), "TMPDIR="+t.TempDir())
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%s: %v\n%s", v, err, out)
			}
			var r result
			i := bytes.Index(out, []byte("RESULT "))
			if i < 0 {
				t.Fatalf("%s: no result\n%s", v, out)
			}
			if _, err := fmt.Sscanf(string(out[i:]), "RESULT %g %d %d %d %d %d", &r.secs, &r.hwm, &r.heap, &r.count, &r.sum, &r.file); err != nil {
				t.Fatalf("%s: %v\n%s", v, err, out)
			}
			results[v] = append(results[v], r)
		}
	}
	med := func(v string, f func(result) float64) float64 {
		var xs []float64
		for _, r := range results[v] {
			xs = append(xs, f(r))
		}
		slices.Sort(xs)
		return xs[len(xs)/2]
	}
	secs := func(r result) float64 { return r.secs }
	hwm := func(r result) float64 { return float64(r.hwm) / (1 << 20) }
	heap := func(r result) float64 { return float64(r.heap) / (1 << 20) }
	file := func(r result) float64 { return float64(r.file) / (1 << 20) }
	t.Logf("%d random keys of 20 bytes; medians of %d rounds, order rotating; each a child process", n, rounds)
	t.Logf("%-14s %8s %12s %12s %10s %10s", "", "time", "peak RSS", "peak heap", "keys out", "file")
	for _, v := range variants {
		t.Logf("%-14s %7.2fs %8.1f MiB %8.1f MiB %10d %6.0f MiB", v, med(v, secs), med(v, hwm), med(v, heap), results[v][0].count, med(v, file))
	}
	base := med("generate only", secs)
	ks, bb := med("keysort", secs)-base, med("bbolt", secs)-base
	t.Logf("sorting time over the baseline: keysort %.2fs, bbolt %.2fs (bbolt/keysort %.2fx)", ks, bb, bb/ks)
	t.Logf("peak RSS over the baseline: keysort %+.1f MiB, bbolt %+.1f MiB",
		med("keysort", hwm)-med("generate only", hwm), med("bbolt", hwm)-med("generate only", hwm))
	b1 := med("bbolt, 1 MiB", secs) - base
	t.Logf("bbolt in 1 MiB batches: %.2fs over the baseline (%.2fx keysort), peak RSS %+.1f MiB",
		b1, b1/ks, med("bbolt, 1 MiB", hwm)-med("generate only", hwm))
	for _, v := range variants[1:] {
		for _, r := range results[v] {
			if r.count != results["keysort"][0].count || r.sum != results["keysort"][0].sum {
				t.Errorf("%s yielded %d keys (sum %#x), keysort %d (%#x)", v, r.count, r.sum, results["keysort"][0].count, results["keysort"][0].sum)
			}
		}
	}
}

// versusChild runs one variant and prints its time, its peak RSS, its
// peak heap (sampled every 5ms), and how many keys it yielded, with a sum
// of their hashes.
func versusChild(t *testing.T, variant string) {
	n, _ := strconv.Atoi(os.Getenv(versusEnv))
	var peakHeap atomic.Int64
	stop := make(chan struct{})
	go func() {
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if h := int64(ms.HeapInuse); h > peakHeap.Load() {
				peakHeap.Store(h)
			}
			select {
			case <-stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	rng := rand.New(rand.NewPCG(12, 6))
	key := func() string {
		b := make([]byte, 20)
		b[0], b[1] = 'e', ':'
		for i := 2; i < len(b); i++ {
			b[i] = 'a' + byte(rng.IntN(26))
		}
		return string(b)
	}
	start := time.Now()
	var count, fileBytes int64
	var sum uint64
	yield := func(last *string, k string) {
		if count > 0 && k <= *last {
			t.Fatalf("%q after %q", k, *last)
		}
		*last = k
		h := fnv.New64a()
		h.Write([]byte(k))
		sum += h.Sum64()
		count++
	}
	var last string
	switch variant {
	case "generate only":
		for range n {
			k := key()
			h := fnv.New64a()
			h.Write([]byte(k))
			sum += h.Sum64()
			count++
		}
	case "keysort":
		s := New("", 0)
		sortAll(t, n, key, s.Add, s.Sorted, func(k string) { yield(&last, k) })
		for _, f := range s.runs {
			if fi, err := f.Stat(); err == nil {
				fileBytes += fi.Size()
			}
		}
		s.Close()
	case "bbolt", "bbolt, 1 MiB":
		budget := 0 // as keysort's
		if variant == "bbolt, 1 MiB" {
			budget = 1 << 20 // smaller batches: fewer pages a transaction
		}
		s, err := newBoltSorter("", budget)
		if err != nil {
			t.Fatal(err)
		}
		sortAll(t, n, key, s.Add, s.Sorted, func(k string) { yield(&last, k) })
		if fi, err := os.Stat(s.path); err == nil {
			fileBytes = fi.Size()
		}
		s.Close()
	default:
		t.Fatalf("unknown variant %q", variant)
	}
	secs := time.Since(start).Seconds()
	close(stop)
	fmt.Printf("RESULT %g %d %d %d %d %d\n", secs, vmHWM(t), peakHeap.Load(), count, sum, fileBytes)
}

// vmHWM is this process's peak RSS in bytes.
func vmHWM(t *testing.T) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	t.Fatal("no VmHWM")
	return 0
}

// boltSorter is the alternative measured: keys put into a temporary bbolt
// file, then read back in order by a cursor. Like Sorter it holds a
// bounded batch of keys in memory, here so that each write transaction
// puts a sorted batch (bbolt's fastest order) and holds only the pages
// that batch touches.
type boltSorter struct {
	db     *bolt.DB
	path   string
	budget int
	keys   []string
	size   int
}

var bucketKeys = []byte("keys")

func newBoltSorter(dir string, budget int) (*boltSorter, error) {
	if budget <= 0 {
		budget = DefaultBudget
	}
	if dir == "" {
		dir = os.TempDir()
	}
	path := filepath.Join(dir, fmt.Sprintf("pcsync-keys-%d.db", rand.Int64()))
	db, err := bolt.Open(path, 0o600, &bolt.Options{NoSync: true, NoGrowSync: true, NoFreelistSync: true, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return nil, err
	}
	err = db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket(bucketKeys); return err })
	return &boltSorter{db: db, path: path, budget: budget}, err
}

func (s *boltSorter) Add(key string) error {
	s.keys = append(s.keys, key)
	if s.size += len(key) + perKey; s.size >= s.budget {
		return s.flush()
	}
	return nil
}

func (s *boltSorter) flush() error {
	slices.Sort(s.keys)
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketKeys)
		for _, k := range s.keys {
			if err := b.Put([]byte(k), nil); err != nil {
				return err
			}
		}
		return nil
	})
	clear(s.keys)
	s.keys, s.size = s.keys[:0], 0
	return err
}

func (s *boltSorter) Sorted() (*boltIter, error) {
	if err := s.flush(); err != nil {
		return nil, err
	}
	tx, err := s.db.Begin(false)
	if err != nil {
		return nil, err
	}
	return &boltIter{tx: tx, c: tx.Bucket(bucketKeys).Cursor()}, nil
}

func (s *boltSorter) Close() error {
	err := s.db.Close()
	os.Remove(s.path)
	return err
}

type boltIter struct {
	tx      *bolt.Tx
	c       *bolt.Cursor
	started bool
}

func (it *boltIter) Next() (string, bool) {
	var k []byte
	if it.started {
		k, _ = it.c.Next()
	} else {
		k, _ = it.c.First()
		it.started = true
	}
	if k == nil {
		it.tx.Rollback()
		return "", false
	}
	return string(k), true
}

func (it *boltIter) Err() error { return nil }

// sortAll adds n keys from key through add, then yields them back in the
// order sorted gives them.
func sortAll[I interface {
	Next() (string, bool)
	Err() error
}](t *testing.T, n int, key func() string, add func(string) error, sorted func() (I, error), yield func(string)) {
	t.Helper()
	for range n {
		if err := add(key()); err != nil {
			t.Fatal(err)
		}
	}
	it, err := sorted()
	if err != nil {
		t.Fatal(err)
	}
	for k, ok := it.Next(); ok; k, ok = it.Next() {
		yield(k)
	}
	if err := it.Err(); err != nil {
		t.Fatal(err)
	}
}
