// Package sandboxtest starts the project's emulator on a loopback HTTP
// server for tests, with a real API client pointed at it.
package sandboxtest

import (
	"net/http/httptest"
	"testing"

	"github.com/pcsync/pcsync/internal/api"
	"github.com/pcsync/pcsync/internal/emulator"
)

// Shop is a running emulator and a client of it.
type Shop struct {
	Emulator *emulator.Emulator
	Client   *api.Client
	URL      string
	Options  emulator.Options
}

// New serves an emulator with the sandbox's credentials and the given
// faults (seeded, so a test's draws repeat) until the test ends.
func New(t testing.TB, faults emulator.Faults) *Shop {
	t.Helper()
	opts := emulator.Sandbox()
	opts.Faults = faults
	opts.Seed = 42
	return Serve(t, opts, 8)
}

// Serve serves an emulator with opts (the sandbox's credentials among
// them) until the test ends, with a client keeping up to conns
// connections.
func Serve(t testing.TB, opts emulator.Options, conns int) *Shop {
	t.Helper()
	em := emulator.New(opts)
	srv := httptest.NewServer(em)
	t.Cleanup(srv.Close)
	c, err := api.NewClient(srv.URL, api.Credentials{ShopID: opts.ShopID, ShopSecret: api.Secret(opts.ShopSecret)},
		api.WithHTTPClient(api.NewHTTPClient(conns)))
	if err != nil {
		t.Fatal(err)
	}
	return &Shop{Emulator: em, Client: c, URL: srv.URL, Options: opts}
}
