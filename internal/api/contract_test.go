package api_test

import (
	"context"
	"errors"
	"testing"

	"github.com/pcsync/pcsync/internal/api"
	"github.com/pcsync/pcsync/internal/emulator"
	"github.com/pcsync/pcsync/internal/sandboxtest"
)

// TestContractWithEmulator runs every call through the real client against
// the project's emulator, for success and for every documented error status.
// The steps run in order: the emulator's state carries from one to the next.
func TestContractWithEmulator(t *testing.T) {
	shop := sandboxtest.New(t, emulator.Faults{})
	good := shop.Client
	wrong, err := api.NewClient(shop.URL, api.Credentials{ShopID: shop.Options.ShopID, ShopSecret: "wrong-secret"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ada := api.Contact{Email: "ada@example.com"}
	x := api.Contact{Email: "x@example.com"}
	yes := true
	type call = api.Call
	tests := []struct {
		name   string
		call   api.Call
		c      *api.Client
		status int // 0: success
	}{
		{"add", call{Endpoint: api.SegmentsAdd, Contact: ada, SegmentID: "100500"}, good, 0},
		{"add by phone", call{Endpoint: api.SegmentsAdd, Contact: api.Contact{Phone: "+15550100199"}, SegmentID: "42"}, good, 0},
		{"add wrong secret", call{Endpoint: api.SegmentsAdd, Contact: ada, SegmentID: "100500"}, wrong, 403},
		{"add to dynamic segment", call{Endpoint: api.SegmentsAdd, Contact: ada, SegmentID: "7"}, good, 403},
		{"add no contact", call{Endpoint: api.SegmentsAdd, SegmentID: "100500"}, good, 404},
		{"add no segment", call{Endpoint: api.SegmentsAdd, Contact: ada}, good, 404},
		{"remove", call{Endpoint: api.SegmentsRemove, Contact: ada, SegmentID: "100500"}, good, 0},
		{"remove wrong secret", call{Endpoint: api.SegmentsRemove, Contact: ada, SegmentID: "100500"}, wrong, 403},
		{"remove no contact", call{Endpoint: api.SegmentsRemove, SegmentID: "1"}, good, 404},
		{"get", call{Endpoint: api.SegmentsGet, Contact: ada}, good, 0},
		{"get wrong secret", call{Endpoint: api.SegmentsGet, Contact: ada}, wrong, 403},
		{"get no contact", call{Endpoint: api.SegmentsGet}, good, 404},
		{"manage", call{Endpoint: api.SubscriptionsManage, Contact: ada, Subscriptions: api.Subscriptions{EmailBulk: &yes}}, good, 0},
		{"manage no flag", call{Endpoint: api.SubscriptionsManage, Contact: ada}, good, 400},
		{"manage wrong secret", call{Endpoint: api.SubscriptionsManage, Contact: ada, Subscriptions: api.Subscriptions{SMSBulk: &yes}}, wrong, 403},
		{"manage no contact", call{Endpoint: api.SubscriptionsManage, Subscriptions: api.Subscriptions{SMSBulk: &yes}}, good, 404},
		{"callback", call{Endpoint: api.SubscriptionsCallback, Contact: x, Event: api.EventComplained}, good, 0},
		{"callback bad event", call{Endpoint: api.SubscriptionsCallback, Contact: x, Event: "exploded"}, good, 400},
		{"callback no event", call{Endpoint: api.SubscriptionsCallback, Contact: x}, good, 400},
		{"callback no email", call{Endpoint: api.SubscriptionsCallback, Event: api.EventBlacklisted}, good, 404},
		{"callback phone only", call{Endpoint: api.SubscriptionsCallback, Contact: api.Contact{Phone: "+15550100199"}, Event: api.EventBlacklisted}, good, 404},
		{"callback wrong secret", call{Endpoint: api.SubscriptionsCallback, Contact: x, Event: api.EventUnsubscribed}, wrong, 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.c.Send(ctx, tt.call)
			if tt.status == 0 {
				if err != nil {
					t.Fatalf("error: %v", err)
				}
				return
			}
			var ae *api.Error
			if !errors.As(err, &ae) || ae.StatusCode != tt.status || ae.Message == "" || ae.Err != nil {
				t.Fatalf("error = %#v, want a %d with the server's message", err, tt.status)
			}
		})
	}
	resp, err := good.Send(ctx, api.Call{Endpoint: api.SegmentsGet, Contact: ada})
	if err != nil || len(resp.Segments) != 0 {
		t.Errorf("after add and remove, segments/get = %+v, %v", resp, err)
	}
}
