package api

import (
	"context"
	"net/http"
	"net/url"
)

// The paths of the five calls.
const (
	pathSegmentsAdd           = "/segments/add"
	pathSegmentsRemove        = "/segments/remove"
	pathSegmentsGet           = "/segments/get"
	pathSubscriptionsManage   = "/subscriptions/manage"
	pathSubscriptionsCallback = "/subscriptions/callback"
)

// AddToSegment adds the contact to segment id: POST /segments/add with a
// JSON body.
func (c *Client) AddToSegment(ctx context.Context, ct Contact, id SegmentID) (*Response, error) {
	return c.post(ctx, pathSegmentsAdd, SegmentBody{Contact: ct, SegmentID: id})
}

// RemoveFromSegment removes the contact from segment id: POST
// /segments/remove with a JSON body.
func (c *Client) RemoveFromSegment(ctx context.Context, ct Contact, id SegmentID) (*Response, error) {
	return c.post(ctx, pathSegmentsRemove, SegmentBody{Contact: ct, SegmentID: id})
}

// GetSegments returns every segment that holds the contact: GET
// /segments/get with all parameters in the query string.
func (c *Client) GetSegments(ctx context.Context, ct Contact) ([]Segment, *Response, error) {
	q := make(url.Values, 4)
	ct.addTo(q)
	req, err := c.NewRequest(ctx, http.MethodGet, pathSegmentsGet, q, nil)
	if err != nil {
		return nil, nil, err
	}
	var segs []Segment
	resp, err := c.Do(req, &segs)
	if err != nil {
		return nil, nil, err
	}
	return segs, resp, nil
}

// ManageSubscriptions sets the contact's subscription flags that s holds
// (the nil ones are left as they are): POST /subscriptions/manage with a
// form body.
func (c *Client) ManageSubscriptions(ctx context.Context, ct Contact, s Subscriptions) (*Response, error) {
	f := make(url.Values, 8)
	ct.addTo(f)
	s.addTo(f)
	return c.post(ctx, pathSubscriptionsManage, FormBody(f))
}

// SendEvent reports ev about email: POST /subscriptions/callback with a
// form body (email, event, shop_id, shop_secret). An empty email or event
// is left out, as Contact's fields are.
func (c *Client) SendEvent(ctx context.Context, email string, ev Event) (*Response, error) {
	f := make(url.Values, 4)
	Contact{Email: email}.addTo(f)
	if ev != "" {
		f.Set("event", string(ev))
	}
	return c.post(ctx, pathSubscriptionsCallback, FormBody(f))
}

// post builds and sends a POST of body to path, whose success answer is
// {"status":"success"}.
func (c *Client) post(ctx context.Context, path string, body RequestBody) (*Response, error) {
	req, err := c.NewRequest(ctx, http.MethodPost, path, nil, body)
	if err != nil {
		return nil, err
	}
	return c.Do(req, nil)
}
