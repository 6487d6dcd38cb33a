package api

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

func TestRedactURL(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"https://api.personaclick.com/segments/add", "https://api.personaclick.com/segments/add"},
		{"https://h/segments/get?shop_secret=s3cr3t", "https://h/segments/get?shop_secret=REDACTED"},
		{
			"https://h/segments/get?email=a%40b.c&shop_id=42&shop_secret=s3cr3t&phone=1",
			"https://h/segments/get?email=a%40b.c&shop_id=42&shop_secret=REDACTED&phone=1",
		},
		{"https://h/p?shop_secret=a&shop_secret=b", "https://h/p?shop_secret=REDACTED&shop_secret=REDACTED"},
		{"https://h/p?shop%5Fsecret=s3cr3t", "https://h/p?shop%5Fsecret=REDACTED"},
		{"https://h/p?SHOP_SECRET=s3cr3t", "https://h/p?SHOP_SECRET=REDACTED"},
		{"https://h/p?shop_secret=", "https://h/p?shop_secret=REDACTED"},
		{"https://h/p?shop_secret", "https://h/p?shop_secret"},
		{"https://h/p?x=%zz&shop_secret=s3cr3t", "https://h/p?x=%zz&shop_secret=REDACTED"},
		{"https://h/p?%zz=1&shop_secret=s3cr3t", "https://h/p?REDACTED"},
		{"https://user:pass@h/p?shop_secret=s3cr3t", "https://user:xxxxx@h/p?shop_secret=REDACTED"},
		{"https://h/p?shop_id=1#frag", "https://h/p?shop_id=1#frag"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			u, err := url.Parse(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := RedactURL(u); got != tt.want {
				t.Errorf("RedactURL = %q, want %q", got, tt.want)
			}
			if u.String() != tt.in {
				t.Errorf("u changed to %q", u)
			}
		})
	}
	if got := RedactURL(nil); got != "" {
		t.Errorf("RedactURL(nil) = %q, want empty", got)
	}
}

func TestDescribe(t *testing.T) {
	client, err := NewClient(DefaultBaseURL, testCreds)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ct := Contact{Email: "john.doe@examplemail.com", Phone: "4400114527199"}
	tests := []struct {
		name string
		call Call
		want string
	}{
		{
			"segments/add", Call{Endpoint: SegmentsAdd, Contact: ct, SegmentID: "100500"},
			"POST https://api.personaclick.com/segments/add\nContent-Type: application/json\n\n" +
				`{"shop_id":"` + testShopID + `","shop_secret":"REDACTED","email":"john.doe@examplemail.com","phone":"4400114527199","segment_id":100500}`,
		},
		{
			"segments/get", Call{Endpoint: SegmentsGet, Contact: Contact{Email: ct.Email}},
			"GET https://api.personaclick.com/segments/get?email=john.doe%40examplemail.com&shop_id=" + testShopID + "&shop_secret=REDACTED",
		},
		{
			"subscriptions/callback", Call{Endpoint: SubscriptionsCallback, Contact: ct, Event: EventComplained},
			"POST https://api.personaclick.com/subscriptions/callback\nContent-Type: application/x-www-form-urlencoded\n\n" +
				"email=john.doe%40examplemail.com&event=complained&shop_id=" + testShopID + "&shop_secret=REDACTED",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := client.NewCallRequest(ctx, tt.call)
			if err != nil {
				t.Fatal(err)
			}
			var before []byte
			if req.Body != nil {
				before, _ = io.ReadAll(req.Body)
				req.Body = io.NopCloser(bytes.NewReader(before))
			}
			got := Describe(req)
			if got != tt.want {
				t.Errorf("Describe =\n%s\nwant\n%s", got, tt.want)
			}
			if strings.Contains(got, testSecret) {
				t.Error("Describe shows the secret")
			}
			if req.Body != nil { // still there to be sent
				after, _ := io.ReadAll(req.Body)
				if !bytes.Equal(after, before) || !bytes.Contains(after, []byte(testSecret)) {
					t.Errorf("body after Describe = %q, want %q", after, before)
				}
			}
		})
	}
}

