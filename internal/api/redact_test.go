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
		{"https://user:pass@h/p?shop_secret=s3cr3t", "https://REDACTED@h/p?shop_secret=REDACTED"},
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

func TestRedactUserinfo(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"no url here", "no url here"},
		{"see http://user:pw@h.invalid/x and https://k@h.invalid", "see http://REDACTED@h.invalid/x and https://REDACTED@h.invalid"},
		{"mail a@b.c at http://h.invalid/", "mail a@b.c at http://h.invalid/"},
		{`"HTTP://u:p+q=@h.invalid:80"`, `"HTTP://REDACTED@h.invalid:80"`},
	}
	for _, tt := range tests {
		if got := RedactUserinfo(tt.in); got != tt.want {
			t.Errorf("RedactUserinfo(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSecretFormsLongestFirst(t *testing.T) {
	t.Parallel()
	forms := SecretForms(`a+b/c=d&e<f>g"h'ié`)
	for _, want := range []string{`a+b/c=d&e<f>g"h'ié`, "a%2Bb%2Fc%3Dd%26e%3Cf%3Eg%22h%27i%C3%A9", "a%2bb%2fc%3dd%26e%3cf%3eg%22h%27i%c3%a9",
		`a+b/c=d\u0026e\u003cf\u003eg\"h'ié`, `a+b\/c=d&e<f>g\"h'i\u00e9`, "a+b/c=d&amp;e&lt;f&gt;g&#34;h&#39;ié", "a+b/c=d&amp;e&lt;f&gt;g&quot;h&#x27;ié"} {
		if !slices.Contains(forms, want) {
			t.Errorf("no form %q among %q", want, forms)
		}
	}
	for i := 1; i < len(forms); i++ {
		if len(forms[i]) > len(forms[i-1]) {
			t.Fatalf("not longest first: %q", forms)
		}
	}
	if SecretForms("") != nil {
		t.Error(`forms of ""`)
	}
}
