package api

import (
	"net/http"
)

// NewHTTPClient returns an *http.Client for a pool of maxConns concurrent
// callers: its transport, a clone of http.DefaultTransport, keeps up to
// maxConns idle connections per host (MaxIdleConnsPerHost = MaxIdleConns =
// maxConns; DefaultTransport keeps only 2 per host, which makes a worker
// pool open new connections constantly) and opens no more than that
// (MaxConnsPerHost). A maxConns below 1 counts as 1. It does not ask for
// compressed answers (DisableCompression): the API's answers are a few
// dozen bytes of JSON, which gzip would only make bigger, and the
// Accept-Encoding header would be sent with every request.
//
// The client has no Timeout: per-request deadlines come from the context.
// It does not follow redirects (see WithHTTPClient).
func NewHTTPClient(maxConns int) *http.Client {
	maxConns = max(maxConns, 1)
	t, ok := http.DefaultTransport.(*http.Transport)
	if ok {
		t = t.Clone()
	} else { // replaced by a program or test: start from its defaults
		t = &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true}
	}
	t.MaxIdleConns = maxConns
	t.MaxIdleConnsPerHost = maxConns
	// A request that finds every connection busy waits for one to come
	// back rather than dialling another that the idle pool would then
	// close: a run opens about maxConns connections, not more.
	t.MaxConnsPerHost = maxConns
	t.DisableCompression = true
	return &http.Client{Transport: t, CheckRedirect: refuseRedirect}
}

// refuseRedirect is a CheckRedirect that hands the 3xx answer back instead
// of following it.
func refuseRedirect(*http.Request, []*http.Request) error {
	return http.ErrUseLastResponse
}
