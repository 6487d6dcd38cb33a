package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// The media types of the two kinds of request body.
const (
	contentTypeJSON = "application/json"
	contentTypeForm = "application/x-www-form-urlencoded"
)

// The Content-Type values of the two kinds of body, shared by every
// request: their length is their capacity, so that a RoundTripper's
// Header.Add makes a new array instead of writing into these.
var (
	contentTypeJSONValue = []string{contentTypeJSON}
	contentTypeFormValue = []string{contentTypeForm}
)

// endpoint is a client's own view of an endpoint: its spec and the parts of
// its requests that never change.
type endpoint struct {
	endpointSpec
	url         url.URL  // the base URL with the path appended; no query
	contentType []string // the Content-Type header's value; nil without a body
}

// newEndpoints returns the client's endpoints, one per spec.
func (c *Client) newEndpoints() map[Endpoint]*endpoint {
	m := make(map[Endpoint]*endpoint, len(specs))
	for e, s := range specs {
		ep := &endpoint{endpointSpec: s, url: c.baseURL}
		ep.url.Path += e.Path()
		switch s.in {
		case inJSON:
			ep.contentType = contentTypeJSONValue
		case inForm:
			ep.contentType = contentTypeFormValue
		}
		m[e] = ep
	}
	return m
}

// NewCallRequest builds, without sending it, the request call makes: its
// endpoint's method and path relative to the client's base URL, the
// parameters and the credentials in the JSON or form body, or in the query
// string of a call without a body. It is the request Send sends, and the
// one a dry run shows through Describe. The request sets User-Agent and the
// body's Content-Type, and no other header (the API answers JSON without
// being asked: an Accept header would be bytes to send and parse on every
// request for nothing); its body can be read again through GetBody.
//
// The request has a header map and a URL of its own, which the caller (or a
// RoundTripper) may change; the header's values are shared with other
// requests, and a slice among them must not be written into (Header.Set and
// Header.Add do not).
func (c *Client) NewCallRequest(ctx context.Context, call Call) (*http.Request, error) {
	req, _, err := c.newCallRequest(ctx, &call)
	return req, err
}

// newCallRequest is NewCallRequest, which also returns the endpoint.
func (c *Client) newCallRequest(ctx context.Context, call *Call) (*http.Request, *endpoint, error) {
	ep := c.endpoints[call.Endpoint]
	if ep == nil {
		return nil, nil, fmt.Errorf("api: no such endpoint %q", call.Endpoint)
	}
	var (
		body     io.Reader
		rawQuery string
	)
	switch ep.in {
	case inJSON:
		b, err := ep.json(call, c.auth)
		if err != nil {
			return nil, nil, fmt.Errorf("api: encoding %s body: %w", call.Endpoint, c.auth.scrubError(err))
		}
		body = bytes.NewReader(b)
	case inForm:
		body = strings.NewReader(c.encodeParams(call, ep))
	case inQuery:
		rawQuery = c.encodeParams(call, ep)
	}
	req, err := http.NewRequestWithContext(ctx, ep.method, "", body)
	if err != nil {
		return nil, nil, fmt.Errorf("api: building request: %w", err)
	}
	// The URL http.NewRequest parsed from "" is the request's own: it gets
	// a copy of the endpoint's.
	*req.URL = ep.url
	req.URL.RawQuery = rawQuery
	req.Host = req.URL.Host
	req.Header["User-Agent"] = c.userAgentValue
	if ep.contentType != nil {
		req.Header["Content-Type"] = ep.contentType
	}
	return req, ep, nil
}

// encodeParams returns the form-encoded parameters of call, shop_id and
// shop_secret included, sorted by name.
func (c *Client) encodeParams(call *Call, ep *endpoint) string {
	v := make(url.Values, 10)
	ep.params(call, v)
	v.Set("shop_id", c.auth.shopID)
	v.Set(secretKey, c.auth.secret)
	return v.Encode()
}

// segmentObject is the JSON object of /segments/add and /segments/remove:
//
//	{"shop_id":"...","shop_secret":"...","email":"...","phone":"...","segment_id":100500}
//
// An empty email, phone or segment ID is left out. ID is json.Number for an
// ID sent as a number (see SegmentID), string otherwise: encoding/json
// writes either without calling SegmentID.MarshalJSON and checking what it
// returns, which would cost a third of the encoding.
type segmentObject[ID json.Number | string] struct {
	ShopID     string `json:"shop_id"`
	ShopSecret string `json:"shop_secret"`
	Email      string `json:"email,omitempty"`
	Phone      string `json:"phone,omitempty"`
	SegmentID  ID     `json:"segment_id,omitempty"`
}

// segmentJSON encodes the segmentObject of c.
func segmentJSON(c *Call, a *auth) ([]byte, error) {
	if c.SegmentID.isNumber() {
		return json.Marshal(&segmentObject[json.Number]{a.shopID, a.secret, c.Contact.Email, c.Contact.Phone, json.Number(c.SegmentID)})
	}
	return json.Marshal(&segmentObject[string]{a.shopID, a.secret, c.Contact.Email, c.Contact.Phone, string(c.SegmentID)})
}
