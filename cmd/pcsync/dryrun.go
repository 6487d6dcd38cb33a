package main

import (
	"context"
	"strings"

	"github.com/pcsync/pcsync/internal/api"
	"github.com/pcsync/pcsync/internal/emulator"
	"github.com/pcsync/pcsync/internal/runner"
)

// dryRun validates every row (with --shard, every row of the shard) and
// prints the plan, with an example of the request each action sends; it
// sends nothing, needs no credentials and writes no file. It exits 1 when
// any row is invalid. With --state it reads the state, never writes it,
// and exits 2 when the mirror's guard would refuse the run.
func (a *app) dryRun(ctx context.Context, sess *runner.Session, o *runOptions) (int, error) {
	client, err := dryRunClient(o)
	if err != nil {
		return 0, err
	}
	p, err := sess.Plan(ctx, strings.TrimSpace(o.shopID), client)
	if err != nil {
		if ctx.Err() != nil {
			return exitInterrupted, nil
		}
		return 0, err
	}
	if err := p.WriteText(a.stdout, o.rate); err != nil {
		return 0, err
	}
	switch {
	case p.Refused():
		return exitUsage, nil
	case p.Invalid > 0:
		return exitRowsFailed, nil
	}
	return exitOK, nil
}

// Placeholders for the example requests of a dry run, which needs no
// credentials. Describe redacts the secret in any case.
const (
	placeholderShopID = "YOUR_SHOP_ID"
	placeholderSecret = "not-a-secret"
)

// dryRunClient is an API client that only builds the example requests:
// the shop ID given (or the sandbox's, or a placeholder) and a placeholder
// secret. It never sends.
func dryRunClient(o *runOptions) (*api.Client, error) {
	id, url := strings.TrimSpace(o.shopID), o.apiURL
	if o.sandbox {
		id, url = emulator.SandboxShopID, "http://127.0.0.1"
	}
	if id == "" {
		id = placeholderShopID
	}
	if url == "" {
		url = api.DefaultBaseURL
	}
	c, err := api.NewClient(url, api.Credentials{ShopID: id, ShopSecret: placeholderSecret}, api.WithUserAgent("pcsync/"+version))
	if err != nil {
		return nil, usagef("--api-url %s: %w", url, err)
	}
	return c, nil
}
