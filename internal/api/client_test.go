package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The sample credentials of the vendor's documentation.
const (
	testShopID = "0d42fd8b713d0752776ca589cc0056"
	testSecret = "0123456789abcdef0123456789abcdef"
)

var (
	testCreds = Credentials{ShopID: testShopID, ShopSecret: testSecret}
	// testNow is the clock of the clients setup returns.
	testNow = time.Date(2015, time.October, 21, 7, 28, 0, 0, time.UTC)
)

// setup returns a client of a test server whose routes the test registers
// on mux, and the server's URL. The client's clock is fixed at testNow.
func setup(t testing.TB, opts ...Option) (client *Client, mux *http.ServeMux, serverURL string) {
	t.Helper()
	mux = http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	opts = append([]Option{WithHTTPClient(srv.Client()), WithClock(func() time.Time { return testNow })}, opts...)
	client, err := NewClient(srv.URL, testCreds, opts...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	return client, mux, srv.URL
}

func testMethod(t *testing.T, r *http.Request, want string) {
	t.Helper()
	if r.Method != want {
		t.Errorf("method = %s, want %s", r.Method, want)
	}
}

func testHeader(t *testing.T, r *http.Request, key, want string) {
	t.Helper()
	if got := r.Header.Values(key); len(got) != 1 || got[0] != want {
		t.Errorf("header %s = %q, want %q", key, got, want)
	}
}

func testNoHeader(t *testing.T, r *http.Request, key string) {
	t.Helper()
	if got := r.Header.Values(key); len(got) != 0 {
		t.Errorf("header %s = %q, want none", key, got)
	}
}

// testBody checks the request's body byte for byte.
func testBody(t *testing.T, r *http.Request, want string) {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	if got := string(b); got != want {
		t.Errorf("body =\n%s\nwant\n%s", got, want)
	}
}

// testCommonHeaders checks the headers every call sends.
func testCommonHeaders(t *testing.T, r *http.Request) {
	t.Helper()
	testHeader(t, r, "User-Agent", DefaultUserAgent)
	testNoHeader(t, r, "Accept")
}

// answer returns a handler that writes status, the headers in kv pairs and
// body.
func answer(status int, body string, kv ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(kv); i += 2 {
			w.Header().Set(kv[i], kv[i+1])
		}
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

func success(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	io.WriteString(w, `{"status":"success"}`)
}

func TestNewClient(t *testing.T) {
	tests := []struct {
		name    string
		baseURL string
		creds   Credentials
		wantErr error // nil: any error when wantOK is false
		wantOK  bool
	}{
		{"default", DefaultBaseURL, testCreds, nil, true},
		{"https with path", "https://sandbox.example.com/api/", testCreds, nil, true},
		{"https example.com", "https://example.com", testCreds, nil, true},
		{"https with port", "https://example.com:8443", testCreds, nil, true},
		{"http localhost", "http://localhost:8080", testCreds, nil, true},
		{"http LOCALHOST", "http://LOCALHOST", testCreds, nil, true},
		{"http 127.0.0.1", "http://127.0.0.1:9999", testCreds, nil, true},
		{"http 127.1.2.3", "http://127.1.2.3", testCreds, nil, true},
		{"http ::1", "http://[::1]:9999", testCreds, nil, true},
		{"http example.com", "http://example.com", testCreds, ErrInsecureURL, false},
		{"http private address", "http://10.0.0.1", testCreds, ErrInsecureURL, false},
		{"http localhost as subdomain", "http://localhost.example.com", testCreds, ErrInsecureURL, false},
		{"http 0.0.0.0", "http://0.0.0.0:80", testCreds, ErrInsecureURL, false},
		{"unparsable", "https://exa mple.com/%zz", testCreds, nil, false},
		{"no scheme", "api.personaclick.com", testCreds, nil, false},
		{"ftp", "ftp://api.personaclick.com", testCreds, nil, false},
		{"no host", "https://", testCreds, nil, false},
		{"port only", "https://:443", testCreds, nil, false},
		{"query", "https://example.com/?a=b", testCreds, nil, false},
		{"fragment", "https://example.com/#x", testCreds, nil, false},
		{"empty shop_id", DefaultBaseURL, Credentials{ShopSecret: testSecret}, nil, false},
		{"empty shop_secret", DefaultBaseURL, Credentials{ShopID: testShopID}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewClient(tt.baseURL, tt.creds)
			if tt.wantOK {
				if err != nil || c == nil {
					t.Fatalf("NewClient(%q) = %v, %v; want a client", tt.baseURL, c, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("NewClient(%q) succeeded; want an error", tt.baseURL)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("NewClient(%q) = %v; want %v", tt.baseURL, err, tt.wantErr)
			}
			if strings.Contains(err.Error(), testSecret) {
				t.Errorf("error %q holds the secret", err)
			}
		})
	}
}

func TestNewClient_basePath(t *testing.T) {
	for _, prefix := range []string{"/api", "/api/"} {
		t.Run(prefix, func(t *testing.T) {
			mux := http.NewServeMux()
			mux.HandleFunc("/api/segments/add", success)
			srv := httptest.NewServer(mux)
			defer srv.Close()
			c, err := NewClient(srv.URL+prefix, testCreds, WithHTTPClient(srv.Client()))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Send(context.Background(), Call{Endpoint: SegmentsAdd, Contact: Contact{Email: "a@b.c"}, SegmentID: "1"}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestWithUserAgent(t *testing.T) {
	client, mux, _ := setup(t, WithUserAgent("pcsync/1.2.3"))
	mux.HandleFunc("/segments/add", func(w http.ResponseWriter, r *http.Request) {
		testHeader(t, r, "User-Agent", "pcsync/1.2.3")
		success(w, r)
	})
	if _, err := client.Send(context.Background(), Call{Endpoint: SegmentsAdd, Contact: Contact{Email: "a@b.c"}, SegmentID: "1"}); err != nil {
		t.Fatal(err)
	}
}

func TestOptions_nilAndEmptyIgnored(t *testing.T) {
	c, err := NewClient(DefaultBaseURL, testCreds, WithHTTPClient(nil), WithUserAgent(""), WithClock(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.rt == nil || c.userAgent != DefaultUserAgent || c.now == nil {
		t.Errorf("client = %+v; want the defaults kept", c)
	}
}

func TestNewHTTPClient(t *testing.T) {
	for _, tt := range []struct{ in, want int }{{16, 16}, {1, 1}, {0, 1}, {-3, 1}} {
		t.Run(fmt.Sprint(tt.in), func(t *testing.T) {
			hc := NewHTTPClient(tt.in)
			if hc.Timeout != 0 {
				t.Errorf("Timeout = %v, want 0", hc.Timeout)
			}
			tr, ok := hc.Transport.(*http.Transport)
			if !ok {
				t.Fatalf("Transport is %T", hc.Transport)
			}
			if tr == http.DefaultTransport {
				t.Error("Transport is http.DefaultTransport itself, not a clone")
			}
			if tr.MaxIdleConnsPerHost != tt.want || tr.MaxIdleConns != tt.want || tr.MaxConnsPerHost != tt.want {
				t.Errorf("MaxIdleConnsPerHost, MaxIdleConns, MaxConnsPerHost = %d, %d, %d; want %d",
					tr.MaxIdleConnsPerHost, tr.MaxIdleConns, tr.MaxConnsPerHost, tt.want)
			}
			if tr.Proxy == nil {
				t.Error("Proxy not kept from DefaultTransport")
			}
			if hc.CheckRedirect == nil {
				t.Error("CheckRedirect is nil: redirects would be followed")
			}
		})
	}
}

// TestNewHTTPClientWire checks the whole header of a request sent through
// NewHTTPClient's transport: no Accept, no Accept-Encoding, nothing but
// what the API needs.
func TestNewHTTPClientWire(t *testing.T) {
	got := make(chan http.Header, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Clone()
		success(w, r)
	}))
	defer srv.Close()
	client, err := NewClient(srv.URL, testCreds, WithHTTPClient(NewHTTPClient(1)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.Send(context.Background(), Call{Endpoint: SegmentsAdd, Contact: Contact{Email: "a@example.com"}, SegmentID: "1"}); err != nil {
		t.Fatal(err)
	}
	h := <-got
	want := http.Header{
		"User-Agent":     {DefaultUserAgent},
		"Content-Type":   {"application/json"},
		"Content-Length": {h.Get("Content-Length")},
	}
	if h.Get("Content-Length") == "" || !reflect.DeepEqual(h, want) {
		t.Errorf("request header = %v, want %v", h, want)
	}
}

// TestNewHTTPClientConnections: many more callers than connections share
// the pool; the server never sees more connections than maxConns.
func TestNewHTTPClientConnections(t *testing.T) {
	var mu sync.Mutex
	opened := 0
	srv := httptest.NewUnstartedServer(http.HandlerFunc(success))
	srv.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			mu.Lock()
			opened++
			mu.Unlock()
		}
	}
	srv.Start()
	defer srv.Close()
	client, err := NewClient(srv.URL, testCreds, WithHTTPClient(NewHTTPClient(4)))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			for j := range 25 {
				if _, err := client.Send(context.Background(), Call{Endpoint: SegmentsAdd, Contact: Contact{Email: fmt.Sprintf("u%d-%d@example.com", i, j)}, SegmentID: "1"}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	// At most the 4 the pool may hold, and one or two more for a
	// connection net/http gave up on and replaced on a loaded machine;
	// http.DefaultTransport, which keeps 2 idle connections a host and
	// does not cap them, opens one for most of the 400 requests.
	if opened > 6 {
		t.Errorf("400 requests from 16 callers opened %d connections, want about 4", opened)
	}
}

// TestClient_concurrent runs every call from many goroutines at once; run
// with -race.
func TestClient_concurrent(t *testing.T) {
	client, mux, _ := setup(t, WithHTTPClient(NewHTTPClient(8)))
	for _, p := range []string{"/segments/add", "/segments/remove", "/subscriptions/manage", "/subscriptions/callback"} {
		mux.HandleFunc(p, success)
	}
	mux.HandleFunc("/segments/get", answer(200, `[{"id":1,"type":"static"}]`))
	ctx := context.Background()
	yes := true
	var wg sync.WaitGroup
	errs := make(chan error, 5*20)
	for i := range 20 {
		ct := Contact{Email: fmt.Sprintf("u%d@example.com", i)}
		wg.Go(func() {
			_, err := client.Send(ctx, Call{Endpoint: SegmentsAdd, Contact: ct, SegmentID: "1"})
			errs <- err
		})
		wg.Go(func() {
			_, err := client.Send(ctx, Call{Endpoint: SegmentsRemove, Contact: ct, SegmentID: "1"})
			errs <- err
		})
		wg.Go(func() { _, err := client.Send(ctx, Call{Endpoint: SegmentsGet, Contact: ct}); errs <- err })
		wg.Go(func() {
			_, err := client.Send(ctx, Call{Endpoint: SubscriptionsManage, Contact: ct, Subscriptions: Subscriptions{EmailBulk: &yes}})
			errs <- err
		})
		wg.Go(func() {
			_, err := client.Send(ctx, Call{Endpoint: SubscriptionsCallback, Contact: Contact{Email: ct.Email}, Event: EventComplained})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func TestClient_printingShowsNoSecret(t *testing.T) {
	c, err := NewClient(DefaultBaseURL, testCreds)
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
		for _, v := range []any{c, *c} {
			if got := fmt.Sprintf(format, v); strings.Contains(got, testSecret) {
				t.Errorf("Sprintf(%q, %T) = %s: holds the secret", format, v, got)
			}
		}
	}
}

// TestWithHTTPClient_noRedirects checks that a client that follows
// redirects is not changed, and that the API client does not follow them
// through it: a 307 would resend the credentials in the body to the
// Location.
func TestWithHTTPClient_noRedirects(t *testing.T) {
	var followed bool
	mux := http.NewServeMux()
	mux.HandleFunc("/segments/add", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/steal", http.StatusTemporaryRedirect)
	})
	mux.HandleFunc("/steal", func(w http.ResponseWriter, r *http.Request) { followed = true; success(w, r) })
	srv := httptest.NewServer(mux)
	defer srv.Close()
	hc := srv.Client()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return nil }
	client, err := NewClient(srv.URL, testCreds, WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.Send(context.Background(), Call{Endpoint: SegmentsAdd, Contact: Contact{Email: "a@b.c"}, SegmentID: "1"})
	var e *Error
	if !errors.As(err, &e) || e.StatusCode != http.StatusTemporaryRedirect {
		t.Errorf("err = %v, want an *Error with status 307", err)
	}
	if followed {
		t.Error("the redirect was followed")
	}
	if hc.CheckRedirect == nil || hc.CheckRedirect(nil, nil) != nil {
		t.Error("the caller's http.Client was changed")
	}
}

// TestBuiltRequestsAreTheCallersToChange: a built request has a header and
// URL of its own, so changing them changes no other request.
func TestBuiltRequestsAreTheCallersToChange(t *testing.T) {
	client, mux, _ := setup(t)
	var got []*http.Request
	mux.HandleFunc("/segments/add", func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r)
		success(w, r)
	})
	ctx := context.Background()
	call := Call{Endpoint: SegmentsAdd, Contact: Contact{Email: "a@example.com"}, SegmentID: "1"}
	req, err := client.NewCallRequest(ctx, call)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Add("User-Agent", "added")
	req.Header.Add("Content-Type", "added")
	req.Header.Set("X-Extra", "1")
	req.URL.Path = "/elsewhere"
	req.URL.RawQuery = "x=1"
	for range 2 {
		if _, err := client.Send(ctx, call); err != nil {
			t.Fatal(err)
		}
	}
	if len(got) != 2 {
		t.Fatalf("the server saw %d requests to /segments/add, want 2", len(got))
	}
	for _, r := range got {
		testCommonHeaders(t, r)
		testHeader(t, r, "Content-Type", "application/json")
		testNoHeader(t, r, "X-Extra")
		if r.URL.RawQuery != "" {
			t.Errorf("query = %q, want none", r.URL.RawQuery)
		}
	}
}

// stampingTransport changes every request it sends, as tracing and
// authenticating RoundTrippers do: it sets the User-Agent and a header of
// its own, adds a Content-Type (Add appends to the client's value) and sets
// a query parameter, all carrying the request's sequence number.
type stampingTransport struct {
	next http.RoundTripper
	seq  atomic.Int64
}

func (s *stampingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	n := strconv.FormatInt(s.seq.Add(1), 10)
	r.Header.Set("User-Agent", r.Header.Get("User-Agent")+" stamp/"+n)
	r.Header.Add("Content-Type", "stamp/"+n)
	r.Header.Set("X-Seq", n)
	q := r.URL.Query()
	q.Set("seq", n)
	r.URL.RawQuery = q.Encode()
	return s.next.RoundTrip(r)
}

// TestRequestsOwnTheirHeaderAndURL sends every call concurrently through a
// RoundTripper that changes each request's header and URL: each request
// must reach the server with its own changes only, and the next requests
// must not inherit them. Shared headers or URLs fail it (and -race reports
// the writes).
func TestRequestsOwnTheirHeaderAndURL(t *testing.T) {
	t.Parallel()
	var bad atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := r.Header.Get("X-Seq")
		ua, ct := r.Header.Values("User-Agent"), r.Header.Values("Content-Type")
		wantCT := []string{"stamp/" + n}
		if r.Method == http.MethodPost {
			wantCT = []string{ct[0], "stamp/" + n}
		}
		if n == "" || len(r.Header.Values("X-Seq")) != 1 || r.URL.Query().Get("seq") != n || len(r.URL.Query()["seq"]) != 1 ||
			len(ua) != 1 || ua[0] != DefaultUserAgent+" stamp/"+n || !slices.Equal(ct, wantCT) {
			bad.Add(1)
			t.Errorf("request %s %s: X-Seq %q, User-Agent %q, Content-Type %q", r.Method, r.URL, r.Header.Values("X-Seq"), ua, ct)
		}
		if r.URL.Path == SegmentsGet.Path() {
			io.WriteString(w, "[]")
			return
		}
		success(w, r)
	}))
	defer srv.Close()
	st := &stampingTransport{next: NewHTTPClient(8).Transport}
	client, err := NewClient(srv.URL, testCreds, WithHTTPClient(&http.Client{Transport: st}))
	if err != nil {
		t.Fatal(err)
	}
	const perEndpoint = 40
	var wg sync.WaitGroup
	for i := range perEndpoint {
		for _, e := range Endpoints {
			wg.Go(func() {
				call := Call{Endpoint: e, Contact: Contact{Email: fmt.Sprintf("u%d@example.com", i)}, SegmentID: "1",
					Subscriptions: Subscriptions{EmailBulk: &yes}, Event: EventComplained}
				if _, err := client.Send(context.Background(), call); err != nil {
					t.Error(err)
				}
			})
		}
	}
	wg.Wait()
	if n := st.seq.Load(); n != perEndpoint*int64(len(Endpoints)) || bad.Load() != 0 {
		t.Errorf("%d requests sent, %d of them changed by others", n, bad.Load())
	}
	for _, e := range Endpoints {
		req, err := client.NewCallRequest(context.Background(), Call{Endpoint: e, Contact: Contact{Email: "a@b.c"}})
		if err != nil {
			t.Fatal(err)
		}
		ua, ct := req.Header.Values("User-Agent"), req.Header.Values("Content-Type")
		if len(ua) != 1 || ua[0] != DefaultUserAgent || len(ct) > 1 || req.Header.Get("X-Seq") != "" || req.URL.Query().Has("seq") {
			t.Errorf("%s: a new request has header %v, URL %s", e, req.Header, req.URL)
		}
	}
}
