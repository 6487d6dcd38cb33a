package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/pcsync/pcsync/internal/job"
)

// value is the pflag.Value of every flag that is not a plain string, bool
// or duration: the option it sets (*p), read by parse, shown by format (in
// help, as its default), with typ naming it in help (--rate R) and choices
// the words the shell completes, if they are a fixed set. The parsers are
// the domain's own (worker.ParseRate, shard.Parse...), so a flag reads
// exactly what the rest of pcsync reads.
type value[T any] struct {
	p       *T
	typ     string
	parse   func(string) (T, error)
	format  func(T) string
	choices []string
}

// newValue is a value setting *p.
func newValue[T any](p *T, typ string, parse func(string) (T, error), format func(T) string, choices ...string) *value[T] {
	return &value[T]{p: p, typ: typ, parse: parse, format: format, choices: choices}
}

func (v *value[T]) Type() string         { return v.typ }
func (v *value[T]) String() string       { return v.format(*v.p) }
func (v *value[T]) completion() []string { return v.choices }

func (v *value[T]) Set(s string) error {
	x, err := v.parse(s)
	if err != nil {
		return err
	}
	*v.p = x
	return nil
}

// parseAction reads an action name.
func parseAction(v string) (job.Action, error) {
	act, ok := job.ParseAction(v)
	if !ok {
		return "", fmt.Errorf("unknown action %q (want one of %s)", v, strings.Join(actionNames(), ", "))
	}
	return act, nil
}

func actionNames() []string {
	names := make([]string, len(job.Actions))
	for i, a := range job.Actions {
		names[i] = string(a)
	}
	return names
}

// atLeast reads a whole number of at least min.
func atLeast(min int) func(string) (int, error) {
	return func(v string) (int, error) {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < min {
			return 0, fmt.Errorf("want a whole number of at least %d", min)
		}
		return n, nil
	}
}

// parsePositiveDuration reads a duration above zero.
func parsePositiveDuration(v string) (time.Duration, error) {
	x, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil || x <= 0 {
		return 0, fmt.Errorf("want a duration above zero, like 10s or 1m")
	}
	return x, nil
}

// parseShare reads a share from 0 to 1, "0.1" or "10%".
func parseShare(v string) (float64, error) {
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

// share is a flag of a share of requests or rows (parseShare).
func share(p *float64) *value[float64] {
	return newValue(p, "S", parseShare, func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) })
}

// trimmed is what a string flag reads into once check accepts it: the
// value trimmed, and made canonical by canon.
func trimmed(check func(string) error, canon func(string) string) func(string) (string, error) {
	return func(v string) (string, error) {
		v = canon(strings.TrimSpace(v))
		return v, check(v)
	}
}

// text is the format of a flag whose value is a string already.
func text[T ~string](x T) string { return string(x) }
