package main

import (
	"strings"

	"github.com/spf13/pflag"

	"github.com/pcsync/pcsync/internal/csvsource"
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
		d := csvsource.EditDistance(name, f.Name)
		if len(name) >= 3 && strings.HasPrefix(f.Name, name) {
			d = min(d, 1)
		}
		if d < bestDist {
			best, bestDist = f.Name, d
		}
	})
	return best
}
