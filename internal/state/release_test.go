package state

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// TestReleaseWhileTheMapGrows reads, releasing the map's pages, while
// commits grow the file past its map several times, so that bbolt remaps
// it under the readers: every value read must be right (go test -race).
// One reader goes through Run.Unchanged, as a run's feeder does; the other
// releases before every read of its own read transactions.
func TestReleaseWhileTheMapGrows(t *testing.T) {
	t.Parallel()
	const (
		initialMap = 32 << 10 // bbolt's least
		batch      = 500      // one transaction a commit (< putsPerTx)
		batches    = 60
		n          = batch * batches
	)
	path := filepath.Join(t.TempDir(), "s.db")
	s := openTest(t, path, Options{initialMmap: initialMap})
	r := s.Run("")
	defer r.Close()
	job := func(i int) (key []byte, want uint64) {
		j := add(fmt.Sprintf("user%d@example.com", i), "", "100500")
		return appendKey(nil, &j), hashOf(&j)
	}
	// check reads key i in tx and says what is wrong with it, if anything.
	check := func(tx *bolt.Tx, i int) error {
		key, want := job(i)
		v := tx.Bucket(bucketApplied).Get(key)
		if v == nil {
			return fmt.Errorf("user%d: committed, but not found", i)
		}
		var keyed Entry
		ck := decodeKey(key, &keyed)
		e, err := decodeValue(v, ck)
		switch {
		case err != nil:
			return fmt.Errorf("user%d: %v", i, err)
		case e.Hash != want || e.Contact.Email != fmt.Sprintf("user%d@example.com", i) || keyed.SegmentID != "100500":
			return fmt.Errorf("user%d: read %+v (segment %q), want hash %#x", i, e, keyed.SegmentID, want)
		}
		return nil
	}
	// releaseThenCheck drops the pages read so far, then reads entry i
	// again: from the file, mapped anew if a commit remapped it meanwhile.
	releaseThenCheck := func(tx *bolt.Tx, i int) error {
		if err := release(tx); err != nil {
			return fmt.Errorf("release: %w", err)
		}
		return check(tx, i)
	}

	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(3)
	go func() { // the recorder: commits that grow the file
		defer wg.Done()
		defer close(done)
		for b := range batches {
			for i := b * batch; i < (b+1)*batch; i++ {
				j := add(fmt.Sprintf("user%d@example.com", i), "", "100500")
				r.Applied(&j)
			}
			r.Cut()
			if err := r.Commit(); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	go func() { // the feeder's lookups, releasing every readsPerRelease
		defer wg.Done()
		for k := 0; ; k++ {
			select {
			case <-done:
				return
			default:
			}
			committed := int(r.Committed())
			if committed == 0 {
				continue
			}
			i := k % committed
			j := add(fmt.Sprintf("user%d@example.com", i), "", "100500")
			if _, same, err := r.Unchanged(&j); err != nil || !same {
				t.Errorf("user%d, committed: Unchanged = %v, %v", i, same, err)
				return
			}
		}
	}()
	go func() { // a reader releasing before every read
		defer wg.Done()
		for k := 0; ; k++ {
			select {
			case <-done:
				return
			default:
			}
			committed := int(r.Committed())
			err := s.db.View(func(tx *bolt.Tx) error {
				// The last batch, and a spread of the earlier ones.
				for i := committed - 1; i >= 0 && i >= committed-batch; i -= 7 {
					if err := releaseThenCheck(tx, i); err != nil {
						return err
					}
				}
				for i := k % 97; i < committed; i += 97 {
					if err := releaseThenCheck(tx, i); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Error(err)
				return
			}
		}
	}()
	wg.Wait()
	if t.Failed() {
		return
	}
	if r.Committed() != n {
		t.Fatalf("%d committed, want %d", r.Committed(), n)
	}
	// The file outgrew its first map at least 3 times (each remap doubles
	// it): the readers ran across remaps.
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() <= 8*initialMap {
		t.Fatalf("the file is %d bytes: not enough to remap a map of %d several times", fi.Size(), initialMap)
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		for i := range n {
			if i%readsPerRelease == 0 {
				if err := release(tx); err != nil {
					return fmt.Errorf("release: %w", err)
				}
			}
			if err := check(tx, i); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
	t.Logf("file %d KiB, first map %d KiB", fi.Size()>>10, initialMap>>10)
}
