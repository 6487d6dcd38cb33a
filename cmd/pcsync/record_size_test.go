package main

import (
	"strings"
	"testing"

	"github.com/pcsync/pcsync/internal/emulator"
)

// TestMaxRecordSize: an input with a record over --max-record-size is
// refused before anything is sent (exit 2), naming its line; the limit is
// the flag's or the environment's, 1 MiB by default.
func TestMaxRecordSize(t *testing.T) {
	t.Parallel()
	em, env := shop(t, emulator.Faults{})
	big := strings.Repeat("x", 2<<20)
	in := writeFile(t, "in.csv", "email,action,segment_id,note\na@example.com,segments/add,1,n\nb@example.com,segments/add,1,\""+big+"\"\n")
	small := writeFile(t, "small.csv", "email,action,segment_id,note\na@example.com,segments/add,1,"+strings.Repeat("y", 5000)+"\n")
	withEnv := func(k, v string) map[string]string {
		m := map[string]string{k: v}
		for k, v := range env {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name  string
		env   map[string]string
		args  []string
		input string
		code  int
		want  string
	}{
		{"default", env, nil, in, exitUsage, "line 3: the record is larger than 1MiB"},
		{"dry run", env, []string{"--dry-run"}, in, exitUsage, "line 3: the record is larger than 1MiB"},
		{"flag", env, []string{"--max-record-size", "4KiB"}, small, exitUsage, "line 2: the record is larger than 4KiB (--max-record-size"},
		{"environment", withEnv("PCSYNC_MAX_RECORD_SIZE", "4096"), nil, small, exitUsage, "larger than 4KiB"},
		{"raised", env, []string{"--max-record-size", "3MiB"}, in, exitOK, ""},
		{"not a size", env, []string{"--max-record-size", "lots"}, small, exitUsage, "want a size in bytes"},
	}
	t.Cleanup(func() { // once the subtests are done
		if n := em.Stats().Requests; n != 2 { // the raised run's two rows alone
			t.Errorf("%d requests, want 2", n)
		}
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := append(append([]string{"run", "--rate", "0", "--quiet"}, tt.args...), tt.input)
			r := pcsync(t, tt.env, "", args...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, want %d and %q\n%s", r.code, tt.code, tt.want, r.stderr)
			}
			if tt.code == exitUsage && !strings.Contains(tt.want, "want a size") && !strings.Contains(r.stderr, "nothing was sent") {
				t.Errorf("no word that nothing was sent:\n%s", r.stderr)
			}
		})
	}
}
