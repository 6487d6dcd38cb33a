package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestBinaryVersion reads the built binary's own build information: the
// Go version it was built with is always there.
func TestBinaryVersion(t *testing.T) {
	t.Parallel()
	bin := binary(t)
	for _, args := range [][]string{{"version"}, {"--version"}} {
		out, err := exec.Command(bin, args...).Output()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(out), "pcsync ") || !strings.Contains(string(out), "\nbuilt with: go1.") {
			t.Errorf("pcsync %s:\n%s", args[0], out)
		}
	}
}
