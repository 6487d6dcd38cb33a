package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"testing/iotest"
	"time"
)

// aCall is one of the five calls, made for a fixed contact.
type aCall struct {
	path string
	do   func(context.Context, *Client) (*Response, error)
}

// allCalls returns the five calls.
func allCalls() []aCall {
	ct := Contact{Email: "john.doe@examplemail.com", Phone: "4400114527199"}
	return []aCall{
		{"/segments/add", func(ctx context.Context, c *Client) (*Response, error) {
			return c.Send(ctx, Call{Endpoint: SegmentsAdd, Contact: ct, SegmentID: "100500"})
		}},
		{"/segments/remove", func(ctx context.Context, c *Client) (*Response, error) {
			return c.Send(ctx, Call{Endpoint: SegmentsRemove, Contact: ct, SegmentID: "100500"})
		}},
		{"/segments/get", func(ctx context.Context, c *Client) (*Response, error) {
			return c.Send(ctx, Call{Endpoint: SegmentsGet, Contact: ct})
		}},
		{"/subscriptions/manage", func(ctx context.Context, c *Client) (*Response, error) {
			return c.Send(ctx, Call{Endpoint: SubscriptionsManage, Contact: ct, Subscriptions: Subscriptions{EmailBulk: &yes}})
		}},
		{"/subscriptions/callback", func(ctx context.Context, c *Client) (*Response, error) {
			return c.Send(ctx, Call{Endpoint: SubscriptionsCallback, Contact: Contact{Email: ct.Email}, Event: EventUnsubscribed})
		}},
	}
}

const htmlPage = "<!DOCTYPE html>\n<html>\n  <head><title>502 Bad Gateway</title></head>\n  <body>\n\t<h1>Bad Gateway</h1>\n  </body>\n</html>\n"

