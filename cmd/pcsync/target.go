package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/pcsync/pcsync/internal/api"
	"github.com/pcsync/pcsync/internal/emulator"
	"github.com/pcsync/pcsync/internal/proc"
)

// target is the API a run talks to: the real one, or the in-process
// sandbox.
type target struct {
	client *api.Client
	creds  api.Credentials
	url    string
	close  func()
}

// target resolves where to send and with which credentials.
func (a *app) target(ctx context.Context, o *runOptions) (*target, error) {
	t := &target{close: func() {}}
	if o.sandbox {
		proc.LiftMemoryLimit() // the emulator keeps every contact it is sent
		opt := emulator.Sandbox()
		opt.Latency = o.latency
		srv, err := emulator.Listen("127.0.0.1:0", opt)
		if err != nil {
			return nil, fmt.Errorf("cannot start the sandbox: %w", err)
		}
		t.url, t.close = srv.URL, func() { srv.Close(2 * time.Second) }
		t.creds = api.Credentials{ShopID: emulator.SandboxShopID, ShopSecret: emulator.SandboxShopSecret}
		far := ""
		if o.latency > 0 {
			far = fmt.Sprintf(", answering %s after each request, give or take a tenth", o.latency)
		}
		a.notef(slog.LevelInfo, "sandbox: sending to the in-process emulator at %s (nothing leaves this machine%s)", srv.URL, far)
	} else {
		if o.latency != 0 {
			return nil, usagef("--latency is the sandbox's: use it with --sandbox")
		}
		creds, err := a.credentials(o)
		if err != nil {
			return nil, err
		}
		t.creds = creds
		t.url = o.apiURL
		if t.url == "" {
			t.url = api.DefaultBaseURL
		}
	}
	// The connections follow the requests in flight: the transport opens
	// one for each, up to the pool's ceiling, and keeps them.
	_, maxWorkers := o.poolSize()
	client, err := api.NewClient(t.url, t.creds,
		api.WithHTTPClient(api.NewHTTPClient(maxWorkers)),
		api.WithUserAgent("pcsync/"+version))
	if err != nil {
		t.close()
		if errors.Is(err, api.ErrInsecureURL) {
			return nil, usagef("--api-url %s: %w", api.RedactUserinfo(o.apiURL), err)
		}
		return nil, usagef("API: %w", err)
	}
	t.client = client
	return t, nil
}

// credentials reads the shop ID and secret from the flags and environment.
// Neither error message ever quotes the secret.
func (a *app) credentials(o *runOptions) (api.Credentials, error) {
	var c api.Credentials
	c.ShopID = strings.TrimSpace(o.shopID)
	if c.ShopID == "" {
		return c, usagef("no shop ID: set %s or --shop-id (or try --sandbox)", envShopID)
	}
	switch {
	case o.secretFile != "":
		b, err := os.ReadFile(o.secretFile)
		if err != nil {
			return c, usagef("cannot read the shop secret file: %w", err)
		}
		c.ShopSecret = api.Secret(strings.TrimSpace(string(b)))
		if c.ShopSecret == "" {
			return c, usagef("the shop secret file %s is empty", o.secretFile)
		}
	case a.getenv(envShopSecret) != "":
		c.ShopSecret = api.Secret(strings.TrimSpace(a.getenv(envShopSecret)))
	default:
		return c, usagef("no shop secret: set %s or --shop-secret-file (or try --sandbox)", envShopSecret)
	}
	return c, nil
}
