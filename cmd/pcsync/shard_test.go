package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pcsync/pcsync/internal/emulator"
)

// resultRows reads a results file and returns its records by row number,
// failing on a row recorded twice. Each record is checked to carry its
// input row's crm_id (c<row>): row numbers keep the input's numbering.
func resultRows(t *testing.T, path string) map[int][]string {
	t.Helper()
	recs := readCSV(t, path)
	rows := make(map[int][]string, len(recs))
	crm := -1
	for i, h := range recs[0] {
		if h == "crm_id" {
			crm = i
		}
	}
	for _, r := range recs[1:] {
		n, err := strconv.Atoi(r[0])
		if err != nil || rows[n] != nil {
			t.Fatalf("%s: bad or repeated row %q", path, r[0])
		}
		if crm >= 0 && r[crm] != "c"+r[0] {
			t.Errorf("%s: row %d carries crm_id %q", path, n, r[crm])
		}
		rows[n] = r
	}
	return rows
}

func TestShardsSplitTheInputWithNoOverlapAndNoGap(t *testing.T) {
	t.Parallel()
	for _, n := range []int{2, 3} {
		t.Run(fmt.Sprintf("%d shards", n), func(t *testing.T) {
			em, env := shop(t, emulator.Faults{})
			in := writeFile(t, "mixed.csv", mixed600())
			dir := t.TempDir()
			owner := map[int]int{} // row -> shard that recorded it
			var sent, adds int64
			for k := 1; k <= n; k++ {
				spec := fmt.Sprintf("%d/%d", k, n)
				out := filepath.Join(dir, fmt.Sprintf("r%d.csv", k))
				r := pcsync(t, env, "", "run", "--shard", spec, "--rate", "0", "--workers", "8", "--quiet",
					"--out", out, "--failed", out+".failed", in)
				if r.code != exitOK {
					t.Fatalf("shard %s: exit %d\n%s%s", spec, r.code, r.stdout, r.stderr)
				}
				rows := resultRows(t, out)
				if len(rows) == 0 || len(rows) == 600 {
					t.Fatalf("shard %s did %d of 600 rows", spec, len(rows))
				}
				if want := fmt.Sprintf("shard %s: %d of the input's 600 rows", spec, len(rows)); !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
				if want := fmt.Sprintf("pcsync: %d rows in", len(rows)); !strings.Contains(r.stdout, want) {
					t.Errorf("summary lacks %q:\n%s", want, r.stdout)
				}
				for row, rec := range rows {
					if k0, dup := owner[row]; dup {
						t.Errorf("row %d done by shards %d and %d", row, k0, k)
					}
					owner[row] = k
					if rec[3] == "segments/add" {
						adds++
					}
				}
				// The emulator saw this shard's rows and no other: one
				// request per row, and exactly its adds in the segment.
				st := em.Stats()
				if got := st.Requests - sent; got != int64(len(rows)) {
					t.Errorf("shard %s sent %d requests for its %d rows", spec, got, len(rows))
				}
				sent = st.Requests
				if got := em.SegmentSize("100500"); int64(got) != adds {
					t.Errorf("after shard %s segment 100500 has %d members, want %d", spec, got, adds)
				}
			}
			if len(owner) != 600 || sent != 600 || adds != 120 {
				t.Errorf("%d shards did %d distinct rows with %d requests and %d adds; want 600, 600, 120", n, len(owner), sent, adds)
			}
		})
	}
}

