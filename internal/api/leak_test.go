package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// noSecret fails t when any rendering of err holds the secret, in the clear
// or escaped.
func noSecret(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	for _, format := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		text := fmt.Sprintf(format, err)
		for _, form := range []string{testSecret, url.QueryEscape(testSecret)} {
			if strings.Contains(text, form) {
				t.Errorf("Sprintf(%q, err) holds the secret: %s", format, text)
			}
		}
	}
}

// wantURLError checks that err is a *url.Error whose URL is the call's
// redacted URL.
func wantURLError(t *testing.T, err error, path string) *url.Error {
	t.Helper()
	var ue *url.Error
	if !errors.As(err, &ue) {
		t.Fatalf("error = %T %v; want a *url.Error", err, err)
	}
	if !strings.Contains(ue.URL, path) {
		t.Errorf("URL = %q, want the URL of %s", ue.URL, path)
	}
	if path == "/segments/get" && !strings.Contains(ue.URL, "shop_secret=REDACTED") {
		t.Errorf("URL = %q, want shop_secret=REDACTED", ue.URL)
	}
	return ue
}

func TestNoSecretInErrors_closedPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	client, err := NewClient("http://"+addr, testCreds)
	if err != nil {
		t.Fatal(err)
	}
	for _, call := range allCalls() {
		t.Run(call.path, func(t *testing.T) {
			_, err := call.do(context.Background(), client)
			noSecret(t, err)
			wantURLError(t, err, call.path)
		})
	}
}

func TestNoSecretInErrors_deadline(t *testing.T) {
	client, mux, _ := setup(t)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) }) // runs before the server's Close
	for _, call := range allCalls() {
		mux.HandleFunc(call.path, func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-release:
			}
		})
	}
	for _, call := range allCalls() {
		t.Run(call.path, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
			defer cancel()
			_, err := call.do(ctx, client)
			noSecret(t, err)
			wantURLError(t, err, call.path)
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("err = %v, want context.DeadlineExceeded", err)
			}
		})
	}
}

func TestNoSecretInErrors_canceledBeforeCall(t *testing.T) {
	client, mux, _ := setup(t)
	mux.HandleFunc("/", success)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, call := range allCalls() {
		t.Run(call.path, func(t *testing.T) {
			_, err := call.do(ctx, client)
			noSecret(t, err)
			wantURLError(t, err, call.path)
			if !errors.Is(err, context.Canceled) {
				t.Errorf("err = %v, want context.Canceled", err)
			}
		})
	}
}

// hijack returns a handler that takes over the connection, writes raw and
// closes it.
func hijack(t *testing.T, raw string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Errorf("hijack: %v", err)
			return
		}
		defer conn.Close()
		io.Copy(io.Discard, io.LimitReader(buf, int64(buf.Reader.Buffered())))
		io.WriteString(conn, raw)
	}
}

func TestNoSecretInErrors_connectionLost(t *testing.T) {
	tests := []struct {
		name string
		raw  string // what the server writes before closing
	}{
		{"closed with no answer", ""},
		{"closed in the headers", "HTTP/1.1 200 OK\r\nContent-"},
		{"closed in the body", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"status\":"},
	}
	for _, call := range allCalls() {
		for _, tt := range tests {
			t.Run(call.path+"/"+tt.name, func(t *testing.T) {
				client, mux, _ := setup(t)
				mux.HandleFunc(call.path, hijack(t, tt.raw))
				_, err := call.do(context.Background(), client)
				noSecret(t, err)
				wantURLError(t, err, call.path)
			})
		}
	}
}

// TestNoSecretInErrors_echoed checks answers that quote the secret back.
func TestNoSecretInErrors_echoed(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"JSON message", answer(403, `{"status":"error","message":"bad shop_secret `+testSecret+`"}`)},
		{"JSON message, JSON-escaped", answer(403, `{"status":"error","message":"bad shop_secret \u0030123456789abcdef0123456789abcdef"}`)},
		{"HTML page", answer(500, "<html>request shop_secret="+testSecret+" failed</html>", "Content-Type", "text/html")},
		{"HTML page quoting the query", answer(500, "<pre>"+url.Values{"shop_secret": {testSecret}}.Encode()+"</pre>")},
		{"secret past the snippet", answer(500, "<html>"+strings.Repeat(" ", 5000)+testSecret+"</html>")},
		{"error object on a 200", answer(200, `{"status":"error","message":"`+testSecret+`"}`)},
		{"redirect quoting the secret", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", "https://evil.example.com/?shop_secret="+testSecret)
			w.WriteHeader(http.StatusFound)
			io.WriteString(w, `<a href="https://evil.example.com/?shop_secret=`+testSecret+`">Found</a>`)
		}},
	}
	for _, call := range allCalls() {
		for _, tt := range tests {
			t.Run(call.path+"/"+tt.name, func(t *testing.T) {
				client, mux, _ := setup(t)
				mux.HandleFunc(call.path, tt.handler)
				_, err := call.do(context.Background(), client)
				noSecret(t, err)
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("err = %T %v, want *Error", err, err)
				}
			})
		}
	}
}

// TestNoSecretInErrors_buildFailure checks the error of a request that
// cannot be built.
func TestNoSecretInErrors_buildFailure(t *testing.T) {
	client, err := NewClient(DefaultBaseURL, testCreds)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []Endpoint{"", "/segments/get", "segments/nope"} {
		_, err = client.NewCallRequest(context.Background(), Call{Endpoint: e, Contact: Contact{Email: "a@b.c"}})
		noSecret(t, err)
		_, err = client.Send(context.Background(), Call{Endpoint: e, Contact: Contact{Email: "a@b.c"}})
		noSecret(t, err)
	}
}

// TestNoSecretInErrors_transportEchoes checks a transport whose own error
// quotes the secret (as a proxy's or a wrapper's might).
func TestNoSecretInErrors_transportEchoes(t *testing.T) {
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return nil, fmt.Errorf("proxy refused %s", r.URL.String())
	})
	client, err := NewClient(DefaultBaseURL, testCreds, WithHTTPClient(&http.Client{Transport: rt}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.Send(context.Background(), Call{Endpoint: SegmentsGet, Contact: Contact{Email: "a@b.c"}})
	noSecret(t, err)
	ue := wantURLError(t, err, "/segments/get")
	if !strings.Contains(ue.Err.Error(), "proxy refused") {
		t.Errorf("inner error = %v, want the transport's text scrubbed", ue.Err)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestNoSecretInErrors_httptestSanity makes sure the server of these tests
// does see the secret, so that the checks above are not vacuous.
func TestNoSecretInErrors_httptestSanity(t *testing.T) {
	mux := http.NewServeMux()
	var got string
	mux.HandleFunc("/segments/get", func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.Query().Get("shop_secret")
		answer(403, `{"status":"error","message":"no"}`)(w, r)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	client, err := NewClient(srv.URL, testCreds)
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.Send(context.Background(), Call{Endpoint: SegmentsGet, Contact: Contact{Email: "a@b.c"}})
	noSecret(t, err)
	if got != testSecret {
		t.Errorf("server saw shop_secret %q, want the secret", got)
	}
}
