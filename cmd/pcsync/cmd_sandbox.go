package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/pcsync/pcsync/internal/cmdutil"
	"github.com/pcsync/pcsync/internal/emulator"
)

// newSandboxCmd is 'pcsync sandbox'.
func (a *app) newSandboxCmd() *cobra.Command {
	var addr string
	var logRequests bool
	opt := emulator.Sandbox()
	c := &cobra.Command{
		Use:   "sandbox [--addr HOST:PORT] [flags]",
		Short: "serve the local emulator of the API",
		Long: `Serves a local emulator of the PersonaClick API, with state, for trying pcsync
without credentials or network. The fault flags make it misbehave like a real
network, to see retries at work; at most one fault applies to a request.
`,
		Example:           "Example: pcsync sandbox --log --fail-5xx 0.1 --fail-429 5% --drop-before 0.03\n",
		Args:              exactArgs(0, "sandbox takes no arguments; see --help"),
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(c *cobra.Command, _ []string) error {
			if logRequests {
				opt.Log = emulator.LogLines(a.stdout, a.clock)
			}
			return a.done(c.Context())(a.sandbox(c.Context(), addr, opt), nil)
		},
	}
	fs, f := c.Flags(), &opt.Faults
	fs.StringVar(&addr, "addr", "127.0.0.1:8080", "listen on `HOST:PORT`")
	fs.BoolVar(&logRequests, "log", false, "print a line per request on standard output: time, method, path, status and the fault injected, if any (never a parameter: no secret)")
	fs.Var(cmdutil.Share(&f.Rate429), "fail-429", "answer a share `P` of requests 429, not applied")
	fs.StringVar(&f.RetryAfter, "retry-after", "1", "send `V` as Retry-After with those 429s: seconds or an HTTP date; empty for none")
	fs.Var(cmdutil.Share(&f.Rate5xx), "fail-5xx", "answer a share `P` 503 with a JSON error, not applied")
	fs.Var(cmdutil.Share(&f.RateHTML), "fail-html", "answer a share `P` 500 with an HTML page, not applied")
	fs.Var(cmdutil.Share(&f.RateBadOK), "fail-bad-ok", "answer a share `P` 200 with an HTML page (a proxy), not applied")
	fs.Var(cmdutil.Share(&f.RateDropBefore), "drop-before", "close the connection of a share `P` with no answer, not applied")
	fs.Var(cmdutil.Share(&f.RateDropAfter), "drop-after", "apply a share `P`, then close with no answer")
	fs.Var(cmdutil.Share(&f.RateSlow), "slow", "answer a share `P` only after --slow-delay")
	fs.DurationVar(&f.SlowDelay, "slow-delay", 5*time.Second, "slow answers take `D`")
	fs.DurationVar(&opt.Latency, "latency", 0, "answer each request `D` after it arrives, give or take a tenth, like an API far away")
	fs.Float64Var(&f.MaxRPS, "max-rps", 0, "answer 429 past `N` requests in a second (with --max-rps-retry-after); 0: no limit")
	fs.StringVar(&f.MaxRPSRetryAfter, "max-rps-retry-after", "1", "send `V` as Retry-After with --max-rps's 429s: seconds or an HTTP date")
	fs.Int64Var(&opt.Seed, "seed", 1, "seed `N` of the fault draws, for repeatable runs")
	return a.withEnv(c, nil)
}

// sandbox serves the emulator of the API on addr, until interrupted.
func (a *app) sandbox(ctx context.Context, addr string, opt emulator.Options) int {
	srv, err := emulator.Listen(addr, opt)
	if err != nil {
		return a.fail(ctx, usagef("cannot listen on %s: %w", addr, err))
	}
	fmt.Fprintf(a.stdout, `pcsync sandbox: serving the PersonaClick emulator at %s
Its credentials are public, for trying pcsync only:
  export %s=%s
  export %s=%s
  export %s=%s
Segments: 100500 and 42 are static; 7 is dynamic and 8 is rfm (writes to them answer 403).
Stop with Ctrl-C.
`, srv.URL, envAPIURL, srv.URL, envShopID, opt.ShopID, envShopSecret, opt.ShopSecret)
	select {
	case err := <-srv.Failed():
		return a.fail(ctx, err)
	case <-ctx.Done():
	}
	srv.Close(5 * time.Second)
	return exitOK
}
