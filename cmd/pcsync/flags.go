package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/pcsync/pcsync/internal/csvsource"
	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/runner"
	"github.com/pcsync/pcsync/internal/shard"
	"github.com/pcsync/pcsync/internal/worker"
)

// rateFlag is a request rate: "10", "10/s", "600/m", "36000/h"; 0 means
// no limit. Like every flag type here, it is a pflag.Value whose Type
// names the value in help: --rate R.
type rateFlag float64

func (r *rateFlag) Type() string   { return "R" }
func (r *rateFlag) String() string { return worker.FormatRate(float64(*r)) }
func (r *rateFlag) Set(v string) error {
	f, err := worker.ParseRate(v)
	*r = rateFlag(f)
	return err
}

// actionFlag is an action name.
type actionFlag job.Action

func (a *actionFlag) String() string { return string(*a) }
func (a *actionFlag) Type() string   { return "NAME" }

// choices are the values the shell completes.
func (a *actionFlag) choices() []string { return strings.Split(actionNames(), ", ") }

func (a *actionFlag) Set(v string) error {
	act, ok := job.ParseAction(v)
	if !ok {
		return fmt.Errorf("unknown action %q (want one of %s)", v, actionNames())
	}
	*a = actionFlag(act)
	return nil
}

func actionNames() string {
	names := make([]string, len(job.Actions))
	for i, a := range job.Actions {
		names[i] = string(a)
	}
	return strings.Join(names, ", ")
}

// delimiterFlag is a one-character CSV delimiter; "tab" or `\t` for a tab.
type delimiterFlag rune

func (d *delimiterFlag) Type() string   { return "C" }
func (d *delimiterFlag) String() string { return csvsource.DelimiterName(rune(*d)) }
func (d *delimiterFlag) Set(v string) error {
	r, err := csvsource.ParseDelimiter(v)
	*d = delimiterFlag(r)
	return err
}

// mapFlag is --map: `Header=field,Other Header=field`.
type mapFlag struct{ m csvsource.Map }

func (f *mapFlag) Type() string { return "MAP" }
func (f *mapFlag) String() string {
	if f.m == nil {
		return ""
	}
	return f.m.String()
}
func (f *mapFlag) Set(v string) error {
	m, err := csvsource.ParseMap(v)
	if err != nil {
		return err
	}
	f.m = m
	return nil
}

// encodingFlag is --encoding: a name csvsource.ParseEncoding reads.
type encodingFlag string

func (f *encodingFlag) Type() string   { return "ENC" }
func (f *encodingFlag) String() string { return string(*f) }
func (f *encodingFlag) Set(v string) error {
	if _, err := csvsource.ParseEncoding(v); err != nil {
		return err
	}
	*f = encodingFlag(strings.ToLower(strings.TrimSpace(v)))
	return nil
}

// countryFlag is --default-country: a region code such as GB.
type countryFlag string

func (f *countryFlag) Type() string   { return "CC" }
func (f *countryFlag) String() string { return string(*f) }
func (f *countryFlag) Set(v string) error {
	c := strings.ToUpper(strings.TrimSpace(v))
	if c != "" && !job.ValidCountry(c) {
		return fmt.Errorf("unknown country %q (want a two-letter code such as GB, DE, US)", v)
	}
	*f = countryFlag(c)
	return nil
}

// segmentIDFlag is --segment-id: a segment id as job.ParseSegmentID reads
// it, kept in its canonical form.
type segmentIDFlag string

func (f *segmentIDFlag) Type() string   { return "ID" }
func (f *segmentIDFlag) String() string { return string(*f) }
func (f *segmentIDFlag) Set(v string) error {
	id, err := job.ParseSegmentID(strings.TrimSpace(v))
	if err != nil {
		return err
	}
	*f = segmentIDFlag(id)
	return nil
}

// positiveInt is an int flag that must be at least min.
type positiveInt struct {
	n   *int
	min int
}

func (p positiveInt) Type() string { return "N" }
func (p positiveInt) String() string {
	if p.n == nil {
		return ""
	}
	return strconv.Itoa(*p.n)
}