// TestErrorAnswers maps every kind of failed answer, for every call, to the
// *Error it must give.
func TestErrorAnswers(t *testing.T) {
	tests := []struct {
		name           string
		handler        http.HandlerFunc
		wantStatus     int
		wantMessage    string // exact, unless wantMessagePart
		wantPart       string // a part of Message, when the exact text is beside the point
		wantRetryAfter time.Duration
		wantUnexpected bool
	}{
		{"400", answer(400, `{"status":"error","message":"Incorrect event"}`), 400, "Incorrect event", "", 0, false},
		{"403", answer(403, `{"status":"error","message":"invalid shop_id or shop_secret"}`), 403, "invalid shop_id or shop_secret", "", 0, false},
		{"404", answer(404, `{"status":"error","message":"segment_id is required"}`), 404, "segment_id is required", "", 0, false},
		{"403 without message", answer(403, `{"status":"error"}`), 403, "", "", 0, false},
		{"message with control characters", answer(403, "{\"status\":\"error\",\"message\":\"bad\\n\\u001b[31mred\\u001b[0m\\tthing\"}"), 403, "bad [31mred [0m thing", "", 0, false},
		{"429 without Retry-After", answer(429, `{"status":"error","message":"Too many requests"}`), 429, "Too many requests", "", 0, false},
		{"429 Retry-After seconds", answer(429, `{"status":"error","message":"slow down"}`, "Retry-After", "7"), 429, "slow down", "", 7 * time.Second, false},
		{"429 Retry-After HTTP date", answer(429, `{"status":"error","message":"slow down"}`, "Retry-After", testNow.Add(90*time.Second).Format(http.TimeFormat)), 429, "slow down", "", 90 * time.Second, false},
		{"429 Retry-After past date", answer(429, `{"status":"error","message":"slow down"}`, "Retry-After", testNow.Add(-time.Hour).Format(http.TimeFormat)), 429, "slow down", "", 0, false},
		{"429 Retry-After garbage", answer(429, `{"status":"error","message":"slow down"}`, "Retry-After", "soon"), 429, "slow down", "", 0, false},
		{"429 Retry-After huge", answer(429, `{"status":"error","message":"slow down"}`, "Retry-After", "99999999999999999999999"), 429, "slow down", "", 24 * time.Hour, false},
		{"429 empty body", answer(429, "", "Retry-After", "3"), 429, "empty body", "", 3 * time.Second, true},
		{"500 HTML", answer(500, htmlPage, "Content-Type", "text/html; charset=utf-8"), 500, "HTML page (" + fmt.Sprint(len(htmlPage)) + " bytes): 502 Bad Gateway", "", 0, true},
		{"503 HTML with Retry-After", answer(503, htmlPage, "Retry-After", "120"), 503, "", "HTML page (" + fmt.Sprint(len(htmlPage)) + " bytes): 502 Bad Gateway", 2 * time.Minute, true},
		{"an HTML page's title, unescaped", answer(502, "<HTML><Title>\n  Bad &amp; Gateway </Title><body>"+strings.Repeat("x", 5000)+"</body></HTML>"), 502, "HTML page (5062 bytes): Bad & Gateway", "", 0, true},
		{"502 empty", answer(502, ""), 502, "empty body", "", 0, true},
		{"500 JSON that is not the answer object", answer(500, `{"error":"boom"}`), 500, "", `{"error":"boom"}`, 0, true},
		{"200 HTML", answer(200, htmlPage, "Content-Type", "text/html"), 200, "", "HTML page", 0, true},
		{"200 truncated JSON", answer(200, `{"status":"succ`), 200, "", `{"status":"succ`, 0, true},
		{"200 error object", answer(200, `{"status":"error","message":"not accepted"}`), 200, "not accepted", "", 0, true},
		{"200 unknown status", answer(200, `{"status":"pending"}`), 200, "", `pending`, 0, true},
		{"200 empty", answer(200, ""), 200, "empty body", "", 0, true},
		{"204 no content", answer(204, ""), 204, "empty body", "", 0, true},
		{"200 Retry-After on an unexpected body", answer(200, "<html>", "Retry-After", "5"), 200, "", "<html>", 5 * time.Second, true},
		{"oversize", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, `{"status":"success","pad":"`+strings.Repeat("x", maxBody)+`"}`)
		}, 200, "body larger than 1048576 bytes", "", 0, true},
		{"redirect not followed", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "https://elsewhere.example.com/segments/add", http.StatusTemporaryRedirect)
		}, 307, "", "elsewhere.example.com", 0, true},
	}
	for _, call := range allCalls() {
		for _, tt := range tests {
			t.Run(call.path+"/"+tt.name, func(t *testing.T) {
				client, mux, _ := setup(t)
				mux.HandleFunc(call.path, tt.handler)
				resp, err := call.do(context.Background(), client)
				if resp != nil {
					t.Errorf("Response = %+v, want nil", resp)
				}
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("error = %T %v; want *Error", err, err)
				}
				if e.StatusCode != tt.wantStatus {
					t.Errorf("StatusCode = %d, want %d", e.StatusCode, tt.wantStatus)
				}
				if tt.wantPart == "" && e.Message != tt.wantMessage {
					t.Errorf("Message =\n%q\nwant\n%q", e.Message, tt.wantMessage)
				}
				if !strings.Contains(e.Message, tt.wantPart) {
					t.Errorf("Message = %q, want it to hold %q", e.Message, tt.wantPart)
				}
				if len(e.Message) > maxSnippet {
					t.Errorf("Message is %d bytes, more than %d", len(e.Message), maxSnippet)
				}
				if e.RetryAfter != tt.wantRetryAfter {
					t.Errorf("RetryAfter = %v, want %v", e.RetryAfter, tt.wantRetryAfter)
				}
				if got := errors.Is(err, ErrUnexpectedBody); got != tt.wantUnexpected {
					t.Errorf("errors.Is(err, ErrUnexpectedBody) = %v, want %v", got, tt.wantUnexpected)
				}
				wantMethod := "POST"
				if call.path == "/segments/get" {
					wantMethod = "GET"
				}
				if e.Method != wantMethod {
					t.Errorf("Method = %q, want %q", e.Method, wantMethod)
				}
				if !strings.Contains(e.URL, call.path) || strings.Contains(e.URL, testSecret) {
					t.Errorf("URL = %q: want the redacted URL of %s", e.URL, call.path)
				}
				if strings.Contains(err.Error(), testSecret) {
					t.Errorf("error text holds the secret: %s", err)
				}
			})
		}
	}
}

