// Package api is the PersonaClick API client: the five calls pcsync makes
// (segments add, remove and get; subscriptions manage and callback), in the
// style of google/go-github. A Call names its Endpoint and holds its
// parameters; NewCallRequest builds its request (the one place that does,
// reading the endpoint's entry in one table), Send builds, sends and
// classifies it; every answer that is not a success is one *Error.
//
// The shop secret travels in every request (in the JSON or form body, or in
// the query string of GET /segments/get). The client takes care that it
// never shows up anywhere else: not in error texts (url.Error's quoted URL
// is redacted, echoes of the secret in answers are scrubbed), not in
// Describe's rendering of a request, not when a Secret, Credentials or
// Client is printed or logged, and never in clear over a network (NewClient
// refuses http:// except to a loopback address).
package api

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

const (
	// DefaultBaseURL is the production API.
	DefaultBaseURL = "https://api.personaclick.com"
	// DefaultUserAgent is the User-Agent header sent unless WithUserAgent
	// gives another.
	DefaultUserAgent = "pcsync"
)

// ErrInsecureURL is NewClient's error for an http:// base URL whose host is
// not a loopback address: the credentials are never sent in clear over a
// network.
var ErrInsecureURL = errors.New("api: refusing to send credentials over plain http to a non-loopback host (use https)")

// Client calls the PersonaClick API. It is immutable once built and safe for
// concurrent use by many goroutines.
type Client struct {
	rt        http.RoundTripper // the transport requests go through: see WithHTTPClient
	base      string            // base URL without a trailing slash; paths are appended
	baseURL   url.URL           // base, parsed: each request's URL is a copy
	userAgent string
	// userAgentValue is the User-Agent header's value, shared by every
	// request; len == cap (see NewCallRequest).
	userAgentValue []string
	now            func() time.Time
	auth           *auth // Format keeps it out of any printing of a Client
	endpoints      map[Endpoint]*endpoint
}

// Format prints the client as "api.Client(BASE URL)" for every verb. Without
// it, fmt would print the credentials of a Client or *Client (a %s reaches
// through the auth pointer). It has a value receiver so that it covers
// both.
func (c Client) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "api.Client(%s)", c.base)
}

// auth is the client's credentials with the forms of the secret that
// scrubbing looks for.
type auth struct {
	shopID string
	secret string
	// variants are the secret as it may appear in text: raw, query-escaped
	// and JSON-escaped, without duplicates.
	variants []string
}

func newAuth(c Credentials) *auth {
	s := string(c.ShopSecret)
	return &auth{shopID: c.ShopID, secret: s, variants: SecretForms(s)}
}

// credentials returns the Credentials that request bodies carry.
func (a *auth) credentials() Credentials {
	return Credentials{ShopID: a.shopID, ShopSecret: Secret(a.secret)}
}

// Option configures a Client in NewClient.
type Option func(*Client)

// WithHTTPClient makes the client send its requests through hc.Transport
// (http.DefaultTransport when that is nil; see NewHTTPClient). A nil hc is
// ignored; without this option the client uses http.DefaultTransport.
//
// Requests go to the transport's RoundTrip, not through hc.Do: what
// http.Client adds is what the API client must not do, or does itself, and
// it would cost a copy of every request's header, kept in case a redirect
// is followed. So hc is not changed and these fields of it are not used:
// CheckRedirect (a redirect is never followed: the API does not redirect,
// and following a 307 or 308 would resend the body, credentials and all,
// to wherever the Location points; a 3xx answer is returned as an *Error),
// Jar (the API sets no cookies) and Timeout (each request's deadline comes
// from its context).
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) {
		if hc != nil {
			c.rt = hc.Transport
			if c.rt == nil {
				c.rt = http.DefaultTransport
			}
		}
	}
}

// WithUserAgent sets the User-Agent header (DefaultUserAgent otherwise). An
// empty ua is ignored.
func WithUserAgent(ua string) Option {
	return func(c *Client) {
		if ua != "" {
			c.userAgent = ua
		}
	}
}

// WithClock sets the clock that turns a Retry-After HTTP date into a
// duration (time.Now otherwise). A nil now is ignored.
func WithClock(now func() time.Time) Option {
	return func(c *Client) {
		if now != nil {
			c.now = now
		}
	}
}

// NewClient returns a client of the API at baseURL (DefaultBaseURL for the
// production API) that identifies itself with creds. It refuses a base URL
// that does not parse, is not http or https, has no host, or carries a query
// or fragment; empty credentials; and, with ErrInsecureURL, an http:// URL
// whose host is not a loopback address (127.0.0.0/8, ::1, "localhost").
func NewClient(baseURL string, creds Credentials, opts ...Option) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return nil, fmt.Errorf("api: base URL: %s", RedactUserinfo(err.Error())) // the error quotes the URL
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("api: base URL %q: scheme must be http or https", RedactURL(u))
	case u.Host == "" || u.Hostname() == "":
		return nil, fmt.Errorf("api: base URL %q: no host", RedactURL(u))
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return nil, fmt.Errorf("api: base URL %q: must not have a query or fragment", RedactURL(u))
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		return nil, fmt.Errorf("%w: %s", ErrInsecureURL, u.Host)
	case creds.ShopID == "":
		return nil, errors.New("api: empty shop_id")
	case creds.ShopSecret == "":
		return nil, errors.New("api: empty shop_secret")
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	u.Host = strings.TrimSuffix(u.Host, ":") // an empty port, as http.NewRequest drops it
	c := &Client{
		rt:        http.DefaultTransport,
		base:      u.String(),
		baseURL:   *u,
		userAgent: DefaultUserAgent,
		now:       time.Now,
		auth:      newAuth(creds),
	}
	for _, opt := range opts {
		opt(c)
	}
	c.userAgentValue = []string{c.userAgent}
	c.endpoints = c.newEndpoints()
	return c, nil
}

// isLoopback reports whether host (without port or brackets) is
// "localhost" or a loopback IP address.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
