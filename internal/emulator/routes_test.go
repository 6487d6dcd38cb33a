package emulator

import (
	"testing"

	"github.com/pcsync/pcsync/internal/api"
)

// TestEveryEndpointRouted: the emulator serves every endpoint the client
// knows, and nothing else.
func TestEveryEndpointRouted(t *testing.T) {
	t.Parallel()
	if len(routes) != len(api.Endpoints) {
		t.Errorf("%d routes for %d endpoints", len(routes), len(api.Endpoints))
	}
	for _, e := range api.Endpoints {
		found := false
		for _, rt := range routes {
			found = found || rt.path == e.Path()
		}
		if !found {
			t.Errorf("no route for %s", e)
		}
	}
}
