package cmdutil

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pcsync/pcsync/internal/csvsource"
	"github.com/spf13/pflag"
)

// Explain words what cobra or pflag refused in args, pointing to --help:
// a flag with the nearest flag of fs (the command's) when one is near, a
// single-dash long flag with its two-dash form, a value with what the flag
// wants.
func Explain(err error, args []string, fs *pflag.FlagSet) string {
	msg := strings.TrimSpace(err.Error())
	var ie *pflag.InvalidValueError
	if errors.As(err, &ie) {
		return fmt.Sprintf("--%s %q: %s (see --help)", ie.GetFlag().Name, ie.GetValue(), Wanted(ie.GetFlag(), ie.Unwrap()))
	}
	var ne *pflag.NotExistError
	if errors.As(err, &ne) && ne.GetSpecifiedName() != "" {
		if near := NearestFlag(ne.GetSpecifiedName(), fs); near != "" {
			msg += ": did you mean --" + near + "?"
		}
	}
	// Go's flag package took -rate for --rate; to pflag it is shorthands.
	if errors.As(err, &ne) && ne.GetSpecifiedShortnames() != "" {
		for _, arg := range args {
			if !strings.HasPrefix(arg, "--") && strings.HasSuffix(arg, ne.GetSpecifiedShortnames()) {
				name, _, _ := strings.Cut(arg[1:], "=")
				msg += ": long flags take two dashes, --" + name
				break
			}
		}
	}
	return msg + " (see --help)"
}

// Wanted says what flag f takes, for a value it refused with err: pflag's
// own types (a duration, a number) by example, the others by their own
// message, which already says it.
func Wanted(f *pflag.Flag, err error) string {
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

// NearestFlag returns the name of fs's flag nearest to name (a mistyped
// --rat, --reate, --dryrun), or "" when none is near enough: at most two
// edits away, or one that name is the start of.
func NearestFlag(name string, fs *pflag.FlagSet) string {
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
