// Package cmdutil is what cobra and pflag leave to each command, as gh's
// pkg/cmdutil is for gh: flags of any type, read by a function
// (NewValue); environment variables that stand in for flags, named in
// help and read under the command line (BindEnv, ApplyEnv); and
// command-line errors worded with what was meant (Explain). It knows
// nothing of pcsync's domain: the command passes its parsers and names.
package cmdutil

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Value is a pflag.Value of any type: the option it sets (*p), read by
// parse, shown by format (in help, as its default), with typ naming it in
// help (--rate R) and choices the words the shell completes, if they are a
// fixed set. A command passes the parsers of its domain, so that a flag
// reads exactly what the rest of the program reads.
type Value[T any] struct {
	p       *T
	typ     string
	parse   func(string) (T, error)
	format  func(T) string
	choices []string
}

// NewValue is a Value setting *p.
func NewValue[T any](p *T, typ string, parse func(string) (T, error), format func(T) string, choices ...string) *Value[T] {
	return &Value[T]{p: p, typ: typ, parse: parse, format: format, choices: choices}
}

// Type is what help calls the value.
func (v *Value[T]) Type() string { return v.typ }

// String is the value as help shows it.
func (v *Value[T]) String() string { return v.format(*v.p) }

// Completion is the words the shell completes the value as; none when it
// is not one of a fixed set.
func (v *Value[T]) Completion() []string { return v.choices }

// Set reads s into the option.
func (v *Value[T]) Set(s string) error {
	x, err := v.parse(s)
	if err != nil {
		return err
	}
	*v.p = x
	return nil
}

// AtLeast reads a whole number of at least min.
func AtLeast(min int) func(string) (int, error) {
	return func(v string) (int, error) {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < min {
			return 0, fmt.Errorf("want a whole number of at least %d", min)
		}
		return n, nil
	}
}

// PositiveDuration reads a duration above zero.
func PositiveDuration(v string) (time.Duration, error) {
	x, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil || x <= 0 {
		return 0, fmt.Errorf("want a duration above zero, like 10s or 1m")
	}
	return x, nil
}

// ParseShare reads a share from 0 to 1, "0.1" or "10%".
func ParseShare(v string) (float64, error) {
	v = strings.TrimSpace(v)
	scale := 1.0
	if p, ok := strings.CutSuffix(v, "%"); ok {
		v, scale = p, 100
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil || x/scale < 0 || x/scale > 1 || math.IsNaN(x) {
		return 0, fmt.Errorf("want a share from 0 to 1, or a percentage")
	}
	return x / scale, nil
}

// Share is a flag of a share, of requests or rows (ParseShare).
func Share(p *float64) *Value[float64] {
	return NewValue(p, "S", ParseShare, func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) })
}

// OneOf reads one of names, in any case; what names the value in its
// error ("unknown log format "x" (want text or json)").
func OneOf(what string, names ...string) func(string) (string, error) {
	return func(v string) (string, error) {
		if n := strings.ToLower(strings.TrimSpace(v)); slices.Contains(names, n) {
			return n, nil
		}
		return "", fmt.Errorf("unknown %s %q (want %s)", what, v, strings.Join(names, " or "))
	}
}

// Trimmed is what a string flag reads into once check accepts it: the
// value trimmed, and made canonical by canon.
func Trimmed(check func(string) error, canon func(string) string) func(string) (string, error) {
	return func(v string) (string, error) {
		v = canon(strings.TrimSpace(v))
		return v, check(v)
	}
}

// Text is the format of a flag whose value is a string already.
func Text[T ~string](x T) string { return string(x) }
