package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var plannedRows = regexp.MustCompile(`dry run: (\d+) rows \(shard (\d+/\d+)\), nothing sent`)

// TestDryRunOfAShardPlansItsRowsOnly checks that the shards' plans add up
// to the whole file's, and that each says it is a shard's.
func TestDryRunOfAShardPlansItsRowsOnly(t *testing.T) {
	in := writeFile(t, "mixed.csv", mixed600())
	whole := pcsync(t, nil, "", "run", "--dry-run", in)
	total, callbacks := 0, 0
	for k := 1; k <= 3; k++ {
		spec := fmt.Sprintf("%d/3", k)
		r := pcsync(t, nil, "", "run", "--dry-run", "--shard", spec, "--rate", "30", in)
		if r.code != exitOK {
			t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		m := plannedRows.FindStringSubmatch(r.stdout)
		if m == nil || m[2] != spec {
			t.Fatalf("plan of shard %s does not say so:\n%s", spec, r.stdout)
		}
		n, _ := strconv.Atoi(m[1])
		total += n
		if !strings.Contains(r.stdout, fmt.Sprintf("shard %s: %d of the input's 600 rows", spec, n)) {
			t.Errorf("plan of shard %s does not give the input's count:\n%s", spec, r.stdout)
		}
		if !strings.Contains(r.stdout, "give each run --rate R/3") {
			t.Errorf("plan of shard %s does not mention dividing the rate:\n%s", spec, r.stdout)
		}
		var c int
		if _, err := fmt.Sscanf(r.stdout[strings.Index(r.stdout, "  subscriptions/callback"):], "  subscriptions/callback %d", &c); err != nil {
			t.Fatalf("no callback count: %v\n%s", err, r.stdout)
		}
		callbacks += c
	}
	if total != 600 || callbacks != 120 {
		t.Errorf("3 shards plan %d rows and %d callbacks, want 600 and 120\nwhole file:\n%s", total, callbacks, whole.stdout)
	}
}
