package state

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// damageJobs is how many keys the damaged files hold: a few dozen pages.
const damageJobs = 2000

// soundState writes a state of damageJobs keys and returns its path.
func soundState(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "s.db")
	s, err := Open(path, Options{initialMmap: 32 << 10})
	if err != nil {
		t.Fatal(err)
	}
	r := s.Run("")
	for i := range damageJobs {
		j := add(fmt.Sprintf("user%d@example.com", i), "", "100500")
		r.Applied(&j)
	}
	r.Cut()
	if err := r.Commit(); err != nil {
		t.Fatal(err)
	}
	r.Close()
	s.Close()
	return path
}

// zeroPages overwrites pages [from, to) of the file at path with zeros
// (to < 0: up to its end), through a file descriptor of its own.
func zeroPages(t *testing.T, path string, from, to int) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	ps := os.Getpagesize()
	if to < 0 {
		to = int(fi.Size()) / ps
	}
	zero := make([]byte, ps)
	for p := from; p < to; p++ {
		if _, err := f.WriteAt(zero, int64(p*ps)); err != nil {
			t.Fatal(err)
		}
	}
}

// useAll reads every key as a run does, then lists the state, then writes
// to it: each either works or says ErrDamaged.
func useAll(t *testing.T, s *Store, readOnly bool) (damaged bool) {
	t.Helper()
	check := func(what string, err error) {
		if err != nil && !errors.Is(err, ErrDamaged) {
			t.Errorf("%s: %v, want ErrDamaged", what, err)
		}
		damaged = damaged || err != nil
	}
	r := s.Run("")
	for i := range damageJobs {
		j := add(fmt.Sprintf("user%d@example.com", i), "", "100500")
		if _, _, err := r.Unchanged(&j); err != nil {
			check("Unchanged", err)
			break
		}
	}
	check("Each", s.Each(func(string, Entry) error { return nil }))
	_, err := s.Len()
	check("Len", err)
	if !readOnly {
		j := add("new@example.com", "", "100500")
		r.Applied(&j)
		r.Cut()
		check("Commit", r.Commit())
	}
	r.Close()
	return damaged
}

// TestDamagedPageAtOpen zeroes each page of a sound state in turn: Open,
// read-only or not, refuses the file with ErrDamaged (never a panic)
// unless the page was free, and then every use of it works.
func TestDamagedPageAtOpen(t *testing.T) {
	t.Parallel()
	sound := soundState(t)
	b, err := os.ReadFile(sound)
	if err != nil {
		t.Fatal(err)
	}
	pages := len(b) / os.Getpagesize()
	refused := 0
	for p := 2; p < pages; p++ { // pages 0 and 1 are the meta pages: their checksums tell
		for _, readOnly := range []bool{true, false} {
			path := filepath.Join(t.TempDir(), "s.db")
			os.WriteFile(path, b, 0o600)
			zeroPages(t, path, p, p+1)
			s, err := Open(path, Options{ReadOnly: readOnly, initialMmap: 32 << 10})
			if err != nil {
				if !errors.Is(err, ErrDamaged) {
					t.Fatalf("page %d zeroed, read-only %v: Open = %v, want ErrDamaged", p, readOnly, err)
				}
				refused++
				continue
			}
			if useAll(t, s, readOnly) {
				t.Errorf("page %d zeroed, read-only %v: Open found the file sound, a later use did not", p, readOnly)
			}
			s.Close()
		}
	}
	if refused == 0 {
		t.Fatalf("no page of %d, zeroed, was found damaged", pages)
	}
}

// TestDamagedWhileOpen damages the file under an open state (as a disk
// fault would): every use of it returns ErrDamaged, none panics.
func TestDamagedWhileOpen(t *testing.T) {
	t.Parallel()
	path := soundState(t)
	s := openTest(t, path, Options{initialMmap: 32 << 10})
	zeroPages(t, path, 2, -1)
	if !useAll(t, s, false) {
		t.Fatal("every page after the meta pages zeroed, and nothing found it")
	}
}
