package main

import (
	"strings"

	"github.com/spf13/pflag"
)

// wanted says what flag f takes, for a value it refused with err: pflag's
// own types (a duration, a number) by example, the others by their own
// message, which already says it.
func wanted(f *pflag.Flag, err error) string {
	switch f.Value.Type() {
	case "duration":
		return "want a duration such as 30s, 1m30s or 5m"
	case "int", "int64":
		return "want a whole number such as 5"
	case "float64":
		return "want a number such as 2.5"
	case "bool":
		return "want true or false"
	}
	return err.Error()
}

// nearestFlag returns the name of fs's flag nearest to name (a mistyped
// --rat, --reate, --dryrun), or "" when none is near enough: at most two
// edits away, or one that name is the start of.
func nearestFlag(name string, fs *pflag.FlagSet) string {
	best, bestDist := "", 3
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		d := editDistance(name, f.Name)
		if len(name) >= 3 && strings.HasPrefix(f.Name, name) {
			d = min(d, 1)
		}
		if d < bestDist {
			best, bestDist = f.Name, d
		}
	})
	return best
}

// editDistance is the Levenshtein distance between a and b, with a swap
// of two neighbouring letters counted as one edit.
func editDistance(a, b string) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
