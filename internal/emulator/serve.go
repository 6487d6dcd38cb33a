package emulator

import (
	"context"
	"net"
	"net/http"
	"time"
)

// Server is an emulator served over HTTP on a TCP address of this machine.
type Server struct {
	// URL is the base URL to give an API client: http://HOST:PORT.
	URL  string
	srv  *http.Server
	errc chan error
}

// Listen serves an emulator with opt on addr ("127.0.0.1:0" for a free
// port of the loopback) until Close.
func Listen(addr string, opt Options) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{
		URL:  "http://" + ln.Addr().String(),
		srv:  &http.Server{Handler: New(opt), ReadHeaderTimeout: 10 * time.Second},
		errc: make(chan error, 1),
	}
	go func() { s.errc <- s.srv.Serve(ln) }()
	return s, nil
}

// Failed returns a channel that yields the error that stopped the server
// from serving, should it stop before Close.
func (s *Server) Failed() <-chan error { return s.errc }

// Close stops the server, giving the requests in flight up to grace to be
// answered.
func (s *Server) Close(grace time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	return s.srv.Shutdown(ctx)
}
