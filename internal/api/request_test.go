package api

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

// TestNewCallRequest checks that the one builder (which Send sends through,
// and a dry run describes) only builds: the server sees no request, and
// Describe shows each one without the secret. An endpoint reads only the
// parameters it takes.
func TestNewCallRequest(t *testing.T) {
	client, mux, url := setup(t)
	var seen atomic.Int64
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { seen.Add(1) })
	ct := Contact{Email: "a@b.co", Phone: "+15550100001"}
	subs := Subscriptions{EmailBulk: &yes, SMSChain: &no}
	tests := []struct {
		name string
		call Call
		want string
	}{
		{"add", Call{Endpoint: SegmentsAdd, Contact: ct, SegmentID: "100500"},
			"POST " + url + "/segments/add\nContent-Type: application/json\n\n" +
				`{"shop_id":"` + testShopID + `","shop_secret":"REDACTED","email":"a@b.co","phone":"+15550100001","segment_id":100500}`},
		{"add, other parameters ignored", Call{Endpoint: SegmentsAdd, Contact: ct, SegmentID: "7", Subscriptions: subs, Event: EventComplained},
			"POST " + url + "/segments/add\nContent-Type: application/json\n\n" +
				`{"shop_id":"` + testShopID + `","shop_secret":"REDACTED","email":"a@b.co","phone":"+15550100001","segment_id":7}`},
		{"remove", Call{Endpoint: SegmentsRemove, Contact: ct, SegmentID: "42"},
			"POST " + url + "/segments/remove\nContent-Type: application/json\n\n" +
				`{"shop_id":"` + testShopID + `","shop_secret":"REDACTED","email":"a@b.co","phone":"+15550100001","segment_id":42}`},
		{"get", Call{Endpoint: SegmentsGet, Contact: ct, SegmentID: "42"},
			"GET " + url + "/segments/get?email=a%40b.co&phone=%2B15550100001&shop_id=" + testShopID + "&shop_secret=REDACTED"},
		{"manage", Call{Endpoint: SubscriptionsManage, Contact: ct, Subscriptions: subs, Event: EventComplained},
			"POST " + url + "/subscriptions/manage\nContent-Type: application/x-www-form-urlencoded\n\n" +
				"email=a%40b.co&email_bulk=true&phone=%2B15550100001&shop_id=" + testShopID + "&shop_secret=REDACTED&sms_chain=false"},
		{"callback: email and event only", Call{Endpoint: SubscriptionsCallback, Contact: ct, SegmentID: "1", Subscriptions: subs, Event: EventHardBounced},
			"POST " + url + "/subscriptions/callback\nContent-Type: application/x-www-form-urlencoded\n\n" +
				"email=a%40b.co&event=hard_bounced&shop_id=" + testShopID + "&shop_secret=REDACTED"},
		{"callback, no event", Call{Endpoint: SubscriptionsCallback, Contact: ct},
			"POST " + url + "/subscriptions/callback\nContent-Type: application/x-www-form-urlencoded\n\n" +
				"email=a%40b.co&shop_id=" + testShopID + "&shop_secret=REDACTED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := client.NewCallRequest(context.Background(), tt.call)
			if err != nil {
				t.Fatal(err)
			}
			got := Describe(req)
			if got != tt.want {
				t.Errorf("Describe =\n%s\nwant\n%s", got, tt.want)
			}
			if strings.Contains(got, testSecret) {
				t.Errorf("the secret shows:\n%s", got)
			}
		})
	}
	if n := seen.Load(); n != 0 {
		t.Errorf("building sent %d requests", n)
	}
}

// TestNewCallRequest_everyEndpoint checks that every endpoint has its entry
// in the table, and that its request goes to its path.
func TestNewCallRequest_everyEndpoint(t *testing.T) {
	t.Parallel()
	client, err := NewClient(DefaultBaseURL+"/v1/", testCreds)
	if err != nil {
		t.Fatal(err)
	}
	if len(specs) != len(Endpoints) {
		t.Errorf("%d specs for %d endpoints", len(specs), len(Endpoints))
	}
	for _, e := range Endpoints {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			req, err := client.NewCallRequest(context.Background(), Call{Endpoint: e, Contact: Contact{Email: "a@b.c"}})
			if err != nil {
				t.Fatal(err)
			}
			if want := "/v1/" + string(e); req.URL.Path != want || req.Method != specs[e].method {
				t.Errorf("request = %s %s, want %s %s", req.Method, req.URL.Path, specs[e].method, want)
			}
			if req.Host != "api.personaclick.com" {
				t.Errorf("Host = %q", req.Host)
			}
		})
	}
}
