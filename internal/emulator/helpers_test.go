package emulator_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pcsync/pcsync/internal/emulator"
)

// The test shop's credentials. The secret is distinctive so that a test can
// search answers for it.
const (
	testShopID = "shop-0d42fd8b"
	testSecret = "secret-5ac1e7b9d04f"
)

const (
	jsonType = "application/json"
	formType = "application/x-www-form-urlencoded"
)

// Parameter fragments carrying the test credentials.
const (
	credsJSON = `"shop_id":"` + testShopID + `","shop_secret":"` + testSecret + `"`
	credsForm = "shop_id=" + testShopID + "&shop_secret=" + testSecret
)

// testOptions returns options with the test credentials and one segment of
// each type.
func testOptions() emulator.Options {
	return emulator.Options{
		ShopID:     testShopID,
		ShopSecret: testSecret,
		Segments:   map[string]string{"100500": "static", "7": "dynamic", "8": "rfm"},
	}
}

// newServer serves a new Emulator configured by opts for the test's
// duration.
func newServer(t testing.TB, opts emulator.Options) (*emulator.Emulator, *httptest.Server) {
	t.Helper()
	e := emulator.New(opts)
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return e, srv
}

// reply is an answer as a test sees it.
type reply struct {
	status int
	header http.Header
	body   string
}

// send makes one request by hand; contentType "" sends none. A request
// that gets no answer is reported with t.Errorf (so that send may be called
// from any goroutine) and gives a reply of status -1.
func send(t testing.TB, srv *httptest.Server, method, pathAndQuery, contentType, body string) reply {
	t.Helper()
	r, err := try(srv, method, pathAndQuery, contentType, body)
	if err != nil {
		t.Errorf("%s %s: %v", method, pathAndQuery, err)
		return reply{status: -1, header: http.Header{}}
	}
	return r
}

// try makes one request by hand and returns the error of one that gets no
// complete answer.
func try(srv *httptest.Server, method, pathAndQuery, contentType, body string) (reply, error) {
	req, err := http.NewRequest(method, srv.URL+pathAndQuery, strings.NewReader(body))
	if err != nil {
		return reply{}, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return reply{}, err
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: string(b)}, nil
}

// postJSON posts a JSON body made of the test credentials and fields (a
// fragment of an object such as `"email":"a@b.c"`).
func postJSON(t testing.TB, srv *httptest.Server, path, fields string) reply {
	t.Helper()
	return send(t, srv, http.MethodPost, path, jsonType, "{"+credsJSON+","+fields+"}")
}

// postForm posts a form body made of the test credentials and fields (such
// as "email=a%40b.c").
func postForm(t testing.TB, srv *httptest.Server, path, fields string) reply {
	t.Helper()
	return send(t, srv, http.MethodPost, path, formType, credsForm+"&"+fields)
}

// getSegments calls segments/get with the test credentials and query.
func getSegments(t testing.TB, srv *httptest.Server, query string) reply {
	t.Helper()
	return send(t, srv, http.MethodGet, "/segments/get?"+credsForm+"&"+query, "", "")
}

// wantSuccess fails the test unless r is the documented success answer.
func wantSuccess(t testing.TB, r reply) {
	t.Helper()
	wantAnswer(t, r, http.StatusOK, `{"status":"success"}`)
}

// wantError fails the test unless r is the documented error answer of the
// given status and message.
func wantError(t testing.TB, r reply, status int, message string) {
	t.Helper()
	b, err := json.Marshal(map[string]string{"message": message, "status": "error"})
	if err != nil {
		t.Fatal(err)
	}
	wantAnswer(t, r, status, string(b))
}

// wantAnswer fails the test unless r has the given status, a JSON content
// type and a body equal, as JSON, to want.
func wantAnswer(t testing.TB, r reply, status int, want string) {
	t.Helper()
	if r.status != status {
		t.Errorf("status = %d, want %d (body %s)", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	if !jsonEqual(t, r.body, want) {
		t.Errorf("body = %s, want %s", r.body, want)
	}
}

// jsonEqual reports whether a and b are the same JSON value.
func jsonEqual(t testing.TB, a, b string) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal([]byte(a), &va); err != nil {
		t.Errorf("answer is not JSON: %v: %q", err, a)
		return false
	}
	if err := json.Unmarshal([]byte(b), &vb); err != nil {
		t.Fatalf("test's JSON %q: %v", b, err)
	}
	ja, _ := json.Marshal(va)
	jb, _ := json.Marshal(vb)
	return string(ja) == string(jb)
}
