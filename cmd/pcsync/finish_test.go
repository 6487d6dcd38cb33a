package main

import (
	"testing"

	"github.com/pcsync/pcsync/internal/runner"
)

func TestFinishHint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		args  []string
		o     runOptions
		input string
		want  string
	}{
		{"adds --resume", []string{"run", "--rate", "5", "c.csv"}, runOptions{}, "c.csv", "; to finish the job: pcsync run --resume --rate 5 c.csv"},
		{"already resuming", []string{"run", "--resume", "c.csv"}, runOptions{run: runner.Options{Resume: true}}, "c.csv", "; to finish the job: pcsync run --resume c.csv"},
		{"--state sends what is left", []string{"run", "--state", "s.db", "c.csv"}, runOptions{run: runner.Options{State: "s.db"}}, "c.csv", "; to finish the job: pcsync run --state s.db c.csv"},
		{"quoted for the shell", []string{"run", "--out", "my results.csv", "it's.csv"}, runOptions{}, "it's.csv", `; to finish the job: pcsync run --resume --out 'my results.csv' 'it'\''s.csv'`},
		{"standard input", []string{"run", "-"}, runOptions{}, "-", "; standard input cannot be resumed: save it to a file and run that with --resume"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := finishHint(tt.args, &tt.o, tt.input); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}
