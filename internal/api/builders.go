package api

import (
	"context"
	"net/http"
	"net/url"
)

// The builders below make, without sending anything, the request each call
// sends: the calls in calls.go send exactly these, so that a dry run can
// show (through Describe) what a run would send. A builder's request is the
// caller's to change; the calls build theirs with shared set, sharing the
// header and URL that never change (see newRequest).

// AddToSegmentRequest builds AddToSegment's request: POST /segments/add
// with a JSON body.
func (c *Client) AddToSegmentRequest(ctx context.Context, ct Contact, id SegmentID) (*http.Request, error) {
	return c.addToSegmentRequest(ctx, ct, id, false)
}

func (c *Client) addToSegmentRequest(ctx context.Context, ct Contact, id SegmentID, shared bool) (*http.Request, error) {
	return c.newRequest(ctx, http.MethodPost, pathSegmentsAdd, nil, SegmentBody{Contact: ct, SegmentID: id}, shared)
}

// RemoveFromSegmentRequest builds RemoveFromSegment's request: POST
// /segments/remove with a JSON body.
func (c *Client) RemoveFromSegmentRequest(ctx context.Context, ct Contact, id SegmentID) (*http.Request, error) {
	return c.removeFromSegmentRequest(ctx, ct, id, false)
}

func (c *Client) removeFromSegmentRequest(ctx context.Context, ct Contact, id SegmentID, shared bool) (*http.Request, error) {
	return c.newRequest(ctx, http.MethodPost, pathSegmentsRemove, nil, SegmentBody{Contact: ct, SegmentID: id}, shared)
}

// GetSegmentsRequest builds GetSegments' request: GET /segments/get with
// every parameter, the secret included, in the query string.
func (c *Client) GetSegmentsRequest(ctx context.Context, ct Contact) (*http.Request, error) {
	return c.getSegmentsRequest(ctx, ct, false)
}

func (c *Client) getSegmentsRequest(ctx context.Context, ct Contact, shared bool) (*http.Request, error) {
	q := make(url.Values, 4)
	ct.addTo(q)
	return c.newRequest(ctx, http.MethodGet, pathSegmentsGet, q, nil, shared)
}

// ManageSubscriptionsRequest builds ManageSubscriptions' request: POST
// /subscriptions/manage with a form body of the contact and the non-nil
// flags.
func (c *Client) ManageSubscriptionsRequest(ctx context.Context, ct Contact, s Subscriptions) (*http.Request, error) {
	return c.manageSubscriptionsRequest(ctx, ct, s, false)
}

func (c *Client) manageSubscriptionsRequest(ctx context.Context, ct Contact, s Subscriptions, shared bool) (*http.Request, error) {
	f := make(url.Values, 8)
	ct.addTo(f)
	s.addTo(f)
	return c.newRequest(ctx, http.MethodPost, pathSubscriptionsManage, nil, FormBody(f), shared)
}

// SendEventRequest builds SendEvent's request: POST /subscriptions/callback
// with a form body (email, event, shop_id, shop_secret). An empty email or
// event is left out.
func (c *Client) SendEventRequest(ctx context.Context, email string, ev Event) (*http.Request, error) {
	return c.sendEventRequest(ctx, email, ev, false)
}

func (c *Client) sendEventRequest(ctx context.Context, email string, ev Event, shared bool) (*http.Request, error) {
	f := make(url.Values, 4)
	Contact{Email: email}.addTo(f)
	if ev != "" {
		f.Set("event", string(ev))
	}
	return c.newRequest(ctx, http.MethodPost, pathSubscriptionsCallback, nil, FormBody(f), shared)
}
