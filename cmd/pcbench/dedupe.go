package main

import (
	"fmt"
	"path/filepath"
	"slices"
)

// dedupeRounds is how many times each dry run of the dedupe section runs;
// the medians are compared.
const dedupeRounds = 3

// dedupeBench measures what --dedupe costs in memory: the peak RSS of
// `pcsync run --dry-run --dedupe` on rows distinct rows (every row a
// distinct fingerprint: the most the table holds) against a plain dry run
// of the same file, in alternating rounds. With -against, the other
// binary's --dedupe dry run is measured in the same rounds, beside it.
func dedupeBench(bin, dir string, rows int) error {
	in := filepath.Join(dir, fmt.Sprintf("dedupe%d.csv", rows))
	if err := writeRows(in, rows); err != nil {
		return err
	}
	type config struct {
		name, bin string
		args      []string
	}
	configs := []config{
		{"plain dry run", bin, []string{"run", "--dry-run", in}},
		{"--dry-run --dedupe", bin, []string{"run", "--dry-run", "--dedupe", in}},
	}
	if against != "" {
		configs = append(configs,
			config{"-against plain dry run", against, []string{"run", "--dry-run", in}},
			config{"-against --dry-run --dedupe", against, []string{"run", "--dry-run", "--dedupe", in}})
	}
	rss := make([][]int64, len(configs))
	wall := make([][]float64, len(configs))
	for round := range dedupeRounds {
		for k := range configs {
			c := configs[(round+k)%len(configs)]
			i := slices.IndexFunc(configs, func(o config) bool { return o.name == c.name })
			r, err := timeRun(true, c.bin, nil, c.args...)
			if err != nil {
				return err
			}
			rss[i] = append(rss[i], r.maxRSS)
			wall[i] = append(wall[i], r.wall.Seconds())
		}
	}
	med := func(i int) (int64, float64) {
		r, w := slices.Clone(rss[i]), slices.Clone(wall[i])
		slices.Sort(r)
		slices.Sort(w)
		return r[len(r)/2], w[len(w)/2]
	}
	fmt.Printf("--dedupe memory: dry run of %d distinct rows, peak RSS (VmHWM); medians of %d rounds, order rotating\n", rows, dedupeRounds)
	fmt.Printf("  %-30s %12s %14s %8s\n", "", "peak RSS", "over plain", "time")
	for i, c := range configs {
		r, w := med(i)
		over := ""
		if i%2 == 1 {
			base, _ := med(i - 1)
			over = fmt.Sprintf("%+10.1f MiB", mib(r-base))
		}
		label := c.name
		if c.bin == against && against != "" {
			label = filepath.Base(against) + ": " + c.name[len("-against "):]
		}
		fmt.Printf("  %-30s %8.1f MiB %14s %7.2fs\n", label, mib(r), over, w)
	}
	if against != "" {
		plain, _ := med(0)
		mine, _ := med(1)
		aplain, _ := med(2)
		theirs, _ := med(3)
		fmt.Printf("  -bin against -against, --dedupe: total peak RSS %.2fx, extra over plain %.2fx\n",
			float64(mine)/float64(theirs), float64(mine-plain)/float64(theirs-aplain))
	}
	fmt.Println()
	return nil
}