// TestSuccessAnswers checks what counts as a success for the writing calls
// and for segments/get.
func TestSuccessAnswers(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		write  bool // a success for the four writing calls
		get    bool // a success for segments/get
	}{
		{"documented success", 200, `{"status":"success"}`, true, false},
		{"success with spaces and newline", 200, " {\"status\": \"success\"}\n", true, false},
		{"success with extra members", 200, `{"message":"","status":"success","took":3}`, true, false},
		{"success on 201", 201, `{"status":"success"}`, true, false},
		{"array", 200, `[{"id":1,"type":"static"}]`, false, true},
		{"empty array", 200, `[]`, false, true},
		{"array with a bad id", 200, `[{"id":true,"type":"static"}]`, false, false},
		{"array of strings", 200, `["a"]`, false, false},
		{"null", 200, `null`, false, false},
		{"success object on a 500", 500, `{"status":"success"}`, false, false},
	}
	for _, call := range allCalls() {
		for _, tt := range tests {
			t.Run(call.path+"/"+tt.name, func(t *testing.T) {
				client, mux, _ := setup(t)
				mux.HandleFunc(call.path, answer(tt.status, tt.body))
				resp, err := call.do(context.Background(), client)
				want := tt.write
				if call.path == "/segments/get" {
					want = tt.get
				}
				if want {
					if err != nil || resp == nil || resp.StatusCode != tt.status {
						t.Fatalf("= %+v, %v; want a success with status %d", resp, err, tt.status)
					}
					return
				}
				var e *Error
				if !errors.As(err, &e) || resp != nil {
					t.Fatalf("= %+v, %v; want an *Error", resp, err)
				}
				if e.StatusCode != tt.status {
					t.Errorf("StatusCode = %d, want %d", e.StatusCode, tt.status)
				}
			})
		}
	}
}

func TestError_Error(t *testing.T) {
	client, mux, srvURL := setup(t)
	mux.HandleFunc("/segments/add", answer(403, `{"status":"error","message":"invalid shop_id or shop_secret"}`))
	mux.HandleFunc("/segments/get", answer(502, "<html>Bad Gateway</html>", "Content-Type", "text/html"))
	ct := Contact{Email: "a@b.c"}

	_, err := client.Send(context.Background(), Call{Endpoint: SegmentsAdd, Contact: ct, SegmentID: "1"})
	want := "POST " + srvURL + "/segments/add: 403 Forbidden: invalid shop_id or shop_secret"
	if err == nil || err.Error() != want {
		t.Errorf("segments/add error =\n%v\nwant\n%s", err, want)
	}

	_, err = client.Send(context.Background(), Call{Endpoint: SegmentsGet, Contact: ct})
	want = "GET " + srvURL + "/segments/get?email=a%40b.c&shop_id=" + testShopID +
		"&shop_secret=REDACTED: 502 Bad Gateway: answer is not the documented JSON: text/html body (24 bytes): <html>Bad Gateway</html>"
	if err == nil || err.Error() != want {
		t.Errorf("segments/get error =\n%v\nwant\n%s", err, want)
	}
}

func TestError_format(t *testing.T) {
	tests := []struct {
		e    Error
		want string
	}{
		{Error{Method: "POST", URL: "u", StatusCode: 404, Message: "m"}, "POST u: 404 Not Found: m"},
		{Error{Method: "POST", URL: "u", StatusCode: 599}, "POST u: 599"},
		{Error{Method: "GET", URL: "u", StatusCode: 200, Message: "m", Err: ErrUnexpectedBody}, "GET u: 200 OK: answer is not the documented JSON: m"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.e.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
			if tt.e.Unwrap() != tt.e.Err {
				t.Error("Unwrap() is not Err")
			}
		})
	}
}

