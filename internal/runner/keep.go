package runner

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// KeepResults is how many earlier results files a run keeps beside its
// own: the newest, by the time in their names.
const KeepResults = 5

// keptLayout is the time a kept results file is named after: the last
// time its run wrote it, in UTC.
const keptLayout = "20060102T150405Z"

// keepEarlier moves an earlier run's results file at path out of the way
// of a new run, instead of truncating it: to path + "." + the time it was
// last written (contacts.results.csv.20261128T020512Z), which no *.csv
// pattern matches. Then only the KeepResults newest such files are kept.
// It returns the kept file's path, "" when there was nothing to keep (no
// file, or an empty one).
func keepEarlier(path string) (string, error) {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) || (err == nil && fi.Mode().IsRegular() && fi.Size() == 0) {
		return "", nil
	}
	if err != nil {
		return "", Usagef("cannot keep the earlier results %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		return "", nil // a pipe, /dev/stdout: written to, never moved
	}
	kept := path + "." + fi.ModTime().UTC().Format(keptLayout)
	for i := 2; exists(kept); i++ {
		kept = fmt.Sprintf("%s.%s-%d", path, fi.ModTime().UTC().Format(keptLayout), i)
	}
	if err := os.Rename(path, kept); err != nil {
		return "", Usagef("cannot keep the earlier results %s: %w", path, err)
	}
	pruneKept(path, KeepResults)
	return kept, nil
}

// pruneKept removes all but the newest n kept copies of path.
func pruneKept(path string, n int) {
	matches, _ := filepath.Glob(globEscape(path) + ".*")
	var kept []string
	for _, m := range matches {
		stamp, _, _ := strings.Cut(strings.TrimPrefix(m, path+"."), "-")
		if _, err := time.Parse(keptLayout, stamp); err == nil {
			kept = append(kept, m)
		}
	}
	// The names sort as their times; a -2 after its first copy.
	slices.SortFunc(kept, func(a, b string) int { return strings.Compare(keptKey(a), keptKey(b)) })
	for len(kept) > n {
		os.Remove(kept[0])
		kept = kept[1:]
	}
}

// keptKey orders kept copies: by time, then by their -N (none first).
func keptKey(name string) string {
	if i := strings.LastIndex(name, "-"); i > strings.LastIndex(name, "Z") {
		return name[:i] + fmt.Sprintf("-%06s", name[i+1:])
	}
	return name + "-000000"
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// globEscape quotes the pattern characters of a path for filepath.Glob.
func globEscape(path string) string {
	var b strings.Builder
	for _, r := range path {
		if strings.ContainsRune(`*?[\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
