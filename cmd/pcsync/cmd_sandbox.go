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
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (env "+envName("addr")+")")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: pcsync sandbox [--addr HOST:PORT]\n\nServes a local emulator of the PersonaClick API, with state, for trying pcsync\nwithout credentials or network.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := a.parse(fs, map[string]string{"addr": envName("addr")}, args); err != nil {
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
		return a.fail(ctx, usagef(fmt.Sprintf("cannot listen on %s: %v", *addr, err)))
	}
	opt := emulator.Sandbox()
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
