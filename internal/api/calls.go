package api

import (
	"context"
	"net/http"
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
	return c.send(c.addToSegmentRequest(ctx, ct, id, true))
}

// RemoveFromSegment removes the contact from segment id: POST
// /segments/remove with a JSON body.
func (c *Client) RemoveFromSegment(ctx context.Context, ct Contact, id SegmentID) (*Response, error) {
	return c.send(c.removeFromSegmentRequest(ctx, ct, id, true))
}

// GetSegments returns every segment that holds the contact: GET
// /segments/get with all parameters in the query string.
func (c *Client) GetSegments(ctx context.Context, ct Contact) ([]Segment, *Response, error) {
	req, err := c.getSegmentsRequest(ctx, ct, true)
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
	return c.send(c.manageSubscriptionsRequest(ctx, ct, s, true))
}

// SendEvent reports ev about email: POST /subscriptions/callback with a
// form body (email, event, shop_id, shop_secret). An empty email or event
// is left out, as Contact's fields are.
func (c *Client) SendEvent(ctx context.Context, email string, ev Event) (*Response, error) {
	return c.send(c.sendEventRequest(ctx, email, ev, true))
}

// send sends a request built by one of the builders, unless building it
// failed, for a call whose success answer is {"status":"success"}.
func (c *Client) send(req *http.Request, err error) (*Response, error) {
	if err != nil {
		return nil, err
	}
	return c.Do(req, nil)
}
