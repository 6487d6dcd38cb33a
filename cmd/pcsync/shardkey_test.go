package main

import (
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pcsync/pcsync/internal/emulator"
)

// onePhoneThreeWays is one contact's phone written three ways and once as
// a national number (GB), phone-only rows, then a contact by email.
const onePhoneThreeWays = "phone,email,action,crm_id\n" +
	"+44 (0) 7700 900123,,segments/get,c1\n" +
	"0044 7700 900123,,segments/get,c2\n" +
	"+447700900123,,segments/get,c3\n" +
	"07700 900123,,segments/get,c4\n" +
	",dee@example.com,segments/get,c5\n"

// TestShardKeyKeepsAPhoneOnOneShard runs shards 1/2 and 2/2 over one
// phone written several ways: by default (--shard-key sent) its rows are
// all on one shard, the national one too with --default-country; with
// --shard-key written (flag or environment) the assignment is the old
// one, which splits them (shard's TestGolden). Every row is in exactly one
// shard either way.
func TestShardKeyKeepsAPhoneOnOneShard(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		env    map[string]string
		args   []string
		shards [2][]int // rows of 1/2 and 2/2
		note   string   // in the shard's line on stderr
	}{
		{"sent with a country", nil, []string{"--default-country", "GB"}, [2][]int{{5}, {1, 2, 3, 4}}, "shard %d/2: %d of the input's 5 rows"},
		{"sent without a country", nil, nil, [2][]int{{4, 5}, {1, 2, 3}}, "shard %d/2: %d of the input's 5 rows"},
		{"written", nil, []string{"--shard-key", "written", "--default-country", "GB"}, [2][]int{{1, 2, 4, 5}, {3}}, "shard %d/2 (--shard-key written): %d of the input's 5 rows"},
		{"written from the environment", map[string]string{"PCSYNC_SHARD_KEY": "written"}, []string{"--default-country", "GB"}, [2][]int{{1, 2, 4, 5}, {3}}, "shard %d/2 (--shard-key written): %d of the input's 5 rows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			em, env := shop(t, emulator.Faults{})
			maps.Copy(env, tt.env)
			in := writeFile(t, "people.csv", onePhoneThreeWays)
			dir := t.TempDir()
			owner := map[int]int{}
			for k := 1; k <= 2; k++ {
				out := filepath.Join(dir, fmt.Sprintf("r%d.csv", k))
				args := append([]string{"run", "--shard", fmt.Sprintf("%d/2", k), "--rate", "0", "--quiet", "--out", out, "--failed", out + ".f"}, tt.args...)
				r := pcsync(t, env, "", append(args, in)...)
				if r.code != exitOK && r.code != exitRowsFailed {
					t.Fatalf("shard %d/2: exit %d\n%s%s", k, r.code, r.stdout, r.stderr)
				}
				rows := slices.Sorted(maps.Keys(resultRows(t, out)))
				if fmt.Sprint(rows) != fmt.Sprint(tt.shards[k-1]) {
					t.Errorf("shard %d/2 recorded rows %v, want %v", k, rows, tt.shards[k-1])
				}
				if want := fmt.Sprintf(tt.note, k, len(rows)); !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
				for _, row := range rows {
					if k0, dup := owner[row]; dup {
						t.Errorf("row %d recorded by shards %d and %d", row, k0, k)
					}
					owner[row] = k
				}
			}
			if len(owner) != 5 {
				t.Errorf("the shards recorded %d distinct rows, want 5", len(owner))
			}
			// Each valid row sent once: without a country, the national
			// number is invalid (and recorded so by one shard).
			valid := int64(5)
			if !slices.Contains(tt.args, "--default-country") {
				valid = 4
			}
			if got := em.Stats().Requests; got != valid {
				t.Errorf("the shards sent %d requests, want %d", got, valid)
			}
		})
	}
}

// TestResumeRefusesAnotherShardKey: the results of a run with --shard-key
// written are refused by a resume with the default key, whose shard does
// not hold their rows; the message names --shard-key.
func TestResumeRefusesAnotherShardKey(t *testing.T) {
	t.Parallel()
	em, env := shop(t, emulator.Faults{})
	in := writeFile(t, "people.csv", onePhoneThreeWays)
	out := filepath.Join(t.TempDir(), "r1.csv")
	args := []string{"run", "--shard", "1/2", "--default-country", "GB", "--rate", "0", "--quiet", "--out", out, "--failed", out + ".f"}
	if r := pcsync(t, env, "", append(args, "--shard-key", "written", in)...); r.code != exitOK {
		t.Fatalf("first run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	sent := em.Stats().Requests
	r := pcsync(t, env, "", append(args, "--resume", in)...)
	if r.code != exitUsage || !strings.Contains(r.stderr, "not in shard 1/2") || !strings.Contains(r.stderr, "another --shard or --shard-key") {
		t.Errorf("resume with another --shard-key: exit %d\n%s", r.code, r.stderr)
	}
	if r := pcsync(t, env, "", append(args, "--shard-key", "written", "--resume", in)...); r.code != exitOK {
		t.Errorf("resume with the same --shard-key: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if got := em.Stats().Requests; got != sent {
		t.Errorf("the resumes sent %d requests", got-sent)
	}
}

// TestDryRunSaysTheShardKey: the plan of a shard names --shard-key when
// it is not the default, and only then; the flags' order does not matter.
func TestDryRunSaysTheShardKey(t *testing.T) {
	t.Parallel()
	in := writeFile(t, "people.csv", onePhoneThreeWays)
	for _, tt := range []struct {
		key, plan, note string
	}{
		{"written", "dry run: 4 rows (shard 1/2, --shard-key written), nothing sent", "shard 1/2 (--shard-key written): 4 of the input's 5 rows"},
		{"sent", "dry run: 1 row (shard 1/2), nothing sent", "shard 1/2: 1 of the input's 5 rows"},
	} {
		// In either order: --shard does not reset the key.
		for _, args := range [][]string{{"--shard", "1/2", "--shard-key", tt.key}, {"--shard-key", tt.key, "--shard", "1/2"}} {
			r := pcsync(t, nil, "", append(append([]string{"run", "--dry-run"}, args...), "--default-country", "GB", in)...)
			if r.code != exitOK || !strings.Contains(r.stdout, tt.plan) || !strings.Contains(r.stdout, tt.note) {
				t.Errorf("%q: exit %d, want %q and %q:\n%s%s", args, r.code, tt.plan, tt.note, r.stdout, r.stderr)
			}
		}
	}
}
