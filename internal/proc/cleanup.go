package proc

import (
	"os"
	"sync"
)

// cleanup is what the process removes on every way out: temporary files
// and directories whose owner has not removed (or renamed) them yet.
var cleanup struct {
	sync.Mutex
	paths map[string]int // path → registrations not yet forgotten
}

// RemoveAtExit notes a temporary file or directory that Cleanup removes
// should the process end before its owner is done with it (a signal that
// ends the process at once, a panic). The returned function forgets it:
// its owner calls it once it has removed or renamed the path.
func RemoveAtExit(path string) (forget func()) {
	if path == "" {
		return func() {}
	}
	cleanup.Lock()
	defer cleanup.Unlock()
	if cleanup.paths == nil {
		cleanup.paths = map[string]int{}
	}
	cleanup.paths[path]++
	var once sync.Once
	return func() {
		once.Do(func() {
			cleanup.Lock()
			defer cleanup.Unlock()
			if cleanup.paths[path]--; cleanup.paths[path] <= 0 {
				delete(cleanup.paths, path)
			}
		})
	}
}

// Cleanup removes every path noted by RemoveAtExit and not forgotten. The
// command calls it on every way out; it is safe to call more than once.
func Cleanup() {
	cleanup.Lock()
	defer cleanup.Unlock()
	for p := range cleanup.paths {
		os.RemoveAll(p)
	}
	clear(cleanup.paths)
}

// PanicCleanup, deferred first thing in a goroutine, runs Cleanup before a
// panic of that goroutine ends the process; the panic goes on.
func PanicCleanup() {
	if r := recover(); r != nil {
		Cleanup()
		panic(r)
	}
}

// PrivateTemp makes a temporary directory of the process's own, points
// TMPDIR at it and has Cleanup remove it, so that every temporary file
// (the spool of standard input, the mirror's sort runs and removals) is in
// it and removed with it on every way out. When it cannot be made,
// temporary files go where they did.
func PrivateTemp() {
	dir, err := os.MkdirTemp("", "pcsync-")
	if err != nil {
		return
	}
	if os.Setenv("TMPDIR", dir) != nil {
		os.Remove(dir)
		return
	}
	RemoveAtExit(dir)
}

// Exit runs Cleanup and ends the process with code.
func Exit(code int) {
	Cleanup()
	os.Exit(code)
}