func TestDescribe_bodiesNotShown(t *testing.T) {
	newReq := func(ct, body string) *http.Request {
		req, err := http.NewRequest("POST", "https://h/p", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		return req
	}
	noGetBody := newReq("application/json", `{"shop_secret":"`+testSecret+`"}`)
	noGetBody.GetBody = nil
	tests := []struct {
		name string
		req  *http.Request
		want string // a part of the rendering
	}{
		{"no GetBody", noGetBody, "[body not shown: it cannot be read twice]"},
		{"text/plain", newReq("text/plain", "shop_secret "+testSecret), "not a JSON object or form values"},
		{"no Content-Type", newReq("", "shop_secret="+testSecret), "not a JSON object or form values"},
		{"JSON array", newReq("application/json", `["`+testSecret+`"]`), "not a JSON object"},
		{"invalid JSON", newReq("application/json", `{"shop_secret":"`+testSecret+`"`), "not a JSON object"},
		{"JSON followed by more", newReq("application/json", `{} {"shop_secret":"`+testSecret+`"}`), "not a JSON object"},
		{"bad form key", newReq("application/x-www-form-urlencoded", "%zz=1&shop_secret="+testSecret), "not a JSON object or form values"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Describe(tt.req)
			if !strings.Contains(got, tt.want) {
				t.Errorf("Describe =\n%s\nwant it to hold %q", got, tt.want)
			}
			if strings.Contains(got, testSecret) {
				t.Errorf("Describe shows the secret:\n%s", got)
			}
		})
	}
}

func TestRedactJSON(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{`{"shop_secret":"s"}`, `{"shop_secret":"REDACTED"}`},
		{`{ "a" : 1 , "shop_secret" : "s" , "b" : [1,{"shop_secret":2}] }`, `{ "a" : 1 , "shop_secret":"REDACTED" , "b" : [1,{"shop_secret":2}] }`},
		{`{"shop_secret":{"nested":"s"},"x":"y"}`, `{"shop_secret":"REDACTED","x":"y"}`},
		{`{"shop\u005fsecret":"s"}`, `{"shop\u005fsecret":"REDACTED"}`},
		{`{"shop_secret":"a","shop_secret":"b"}`, `{"shop_secret":"REDACTED","shop_secret":"REDACTED"}`},
		{"{}\n", "{}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := redactJSON([]byte(tt.in))
			if !ok || string(got) != tt.want {
				t.Errorf("redactJSON = %s, %v; want %s", got, ok, tt.want)
			}
		})
	}
}

// TestAuthVariants pins the forms of the secret scrubbing looks for: raw,
// query-escaped and JSON-escaped as encoding/json writes it (HTML
// characters, U+2028 and invalid UTF-8 escaped), without duplicates.
func TestAuthVariants(t *testing.T) {
	t.Parallel()
	tests := []struct {
		secret string
		want   []string
	}{
		{testSecret, []string{testSecret}},
		{"a b", []string{"a b", "a+b"}},
		{`<&>"\`, []string{`<&>"\`, "%3C%26%3E%22%5C", `\u003c\u0026\u003e\"\\`}},
		{"s\u2028\xff\t", []string{"s\u2028\xff\t", "s%E2%80%A8%FF%09", `s\u2028\ufffd\t`}},
	}
	for _, tt := range tests {
		t.Run(tt.secret, func(t *testing.T) {
			t.Parallel()
			a := newAuth(Credentials{ShopID: "1", ShopSecret: Secret(tt.secret)})
			if !slices.Equal(a.variants, tt.want) {
				t.Errorf("variants = %q, want %q", a.variants, tt.want)
			}
			if got := a.scrub("x" + tt.want[len(tt.want)-1] + "y"); got != "x"+redactedValue+"y" {
				t.Errorf("scrub = %q", got)
			}
		})
	}
}
