package api

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

// TestBuildersSendNothing checks that the request builders (which the calls
// send, and a dry run describes) only build: the server sees no request,
// and Describe shows each one without the secret.
func TestBuildersSendNothing(t *testing.T) {
	client, mux, url := setup(t)
	var seen atomic.Int64
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { seen.Add(1) })
	ctx := context.Background()
	ct := Contact{Email: "a@b.co", Phone: "+15550100001"}
	build := []struct {
		name string
		req  func() (*http.Request, error)
		want string
	}{
		{"add", func() (*http.Request, error) { return client.AddToSegmentRequest(ctx, ct, "100500") },
			"POST " + url + "/segments/add\nContent-Type: application/json\n\n" +
				`{"shop_id":"` + testShopID + `","shop_secret":"REDACTED","email":"a@b.co","phone":"+15550100001","segment_id":100500}`},
		{"remove", func() (*http.Request, error) { return client.RemoveFromSegmentRequest(ctx, ct, "42") },
			"POST " + url + "/segments/remove\nContent-Type: application/json\n\n" +
				`{"shop_id":"` + testShopID + `","shop_secret":"REDACTED","email":"a@b.co","phone":"+15550100001","segment_id":42}`},
		{"get", func() (*http.Request, error) { return client.GetSegmentsRequest(ctx, ct) },
			"GET " + url + "/segments/get?email=a%40b.co&phone=%2B15550100001&shop_id=" + testShopID + "&shop_secret=REDACTED"},
		{"manage", func() (*http.Request, error) {
			return client.ManageSubscriptionsRequest(ctx, ct, Subscriptions{EmailBulk: &yes, SMSChain: &no})
		}, "POST " + url + "/subscriptions/manage\nContent-Type: application/x-www-form-urlencoded\n\n" +
			"email=a%40b.co&email_bulk=true&phone=%2B15550100001&shop_id=" + testShopID + "&shop_secret=REDACTED&sms_chain=false"},
		{"callback", func() (*http.Request, error) { return client.SendEventRequest(ctx, "a@b.co", EventHardBounced) },
			"POST " + url + "/subscriptions/callback\nContent-Type: application/x-www-form-urlencoded\n\n" +
				"email=a%40b.co&event=hard_bounced&shop_id=" + testShopID + "&shop_secret=REDACTED"},
	}
	for _, b := range build {
		t.Run(b.name, func(t *testing.T) {
			req, err := b.req()
			if err != nil {
				t.Fatal(err)
			}
			got := Describe(req)
			if got != b.want {
				t.Errorf("Describe =\n%s\nwant\n%s", got, b.want)
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
