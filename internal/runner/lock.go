package runner

import (
	"bufio"
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gofrs/flock"
)

// runLock is a run's exclusive hold on its results file: a lock file
// beside it (results.csv.lock), locked with flock(2) for as long as the
// run writes, and holding the PID, host and start time of the run, so
// that a second run on the same results path can name the first. The
// kernel drops the flock when its process dies, however it dies: a lock
// file left by a dead run is found unlocked and taken over.
type runLock struct {
	fl   *flock.Flock
	path string
}

// lockPath is the lock file of a run's outputs: beside the results file,
// or beside the failed-rows file when results go to standard output.
func lockPath(out *outputs) string {
	return lockedFile(out) + ".lock"
}

// lockedFile is the file whose lock a run holds: the results file, or the
// failed-rows file when results go to standard output or to something
// that is not a regular file (a device, a pipe).
func lockedFile(out *outputs) string {
	if fi, err := os.Stat(out.resultsPath); out.resultsPath == "-" || err == nil && !fi.Mode().IsRegular() {
		return out.failedPath
	}
	return out.resultsPath
}

// lockHolder is what a lock file says of the run that holds it.
type lockHolder struct {
	pid     int
	host    string
	started string
}

func (h lockHolder) String() string {
	if h.pid == 0 {
		return "holder unknown"
	}
	return fmt.Sprintf("PID %d on %s, started %s", h.pid, h.host, h.started)
}

// parseHolder reads a lock file's text; the zero holder when it says
// nothing readable.
func parseHolder(b []byte) lockHolder {
	var h lockHolder
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), ": ")
		switch k {
		case "pid":
			h.pid, _ = strconv.Atoi(v)
		case "host":
			h.host = v
		case "started":
			h.started = v
		}
	}
	return h
}

// acquireLock takes the run lock of out, or refuses (a *UsageError: nothing
// was done) naming the run that holds it. A lock file left by a run that
// ended without removing it (killed) is taken over, with a note.
func acquireLock(out *outputs, now time.Time, notef func(slog.Level, string, ...any)) (*runLock, error) {
	path := lockPath(out)
	// Another run may remove the file between our open and our flock: the
	// lock we got is then on a file no one else sees, so try again.
	for range 10 {
		fl := flock.New(path, flock.SetPermissions(0o644))
		ok, err := fl.TryLock()
		if err != nil {
			return nil, Usagef("cannot lock %s (the lock file of the results): %w", path, err)
		}
		if !ok {
			b, _ := os.ReadFile(path)
			return nil, Usagef("%s is being written by another pcsync run (%s; lock file %s): nothing was sent; wait for that run to end, or give this one another --out",
				displayOut(out), parseHolder(b), path)
		}
		held, err1 := fl.Stat()
		named, err2 := os.Stat(path)
		if err1 != nil || err2 != nil || !os.SameFile(held, named) {
			fl.Close()
			continue
		}
		if b, _ := os.ReadFile(path); len(bytes.TrimSpace(b)) > 0 {
			prev := parseHolder(b)
			notef(slog.LevelWarn, "took over the lock of %s left by an earlier run that ended without releasing it (%s, %s): what it wrote is as it left it; --resume finishes its work",
				displayOut(out), prev, deadOrGone(prev))
		}
		host, _ := os.Hostname()
		text := fmt.Sprintf("pid: %d\nhost: %s\nstarted: %s\n", os.Getpid(), host, now.UTC().Format(time.RFC3339))
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			os.Remove(path)
			fl.Close()
			return nil, Usagef("cannot write %s (the lock file of the results): %w", path, err)
		}
		return &runLock{fl: fl, path: path}, nil
	}
	return nil, Usagef("cannot lock %s: other runs keep replacing it", path)
}

// deadOrGone says why a lock file's holder no longer holds it.
func deadOrGone(h lockHolder) string {
	host, _ := os.Hostname()
	if h.pid != 0 && h.host == host && !processAlive(h.pid) {
		return "that process is gone"
	}
	return "its lock was free"
}

// release removes the lock file, then unlocks it; later calls do nothing.
func (l *runLock) release() {
	if l == nil || l.fl == nil {
		return
	}
	os.Remove(l.path)
	l.fl.Close()
	l.fl = nil
}

// displayOut names the file a run lock protects in messages.
func displayOut(out *outputs) string { return lockedFile(out) }
