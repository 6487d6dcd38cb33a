package proc

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestCleanupRemovesWhatIsNotForgotten(t *testing.T) {
	dir := t.TempDir()
	kept, left := filepath.Join(dir, "renamed"), filepath.Join(dir, "left")
	for _, p := range []string{kept, left} {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	forget := RemoveAtExit(kept)
	RemoveAtExit(left)
	forget() // its owner renamed it: it stays
	forget()
	func() {
		defer func() { recover() }()
		defer PanicCleanup()
		panic("a goroutine's bug")
	}()
	if _, err := os.Stat(left); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a panic left %s behind: %v", left, err)
	}
	if _, err := os.Stat(kept); err != nil {
		t.Errorf("a forgotten path was removed: %v", err)
	}
	Cleanup() // nothing left to do: no error, no removal
	if _, err := os.Stat(kept); err != nil {
		t.Errorf("a forgotten path was removed: %v", err)
	}
}
