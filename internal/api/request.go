package api

import (
	"bytes"
	"context"
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

// RequestBody is a request body that NewRequest completes with the
// credentials and encodes: SegmentBody (a JSON object) or FormBody (form
// values). A nil RequestBody is no body; the credentials then go in the
// query string.
type RequestBody interface {
	// ContentType returns the media type of the encoded body.
	ContentType() string
	// Encode returns the body, shop_id and shop_secret included.
	Encode(creds Credentials) []byte
}

// SegmentBody is the JSON object of /segments/add and /segments/remove:
//
//	{"shop_id":"...","shop_secret":"...","email":"...","phone":"...","segment_id":100500}
//
// An empty email, phone or segment ID is left out.
type SegmentBody struct {
	Contact   Contact
	SegmentID SegmentID
}

// ContentType returns "application/json".
func (SegmentBody) ContentType() string { return contentTypeJSON }

// Encode returns the JSON object, written by hand: no reflection and a
// single allocation in the common case.
func (b SegmentBody) Encode(creds Credentials) []byte {
	const fixed = len(`{"shop_id":"","shop_secret":"","email":"","phone":"","segment_id":""}`)
	dst := make([]byte, 0, fixed+len(creds.ShopID)+len(creds.ShopSecret)+
		len(b.Contact.Email)+len(b.Contact.Phone)+len(b.SegmentID)+8)
	dst = append(dst, `{"shop_id":`...)
	dst = appendJSONString(dst, creds.ShopID)
	dst = append(dst, `,"shop_secret":`...)
	dst = appendJSONString(dst, string(creds.ShopSecret))
	if b.Contact.Email != "" {
		dst = append(dst, `,"email":`...)
		dst = appendJSONString(dst, b.Contact.Email)
	}
	if b.Contact.Phone != "" {
		dst = append(dst, `,"phone":`...)
		dst = appendJSONString(dst, b.Contact.Phone)
	}
	if b.SegmentID != "" {
		dst = append(dst, `,"segment_id":`...)
		dst = b.SegmentID.appendJSON(dst)
	}
	return append(dst, '}')
}

// FormBody is a form-encoded body, as /subscriptions/manage and
// /subscriptions/callback take. Encode adds shop_id and shop_secret
// (replacing any the values hold) and sorts the parameters by name.
type FormBody url.Values

// ContentType returns "application/x-www-form-urlencoded".
func (FormBody) ContentType() string { return contentTypeForm }

// Encode returns the form, credentials included, without changing f.
func (f FormBody) Encode(creds Credentials) []byte {
	return []byte(withCredentials(url.Values(f), creds).Encode())
}

// withCredentials returns a copy of v with shop_id and shop_secret set.
func withCredentials(v url.Values, creds Credentials) url.Values {
	out := make(url.Values, len(v)+2)
	for k, vs := range v {
		out[k] = vs
	}
	out.Set("shop_id", creds.ShopID)
	out.Set(secretKey, string(creds.ShopSecret))
	return out
}

// NewRequest builds a request of method to path (which starts with "/" and
// is taken as is, unescaped), relative to the client's base URL, with the
// credentials added: to body when there is one, else to the query string
// (any shop_id or shop_secret already there is replaced). It sets
// User-Agent and the body's Content-Type, and no other header (the API
// answers JSON without being asked: an Accept header would be bytes to
// send and parse on every request for nothing); the
// body can be read again through GetBody.
// NewRequest sends nothing: see Do, and Describe for a dry run.
func (c *Client) NewRequest(ctx context.Context, method, path string, query url.Values, body RequestBody) (*http.Request, error) {
	return c.newRequest(ctx, method, path, query, body, false)
}

// newRequest is NewRequest. A request the client sends at once (shared)
// gets the header and URL every such request shares (see fixedParts)
// instead of copies of its own: net/http reads a request's header and URL
// and never changes them, while a caller of NewRequest may.
func (c *Client) newRequest(ctx context.Context, method, path string, query url.Values, body RequestBody, shared bool) (*http.Request, error) {
	if !strings.HasPrefix(path, "/") {
		return nil, fmt.Errorf("api: path %q does not start with /", path)
	}
	creds := c.auth.credentials()
	if body == nil {
		query = withCredentials(query, creds)
	}
	var u *url.URL
	if shared && len(query) == 0 {
		u = c.fixed.urls[path]
	}
	if u == nil {
		// The client's parsed base with the path appended, not a string
		// parsed again for every request.
		cp := c.baseURL
		cp.Path += path
		if len(query) > 0 {
			cp.RawQuery = query.Encode()
		}
		u = &cp
	}
	var rd io.Reader
	contentType := ""
	if body != nil {
		rd = bytes.NewReader(body.Encode(creds))
		contentType = body.ContentType()
	}
	req, err := http.NewRequestWithContext(ctx, method, "", rd)
	if err != nil {
		return nil, fmt.Errorf("api: building request: %w", err)
	}
	req.URL, req.Host = u, u.Host
	if h := c.fixed.headers[contentType]; shared && h != nil {
		req.Header = h
		return req, nil
	}
	req.Header["User-Agent"] = []string{c.userAgent}
	if contentType != "" {
		req.Header["Content-Type"] = []string{contentType}
	}
	return req, nil
}

// fixedParts are the parts of a request that are the same for every
// request of a kind, built once per client and shared by the requests it
// sends itself: the header of each kind of body ("" for none), and the URL
// of each of the API's paths without a query.
type fixedParts struct {
	headers map[string]http.Header
	urls    map[string]*url.URL
}

func (c *Client) newFixedParts() fixedParts {
	f := fixedParts{headers: map[string]http.Header{}, urls: map[string]*url.URL{}}
	for _, ct := range []string{"", contentTypeJSON, contentTypeForm} {
		h := http.Header{"User-Agent": {c.userAgent}}
		if ct != "" {
			h["Content-Type"] = []string{ct}
		}
		f.headers[ct] = h
	}
	for _, p := range []string{pathSegmentsAdd, pathSegmentsRemove, pathSegmentsGet, pathSubscriptionsManage, pathSubscriptionsCallback} {
		u := c.baseURL
		u.Path += p
		f.urls[p] = &u
	}
	return f
}
