package main

import (
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/pcsync/pcsync/internal/api"
	"github.com/pcsync/pcsync/internal/emulator"
	"github.com/pcsync/pcsync/internal/proc"
	"github.com/pcsync/pcsync/internal/runner"
	"github.com/pcsync/pcsync/internal/worker"
)

// target is where the run sends, from the flags and environment: the real
// API with the shop's credentials, or, with --sandbox, an emulator started
// here (close stops it). A dry run (send false) starts nothing and needs
// no secret.
func (a *app) target(o *runOptions, send bool) (t runner.Target, close func(), err error) {
	t = runner.Target{URL: o.apiURL, Creds: api.Credentials{ShopID: strings.TrimSpace(o.shopID)}, UserAgent: "pcsync/" + version, Pool: o.pool}
	t.Pool.Workers, t.Pool.MaxWorkers = o.poolSize()
	t.Pool.Pacer = worker.NewPacer(o.rate, o.burst)
	close = func() {}
	switch {
	case o.sandbox && !send:
		t.URL, t.Creds.ShopID = "http://127.0.0.1", emulator.SandboxShopID
	case o.sandbox:
		proc.LiftMemoryLimit() // the emulator keeps every contact it is sent
		opt := emulator.Sandbox()
		opt.Latency = o.latency
		srv, err := emulator.Listen("127.0.0.1:0", opt)
		if err != nil {
			return t, nil, fmt.Errorf("cannot start the sandbox: %w", err)
		}
		t.URL, close = srv.URL, func() { srv.Close(2 * time.Second) }
		t.Creds = api.Credentials{ShopID: emulator.SandboxShopID, ShopSecret: emulator.SandboxShopSecret}
		far := ""
		if o.latency > 0 {
			far = fmt.Sprintf(", answering %s after each request, give or take a tenth", o.latency)
		}
		a.notef(slog.LevelInfo, "sandbox: sending to the in-process emulator at %s (nothing leaves this machine%s)", srv.URL, far)
	case o.latency != 0:
		return t, nil, usagef("--latency is the sandbox's: use it with --sandbox")
	case send:
		t.Creds.ShopSecret, err = a.secret(o)
	}
	return t, close, err
}

// secret reads the shop's secret, once its ID is known. No error message
// ever quotes the secret.
func (a *app) secret(o *runOptions) (api.Secret, error) {
	if strings.TrimSpace(o.shopID) == "" {
		return "", usagef("no shop ID: set %s or --shop-id (or try --sandbox)", envShopID)
	}
	switch {
	case o.secretFile != "":
		b, err := os.ReadFile(o.secretFile)
		if err != nil {
			return "", usagef("cannot read the shop secret file: %w", err)
		}
		if s := api.Secret(strings.TrimSpace(string(b))); s != "" {
			return s, nil
		}
		return "", usagef("the shop secret file %s is empty", o.secretFile)
	case a.getenv(envShopSecret) != "":
		return api.Secret(strings.TrimSpace(a.getenv(envShopSecret))), nil
	}
	return "", usagef("no shop secret: set %s or --shop-secret-file (or try --sandbox)", envShopSecret)
}