// TestShardKeepsAContactOnOneShard runs every action of one contact, by
// email and by phone in several spellings, through 2 shards.
func TestShardKeepsAContactOnOneShard(t *testing.T) {
	t.Parallel()
	_, env := shop(t, emulator.Faults{})
	var b strings.Builder
	b.WriteString("email,phone,action,segment_id,email_bulk,event\n")
	for i := 0; i < 20; i++ {
		fmt.Fprintf(&b, "Person%d@Example.com,,segments/add,42,,\n", i)
		fmt.Fprintf(&b, " person%d@example.COM,,subscriptions/callback,,,complained\n", i)
		fmt.Fprintf(&b, ",+1 (555) 020-%04d,segments/get,,,\n", i)
		fmt.Fprintf(&b, ",+1555020%04d,subscriptions/manage,,yes,\n", i)
	}
	in := writeFile(t, "people.csv", b.String())
	dir := t.TempDir()
	count := 0
	for k := 1; k <= 2; k++ {
		out := filepath.Join(dir, fmt.Sprintf("r%d.csv", k))
		r := pcsync(t, env, "", "run", "--shard", fmt.Sprintf("%d/2", k), "--rate", "0", "--quiet", "--out", out, "--failed", out+".f", in)
		if r.code != exitOK {
			t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		rows := resultRows(t, out)
		for row := range rows {
			pair := row + 1 - 2*((row-1)%2) // rows 1&2, 3&4, ... are one contact
			if rows[pair] == nil {
				t.Errorf("shard %d/2 has row %d but not row %d, the same contact", k, row, pair)
			}
		}
		count += len(rows)
	}
	if count != 80 {
		t.Errorf("2 shards did %d rows, want 80", count)
	}
}

func TestShardFlagRefusesBadValues(t *testing.T) {
	t.Parallel()
	em, env := shop(t, emulator.Faults{})
	in := writeFile(t, "mixed.csv", mixed600())
	tests := []struct {
		value, want string
	}{
		{"0/2", "K must be from 1 to N"},
		{"3/2", "K must be from 1 to N (1/2 to 2/2)"},
		{"2", "not K/N"},
		{"a/b", "K and N must be whole numbers"},
		{"1/0", "N must be from 1 to 10000"},
		{"1/10001", "N must be from 1 to 10000"},
		{"-1/2", "K must be from 1 to N"},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			r := pcsync(t, env, "", "run", "--shard", tt.value, "--quiet", in)
			if r.code != exitUsage || !strings.Contains(r.stderr, tt.want) || !strings.Contains(r.stderr, "-shard") {
				t.Errorf("--shard %s: exit %d, stderr %q; want 2 and %q", tt.value, r.code, r.stderr, tt.want)
			}
			withEnv := map[string]string{"PCSYNC_SHARD": tt.value}
			for k, v := range env {
				withEnv[k] = v
			}
			r = pcsync(t, withEnv, "", "run", "--quiet", in)
			if r.code != exitUsage || !strings.Contains(r.stderr, "PCSYNC_SHARD") || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("PCSYNC_SHARD=%s: exit %d, stderr %q", tt.value, r.code, r.stderr)
			}
		})
	}
	if em.Stats().Requests != 0 {
		t.Errorf("%d requests sent", em.Stats().Requests)
	}
}

func TestResumeOfAShard(t *testing.T) {
	t.Parallel()
	in := writeFile(t, "mixed.csv", mixed600())
	out := filepath.Join(t.TempDir(), "r1.csv")
	args := func(spec string, more ...string) []string {
		return append([]string{"run", "--shard", spec, "--rate", "0", "--retries", "0", "--quiet", "--out", out, "--failed", out + ".f"}, append(more, in)...)
	}

	_, flaky := shop(t, emulator.Faults{Rate5xx: 0.3})
	if r := pcsync(t, flaky, "", args("1/2")...); r.code != exitRowsFailed {
		t.Fatalf("first run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	first := resultRows(t, out)
	failed := 0
	for _, rec := range first {
		if rec[len(rec)-5] != "ok" {
			failed++
		}
	}
	if failed == 0 || failed == len(first) {
		t.Fatalf("%d of %d rows failed: nothing to resume", failed, len(first))
	}
	before, _ := os.ReadFile(out)

	em, healthy := shop(t, emulator.Faults{})
	t.Run("as another shard is refused", func(t *testing.T) {
		for _, spec := range []string{"2/2", "1/3"} {
			r := pcsync(t, healthy, "", args(spec, "--resume")...)
			if r.code != exitUsage || !strings.Contains(r.stderr, "not in shard "+spec) || !strings.Contains(r.stderr, "resume with the --shard and --shard-key of the run that wrote them") {
				t.Errorf("--resume --shard %s: exit %d\n%s", spec, r.code, r.stderr)
			}
		}
		if after, _ := os.ReadFile(out); string(after) != string(before) {
			t.Error("a refused resume changed the results file")
		}
		if em.Stats().Requests != 0 {
			t.Errorf("%d requests sent", em.Stats().Requests)
		}
	})

	t.Run("as the same shard finishes it", func(t *testing.T) {
		r := pcsync(t, healthy, "", args("1/2", "--resume")...)
		if r.code != exitOK {
			t.Fatalf("resume: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		done := resultRows(t, out)
		if len(done) != len(first) {
			t.Errorf("resumed results have %d rows, the shard has %d", len(done), len(first))
		}
		for row, rec := range done {
			if first[row] == nil || rec[len(rec)-5] != "ok" {
				t.Errorf("row %d: in the shard %v, status %q", row, first[row] != nil, rec[len(rec)-5])
			}
		}
		if got := em.Stats().Requests; got != int64(failed) {
			t.Errorf("resume sent %d requests, want the %d failed rows", got, failed)
		}
	})
}