func (p positiveInt) Set(v string) error {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < p.min {
		return fmt.Errorf("want a whole number of at least %d", p.min)
	}
	*p.n = n
	return nil
}

// countFlag is a positiveInt that remembers it was set, from the command
// line or the environment.
type countFlag struct {
	positiveInt
	set *bool
}

func (c countFlag) Set(v string) error {
	if err := c.positiveInt.Set(v); err != nil {
		return err
	}
	*c.set = true
	return nil
}

// shareFlag is a probability: a share of requests, from 0 to 1 ("0.1" or
// "10%").
type shareFlag float64

func (f *shareFlag) Type() string   { return "S" }
func (f *shareFlag) String() string { return strconv.FormatFloat(float64(*f), 'f', -1, 64) }

func (f *shareFlag) Set(v string) error {
	v = strings.TrimSpace(v)
	scale := 1.0
	if p, ok := strings.CutSuffix(v, "%"); ok {
		v, scale = p, 100
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil || x/scale < 0 || x/scale > 1 || math.IsNaN(x) {
		return fmt.Errorf("want a share from 0 to 1, or a percentage")
	}
	*f = shareFlag(x / scale)
	return nil
}

// sizeFlag is a number of bytes, at least 1: 1048576, 1MiB, 512KiB, 64K,
// 2M, 1GiB (K, M, G are binary too).
type sizeFlag int64

func (f *sizeFlag) Type() string   { return "SIZE" }
func (f *sizeFlag) String() string { return csvsource.FormatSize(int64(*f)) }

func (f *sizeFlag) Set(v string) error {
	v = strings.TrimSpace(v)
	scale := int64(1)
	for _, u := range []struct {
		suffix string
		scale  int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}} {
		if p, ok := strings.CutSuffix(v, u.suffix); ok {
			v, scale = strings.TrimSpace(p), u.scale
			break
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 || n > math.MaxInt64/scale {
		return fmt.Errorf("want a size in bytes, like 1048576, 512KiB or 4MiB")
	}
	*f = sizeFlag(n * scale)
	return nil
}

// shardFlag is "K/N": this run processes shard K of N (see internal/shard).
// The zero value means no sharding.
type shardFlag shard.Spec

func (s *shardFlag) Type() string   { return "K/N" }
func (s *shardFlag) String() string { return shard.Spec(*s).String() }

func (s *shardFlag) Set(v string) error {
	sp, err := shard.Parse(v)
	*s = shardFlag(sp)
	return err
}

// positiveDuration is a duration flag that must be above zero; the zero
// value means "the default".
type positiveDuration time.Duration

func (d *positiveDuration) Type() string { return "D" }
func (d *positiveDuration) String() string {
	if *d == 0 {
		return ""
	}
	return time.Duration(*d).String()
}

func (d *positiveDuration) Set(v string) error {
	x, err := time.ParseDuration(strings.TrimSpace(v))
	if err != nil || x <= 0 {
		return fmt.Errorf("want a duration above zero, like 10s or 1m")
	}
	*d = positiveDuration(x)
	return nil
}

// maxFailedFlag is --max-failed: a number of rows ("25") or a percentage
// of the run's rows ("2%"); unset sets no limit.
type maxFailedFlag runner.MaxFailed

func (m *maxFailedFlag) Type() string   { return "LIMIT" }
func (m *maxFailedFlag) String() string { return m.Text }

func (m *maxFailedFlag) Set(v string) error {
	v = strings.TrimSpace(v)
	bad := fmt.Errorf("want a number of rows such as 25, or a percentage of the run's rows such as 2%%")
	if p, ok := strings.CutSuffix(v, "%"); ok {
		x, err := strconv.ParseFloat(p, 64)
		if err != nil || !(x >= 0 && x <= 100) {
			return bad
		}
		*m = maxFailedFlag{On: true, Share: x / 100, Text: v}
		return nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return bad
	}
	*m = maxFailedFlag{On: true, Rows: n, Text: v}
	return nil
}
