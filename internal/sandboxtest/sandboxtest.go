// Package sandboxtest starts the project's emulator on a loopback HTTP
// server for tests, with a real API client pointed at it: the one way the
// tests set up the API.
package sandboxtest

import (
	"net/http"
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

// Option changes how New sets the shop up.
type Option func(*config)

type config struct {
	secret string
	wrap   func(http.Handler) http.Handler
}

// WithSecret gives the shop another secret than the sandbox's.
func WithSecret(secret string) Option { return func(c *config) { c.secret = secret } }

// WithHandler puts wrap around the emulator: a test's own handler that
// sees every request before (or instead of) the emulator.
func WithHandler(wrap func(http.Handler) http.Handler) Option {
	return func(c *config) { c.wrap = wrap }
}

// New serves an emulator with the sandbox's credentials and the given
// faults (seeded, so a test's draws repeat) until the test ends.
func New(t testing.TB, faults emulator.Faults, options ...Option) *Shop {
	t.Helper()
	var cfg config
	for _, o := range options {
		o(&cfg)
	}
	opts := emulator.Sandbox()
	opts.Faults = faults
	opts.Seed = 42
	if cfg.secret != "" {
		opts.ShopSecret = cfg.secret
	}
	return serve(t, opts, 8, cfg.wrap)
}

// Serve serves an emulator with opts (the sandbox's credentials among
// them) until the test ends, with a client keeping up to conns
// connections.
func Serve(t testing.TB, opts emulator.Options, conns int) *Shop {
	t.Helper()
	return serve(t, opts, conns, nil)
}

func serve(t testing.TB, opts emulator.Options, conns int, wrap func(http.Handler) http.Handler) *Shop {
	t.Helper()
	em := emulator.New(opts)
	var h http.Handler = em
	if wrap != nil {
		h = wrap(em)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := api.NewClient(srv.URL, api.Credentials{ShopID: opts.ShopID, ShopSecret: api.Secret(opts.ShopSecret)},
		api.WithHTTPClient(api.NewHTTPClient(conns)))
	if err != nil {
		t.Fatal(err)
	}
	return &Shop{Emulator: em, Client: c, URL: srv.URL, Options: opts}
}
