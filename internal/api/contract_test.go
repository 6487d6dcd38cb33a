package api_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/pcsync/pcsync/internal/api"
	"github.com/pcsync/pcsync/internal/emulator"
)

// TestContractWithEmulator runs every call through the real client against
// the project's emulator, for success and for every documented error status.
func TestContractWithEmulator(t *testing.T) {
	opts := emulator.Sandbox()
	srv := httptest.NewServer(emulator.New(opts))
	defer srv.Close()
	client := func(secret string) *api.Client {
		c, err := api.NewClient(srv.URL, api.Credentials{ShopID: opts.ShopID, ShopSecret: api.Secret(secret)})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	good, wrong := client(opts.ShopSecret), client("wrong-secret")
	ctx := context.Background()
	ada := api.Contact{Email: "ada@example.com"}
	yes := true
	tests := []struct {
		name   string
		call   func(c *api.Client) error
		c      *api.Client
		status int // 0: success
	}{
		{"add", func(c *api.Client) error {
			_, err := c.Send(ctx, api.Call{Endpoint: api.SegmentsAdd, Contact: ada, SegmentID: "100500"})
			return err
		}, good, 0},
		{"add by phone", func(c *api.Client) error {
			_, err := c.Send(ctx, api.Call{Endpoint: api.SegmentsAdd, Contact: api.Contact{Phone: "+15550100199"}, SegmentID: "42"})
			return err
		}, good, 0},
		{"add wrong secret", func(c *api.Client) error {
			_, err := c.Send(ctx, api.Call{Endpoint: api.SegmentsAdd, Contact: ada, SegmentID: "100500"})
			return err
		}, wrong, 403},
		{"add to dynamic segment", func(c *api.Client) error {
			_, err := c.Send(ctx, api.Call{Endpoint: api.SegmentsAdd, Contact: ada, SegmentID: "7"})
			return err
		}, good, 403},
		{"add no contact", func(c *api.Client) error {
			_, err := c.Send(ctx, api.Call{Endpoint: api.SegmentsAdd, Contact: api.Contact{}, SegmentID: "100500"})
			return err
		}, good, 404},
		{"add no segment", func(c *api.Client) error {
			_, err := c.Send(ctx, api.Call{Endpoint: api.SegmentsAdd, Contact: ada, SegmentID: ""})
			return err
		}, good, 404},
		{"remove", func(c *api.Client) error {
			_, err := c.Send(ctx, api.Call{Endpoint: api.SegmentsRemove, Contact: ada, SegmentID: "100500"})
			return err
		}, good, 0},
		{"remove wrong secret", func(c *api.Client) error {
			_, err := c.Send(ctx, api.Call{Endpoint: api.SegmentsRemove, Contact: ada, SegmentID: "100500"})
			return err
		}, wrong, 403},
		{"remove no contact", func(c *api.Client) error {
			_, err := c.Send(ctx, api.Call{Endpoint: api.SegmentsRemove, Contact: api.Contact{}, SegmentID: "1"})
			return err
		}, good, 404},
		{"get", func(c *api.Client) error {
			_, err := c.Send(ctx, api.Call{Endpoint: api.SegmentsGet, Contact: ada})
			return err
		}, good, 0},
		{"get wrong secret", func(c *api.Client) error {
			_, err := c.Send(ctx, api.Call{Endpoint: api.SegmentsGet, Contact: ada})
			return err
		}, wrong, 403},
		{"get no contact", func(c *api.Client) error {
			_, err := c.Send(ctx, api.Call{Endpoint: api.SegmentsGet, Contact: api.Contact{}})
			return err
		}, good, 404},
		{"manage", func(c *api.Client) error {
			_, err := c.Send(ctx, api.Call{Endpoint: api.SubscriptionsManage, Contact: ada, Subscriptions: api.Subscriptions{EmailBulk: &yes}})
			return err
		}, good, 0},
		{"manage no flag", func(c *api.Client) error {
			_, err := c.Send(ctx, api.Call{Endpoint: api.SubscriptionsManage, Contact: ada, Subscriptions: api.Subscriptions{}})
			return err
		}, good, 400},
		{"manage wrong secret", func(c *api.Client) error {
			_, err := c.Send(ctx, api.Call{Endpoint: api.SubscriptionsManage, Contact: ada, Subscriptions: api.Subscriptions{SMSBulk: &yes}})
			return err
		}, wrong, 403},
		{"manage no contact", func(c *api.Client) error {
			_, err := c.Send(ctx, api.Call{Endpoint: api.SubscriptionsManage, Contact: api.Contact{}, Subscriptions: api.Subscriptions{SMSBulk: &yes}})
			return err
		}, good, 404},
		{"callback", func(c *api.Client) error {
			_, err := c.Send(ctx, api.Call{Endpoint: api.SubscriptionsCallback, Contact: api.Contact{Email: "x@example.com"}, Event: api.EventComplained})
			return err
		}, good, 0},
		{"callback bad event", func(c *api.Client) error {
			_, err := c.Send(ctx, api.Call{Endpoint: api.SubscriptionsCallback, Contact: api.Contact{Email: "x@example.com"}, Event: "exploded"})
			return err
		}, good, 400},
		{"callback no event", func(c *api.Client) error {
			_, err := c.Send(ctx, api.Call{Endpoint: api.SubscriptionsCallback, Contact: api.Contact{Email: "x@example.com"}, Event: ""})
			return err
		}, good, 400},
		{"callback no email", func(c *api.Client) error {
			_, err := c.Send(ctx, api.Call{Endpoint: api.SubscriptionsCallback, Contact: api.Contact{Email: ""}, Event: api.EventBlacklisted})
			return err
		}, good, 404},
		{"callback wrong secret", func(c *api.Client) error {
			_, err := c.Send(ctx, api.Call{Endpoint: api.SubscriptionsCallback, Contact: api.Contact{Email: "x@example.com"}, Event: api.EventUnsubscribed})
			return err
		}, wrong, 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call(tt.c)
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
