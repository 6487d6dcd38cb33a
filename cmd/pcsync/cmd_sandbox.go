package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/pcsync/pcsync/internal/emulator"
)

// cmdSandbox is 'pcsync sandbox': the emulator of the API on an address of
// this machine, until interrupted.
func (a *app) cmdSandbox(ctx context.Context, args []string) int {
	fs := flag.NewFlagSet("pcsync sandbox", flag.ContinueOnError)
	env := map[string]string{}
	def := func(name string) string { env[name] = envName(name); return " (env " + envName(name) + ")" }
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on"+def("addr"))
	opt := emulator.Sandbox()
	f := &opt.Faults
	fs.Var((*shareFlag)(&f.Rate429), "fail-429", "share of requests answered 429, not applied"+def("fail-429"))
	fs.StringVar(&f.RetryAfter, "retry-after", "1", "Retry-After sent with those 429s: seconds or an HTTP date; empty for none"+def("retry-after"))
	fs.Var((*shareFlag)(&f.Rate5xx), "fail-5xx", "share answered 503 with a JSON error, not applied"+def("fail-5xx"))
	fs.Var((*shareFlag)(&f.RateHTML), "fail-html", "share answered 500 with an HTML page, not applied"+def("fail-html"))
	fs.Var((*shareFlag)(&f.RateBadOK), "fail-bad-ok", "share answered 200 with an HTML page (a proxy), not applied"+def("fail-bad-ok"))
	fs.Var((*shareFlag)(&f.RateDropBefore), "drop-before", "share whose connection is closed with no answer, not applied"+def("drop-before"))
	fs.Var((*shareFlag)(&f.RateDropAfter), "drop-after", "share applied, then closed with no answer"+def("drop-after"))
	fs.Var((*shareFlag)(&f.RateSlow), "slow", "share answered only after --slow-delay"+def("slow"))
	fs.DurationVar(&f.SlowDelay, "slow-delay", 5*time.Second, "how long slow answers take"+def("slow-delay"))
	fs.Float64Var(&f.MaxRPS, "max-rps", 0, "answer 429 (Retry-After: 1) past this many requests in a second; 0: no limit"+def("max-rps"))
	fs.Int64Var(&opt.Seed, "seed", 1, "seed of the fault draws, for repeatable runs"+def("seed"))
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: pcsync sandbox [--addr HOST:PORT] [fault flags]\n\nServes a local emulator of the PersonaClick API, with state, for trying pcsync\nwithout credentials or network. The fault flags make it misbehave like a real\nnetwork, to see retries at work; at most one fault applies to a request.\n\nExample: pcsync sandbox --fail-5xx 0.1 --fail-429 5% --drop-before 0.03\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := a.parse(fs, env, args); err != nil {
		if errors.Is(err, errHelp) {
			return exitOK
		}
		return a.fail(ctx, err)
	}
	if fs.NArg() != 0 {
		return a.fail(ctx, usagef("sandbox takes no arguments; see --help"))
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return a.fail(ctx, usagef("cannot listen on %s: %w", *addr, err))
	}
	srv := &http.Server{Handler: emulator.New(opt), ReadHeaderTimeout: 10 * time.Second}
	url := "http://" + ln.Addr().String()
	fmt.Fprintf(a.stdout, `pcsync sandbox: serving the PersonaClick emulator at %s
Its credentials are public, for trying pcsync only:
  export %s=%s
  export %s=%s
  export %s=%s
Segments: 100500 and 42 are static; 7 is dynamic and 8 is rfm (writes to them answer 403).
Stop with Ctrl-C.
`, url, envAPIURL, url, envShopID, opt.ShopID, envShopSecret, opt.ShopSecret)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return a.fail(ctx, err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	srv.Shutdown(sctx)
	return exitOK
}