// TestConnectionReuse checks that answers, error answers and oversized ones
// included, are drained so that their connection serves the next call.
func TestConnectionReuse(t *testing.T) {
	mux := http.NewServeMux()
	srv := httptest.NewUnstartedServer(mux)
	var conns atomic.Int32
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	// One connection at most: a request waits for the one there is to be
	// handed back, so that an answer left undrained (its connection then
	// closed) is the only way to a second one, however busy the machine.
	hc := srv.Client()
	hc.Transport.(*http.Transport).MaxConnsPerHost = 1
	client, err := NewClient(srv.URL, testCreds, WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	mux.HandleFunc("/segments/add", success)
	mux.HandleFunc("/segments/remove", answer(403, `{"status":"error","message":"no"}`))
	mux.HandleFunc("/subscriptions/manage", answer(502, strings.Repeat("<p>bad gateway</p>\n", 500)))
	mux.HandleFunc("/subscriptions/callback", answer(200, strings.Repeat(" ", maxBody+10<<10)+`{"status":"success"}`))
	ctx := context.Background()
	ct := Contact{Email: "a@b.c"}
	for range 3 {
		client.Send(ctx, Call{Endpoint: SegmentsAdd, Contact: ct, SegmentID: "1"})
		client.Send(ctx, Call{Endpoint: SegmentsRemove, Contact: ct, SegmentID: "1"})
		client.Send(ctx, Call{Endpoint: SubscriptionsManage, Contact: ct, Subscriptions: Subscriptions{EmailBulk: &yes}})
		if _, err := client.Send(ctx, Call{Endpoint: SubscriptionsCallback, Contact: Contact{Email: "a@b.c"}, Event: EventComplained}); !errors.Is(err, ErrUnexpectedBody) {
			t.Errorf("oversized answer: err = %v, want ErrUnexpectedBody", err)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections opened, want 1", n)
	}
}

// TestSend_answerKinds checks that the answer each endpoint takes for a
// success is its own: the array of segments for segments/get alone.
func TestSend_answerKinds(t *testing.T) {
	t.Parallel()
	const array = `[{"id":5,"type":"rfm"}]`
	tests := []struct {
		endpoint Endpoint
		answer   string
		want     []Segment // nil: the answer is not a success
	}{
		{SegmentsGet, array, []Segment{{"5", "rfm"}}},
		{SegmentsGet, `{"status":"success"}`, nil},
		{SegmentsAdd, array, nil},
		{SubscriptionsCallback, array, nil},
	}
	for _, tt := range tests {
		t.Run(string(tt.endpoint)+" "+tt.answer, func(t *testing.T) {
			t.Parallel()
			client, mux, _ := setup(t)
			mux.HandleFunc(tt.endpoint.Path(), answer(200, tt.answer))
			resp, err := client.Send(context.Background(), Call{Endpoint: tt.endpoint, Contact: Contact{Email: "a@b.c"}, SegmentID: "1", Event: EventComplained})
			if tt.want == nil {
				if !errors.Is(err, ErrUnexpectedBody) {
					t.Errorf("Send = %+v, %v; want ErrUnexpectedBody", resp, err)
				}
				return
			}
			if err != nil || resp.StatusCode != 200 || !slices.Equal(resp.Segments, tt.want) {
				t.Errorf("Send = %+v, %v; want segments %v", resp, err, tt.want)
			}
		})
	}
}

func TestReadLimited(t *testing.T) {
	const limit = 10
	tests := []struct {
		name    string
		r       io.Reader
		buf     []byte
		want    string
		wantErr error
	}{
		{"short", strings.NewReader("abc"), nil, "abc", nil},
		{"exactly the limit", strings.NewReader("0123456789"), nil, "0123456789", nil},
		{"one over: limit+1 bytes", strings.NewReader("0123456789ab"), nil, "0123456789a", nil},
		{"one byte at a time", iotest.OneByteReader(strings.NewReader("0123456789abc")), make([]byte, 0, 2), "0123456789a", nil},
		{"data with EOF", iotest.DataErrReader(strings.NewReader("abc")), nil, "abc", nil},
		{"error midway", io.MultiReader(strings.NewReader("ab"), iotest.ErrReader(io.ErrUnexpectedEOF)), nil, "ab", io.ErrUnexpectedEOF},
		{"empty", strings.NewReader(""), make([]byte, 0, 8), "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readLimited(tt.r, tt.buf, limit)
			if string(got) != tt.want || err != tt.wantErr {
				t.Errorf("readLimited = %q, %v; want %q, %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}
