package main

import "testing"

// TestPoolSize holds how --workers, --max-workers and --rate combine.
func TestPoolSize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		env           map[string]string
		args          []string
		workers, most int
	}{
		{"default: adaptive from 4 to 256", nil, nil, 4, 256},
		{"--max-workers raises the ceiling", nil, []string{"--max-workers", "1000"}, 4, 1000},
		{"--max-workers below the start", nil, []string{"--max-workers", "2"}, 2, 2},
		{"--workers fixes the pool", nil, []string{"--workers", "16"}, 16, 16},
		{"--workers 4 fixes it too", nil, []string{"--workers", "4", "--max-workers", "64"}, 4, 4},
		{"PCSYNC_WORKERS fixes it", map[string]string{"PCSYNC_WORKERS": "8"}, nil, 8, 8},
		{"PCSYNC_MAX_WORKERS", map[string]string{"PCSYNC_MAX_WORKERS": "32"}, nil, 4, 32},
		{"--rate 0: fixed at the default", nil, []string{"--rate", "0"}, 4, 4},
		{"--rate 0: fixed at --workers", nil, []string{"--rate", "0", "--workers", "8"}, 8, 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o, _, err := parseRun(t, tt.env, append(tt.args, "in.csv")...)
			if err != nil {
				t.Fatal(err)
			}
			if w, m := o.poolSize(); w != tt.workers || m != tt.most {
				t.Errorf("poolSize = %d, %d; want %d, %d", w, m, tt.workers, tt.most)
			}
		})
	}
}
