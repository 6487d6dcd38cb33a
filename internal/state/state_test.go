package state

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func openTest(t *testing.T, path string, opt Options) *Store {
	t.Helper()
	if opt.LockTimeout == 0 {
		opt.LockTimeout = 50 * time.Millisecond
	}
	s, err := Open(path, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestOpenCreatesAndChecksTheFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.db")
	s := openTest(t, path, Options{ShopID: "shop-a"})
	if !s.Exists() {
		t.Fatal("a new state does not exist")
	}
	s.Close()

	csv := filepath.Join(dir, "contacts.csv")
	os.WriteFile(csv, []byte("email,action\nada@example.com,segments/add\n"), 0o644)
	other := filepath.Join(dir, "other.db")
	db, err := bolt.Open(other, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("things")); return err })
	db.Close()
	future := filepath.Join(dir, "future.db")
	openTest(t, future, Options{}).Close()
	db, _ = bolt.Open(future, 0o600, nil)
	db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(metaFormat, []byte("99")) })
	db.Close()

	tests := []struct {
		name string
		path string
		opt  Options
		want error
	}{
		{"the same shop", path, Options{ShopID: "shop-a"}, nil},
		{"no shop given", path, Options{}, nil},
		{"another shop", path, Options{ShopID: "shop-b"}, ErrOtherTarget},
		{"another shop, read-only", path, Options{ShopID: "shop-b", ReadOnly: true}, ErrOtherTarget},
		{"a CSV file", csv, Options{}, ErrNotState},
		{"another bbolt database", other, Options{}, ErrNotState},
		{"another format", future, Options{}, ErrVersion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opt.LockTimeout = 50 * time.Millisecond // should a lock be met
			s, err := Open(tt.path, tt.opt)
			if err == nil {
				s.Close()
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("Open = %v, want %v", err, tt.want)
			}
			if err != nil && !strings.Contains(err.Error(), tt.path) {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
	if b, _ := os.ReadFile(csv); string(b) != "email,action\nada@example.com,segments/add\n" {
		t.Error("opening a CSV file as a state changed it")
	}
}

func TestOpenFailsFastWhileAnotherRunHoldsIt(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "state.db")
	openTest(t, path, Options{})
	for _, readOnly := range []bool{false, true} {
		start := time.Now()
		_, err := Open(path, Options{ReadOnly: readOnly, LockTimeout: 20 * time.Millisecond})
		if !errors.Is(err, ErrLocked) {
			t.Fatalf("read-only %v: Open = %v, want ErrLocked", readOnly, err)
		}
		// The injected timeout is the one waited for, not the default.
		if waited := time.Since(start); waited >= DefaultLockTimeout {
			t.Errorf("read-only %v: waited %s for the lock, with a timeout of 20ms", readOnly, waited)
		}
	}
}

func TestLockTimeoutDefault(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		give time.Duration
		want time.Duration
	}{
		{"zero is the default", 0, DefaultLockTimeout},
		{"negative is the default", -time.Second, DefaultLockTimeout},
		{"a short one is kept", 20 * time.Millisecond, 20 * time.Millisecond},
		{"a long one is kept", time.Minute, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := (Options{LockTimeout: tt.give}).withDefaults().LockTimeout; got != tt.want {
				t.Errorf("LockTimeout %v: %v, want %v", tt.give, got, tt.want)
			}
		})
	}
}

func TestReadOnlyNeverCreatesTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing.db")
	s := openTest(t, path, Options{ReadOnly: true})
	if s.Exists() {
		t.Error("a missing state exists")
	}
	j := add("ada@example.com", "", "100500")
	if _, same, err := s.Run("").Unchanged(&j); same || err != nil {
		t.Errorf("Unchanged on a missing state = %v, %v", same, err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the file was created: %v", err)
	}
}
