package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"html"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
)

const (
	// maxBody is the most bytes of an answer that are read; a longer
	// answer is not the documented JSON.
	maxBody = 1 << 20
	// maxDrain is how much more of an answer is read and thrown away
	// before closing it, so that its connection can be reused; beyond
	// that, closing the connection is cheaper.
	maxDrain = 64 << 10
)

// successBody is the documented success answer of the writing calls, in the
// form the API writes it.
var successBody = []byte(`{"status":"success"}`)

// errNoResponse is Send's error for a transport that returned neither an
// answer nor an error, which http.RoundTripper forbids.
var errNoResponse = errors.New("api: the transport returned no answer and no error")

// Send makes call: it builds the request with NewCallRequest, sends it,
// reads at most 1 MiB of the answer and classifies it. A success is a 2xx
// status with {"status":"success"}, or for segments/get a JSON array of
// segments, which the Response holds. Any other answer is an *Error; a
// failure to get or read an answer is a *url.Error with the secret
// redacted from its URL. The answer's body is always drained (up to 64 KiB
// past what was read) and closed, so that its connection goes back to the
// pool.
func (c *Client) Send(ctx context.Context, call Call) (*Response, error) {
	req, ep, err := c.newCallRequest(ctx, &call)
	if err != nil {
		return nil, err
	}
	return c.send(req, ep)
}

// send sends req, a request of ep, and classifies the answer.
func (c *Client) send(req *http.Request, ep *endpoint) (*Response, error) {
	resp, err := c.rt.RoundTrip(req)
	if err == nil && resp == nil {
		err = errNoResponse
	}
	if err != nil {
		return nil, c.auth.transportError(req, err)
	}
	buf := getBuffer()
	defer putBuffer(buf)
	defer drainAndClose(resp.Body, *buf)
	body, err := readLimited(resp.Body, (*buf)[:0], maxBody)
	*buf = body // keep a grown buffer for the pool
	if err != nil {
		return nil, c.auth.transportError(req, err)
	}
	// classify copies what it keeps of body: decoded strings, messages.
	r := &Response{StatusCode: resp.StatusCode}
	var v any
	if ep.segments {
		v = &r.Segments
	}
	if err := c.classify(req, resp, body, v); err != nil {
		return nil, err
	}
	return r, nil
}

// bufferPool recycles the buffers answers are read into, which only live
// for the length of a send.
var bufferPool = sync.Pool{New: func() any { b := make([]byte, 0, 4<<10); return &b }}

func getBuffer() *[]byte { return bufferPool.Get().(*[]byte) }

// putBuffer returns b to the pool, unless an oversized answer made it too
// big to keep.
func putBuffer(b *[]byte) {
	if cap(*b) <= maxDrain {
		*b = (*b)[:0]
		bufferPool.Put(b)
	}
}

// readLimited appends r to buf until r ends or buf holds limit+1 bytes,
// whichever comes first: a result longer than limit means r holds more
// than limit bytes.
func readLimited(r io.Reader, buf []byte, limit int) ([]byte, error) {
	for len(buf) <= limit {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, min(max(cap(buf), 512), limit+1-len(buf)))
		}
		n, err := r.Read(buf[len(buf):min(cap(buf), limit+1)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
	return buf, nil
}

// drainAndClose reads what is left of an answer into scratch, up to
// maxDrain bytes, and closes it: an answer read to its end lets its
// connection be reused.
func drainAndClose(rc io.ReadCloser, scratch []byte) {
	scratch = scratch[:cap(scratch)]
	for drained := 0; drained < maxDrain; {
		n, err := rc.Read(scratch[:min(len(scratch), maxDrain-drained)])
		drained += n
		if err != nil {
			break
		}
	}
	_ = rc.Close()
}

// statusObject is the documented answer object:
// {"status":"success"} or {"status":"error","message":"..."}.
type statusObject struct {
	Status  *string `json:"status"`
	Message string  `json:"message"`
}

// parseStatus decodes body as the documented answer object; ok is false
// when it is not one (not JSON, not an object, no "status").
func parseStatus(body []byte) (st statusObject, ok bool) {
	if err := json.Unmarshal(body, &st); err != nil || st.Status == nil {
		return statusObject{}, false
	}
	return st, true
}

// classify returns nil when resp and its body are a success (decoding an
// array into v when v is not nil), else the *Error describing them.
func (c *Client) classify(req *http.Request, resp *http.Response, body []byte, v any) error {
	if len(body) > maxBody {
		return c.newError(req, resp, ErrUnexpectedBody, "body larger than "+strconv.Itoa(maxBody)+" bytes")
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		if st, ok := parseStatus(body); ok {
			return c.newError(req, resp, nil, st.Message)
		}
		return c.newError(req, resp, ErrUnexpectedBody, describeUnexpected(resp, body))
	}
	trimmed := bytes.TrimSpace(body)
	if v == nil {
		if bytes.Equal(trimmed, successBody) {
			return nil
		}
	} else if len(trimmed) > 0 && trimmed[0] == '[' {
		if json.Unmarshal(trimmed, v) == nil {
			return nil
		}
	}
	st, ok := parseStatus(body)
	switch {
	case ok && v == nil && *st.Status == "success":
		return nil // {"status":"success"} written another way
	case ok && *st.Status == "error":
		return c.newError(req, resp, ErrUnexpectedBody, st.Message)
	}
	return c.newError(req, resp, ErrUnexpectedBody, describeUnexpected(resp, body))
}

// newError returns the *Error for the answer resp to req, with Retry-After
// read against the client's clock and msg scrubbed of the secret.
func (c *Client) newError(req *http.Request, resp *http.Response, err error, msg string) *Error {
	e := &Error{
		Method:     req.Method,
		URL:        c.auth.redactURL(req.URL),
		StatusCode: resp.StatusCode,
		Message:    sanitize(c.auth.scrub(msg)),
		Err:        err,
	}
	if d, ok := ParseRetryAfter(resp.Header.Get("Retry-After"), c.now()); ok {
		e.RetryAfter = d
	}
	return e
}

// describeUnexpected describes a body that is not the documented JSON:
// its media type, its size and (once sanitized) its beginning, after the
// target of a redirect.
func describeUnexpected(resp *http.Response, body []byte) string {
	var prefix string
	if loc := resp.Header.Get("Location"); loc != "" && resp.StatusCode >= 300 && resp.StatusCode <= 399 {
		prefix = "redirect to " + loc + " not followed; "
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return prefix + "empty body"
	}
	what := "body"
	if mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type")); err == nil {
		what = mt + " body"
	}
	if title, ok := htmlTitle(body); ok {
		// A proxy's or a server's error page: its title says it all.
		return prefix + "HTML page (" + strconv.Itoa(len(body)) + " bytes): " + title
	}
	return prefix + what + " (" + strconv.Itoa(len(body)) + " bytes): " + string(body)
}

// htmlTitle returns the text of an HTML page's <title>, if body is one
// and has a title that is not empty.
func htmlTitle(body []byte) (string, bool) {
	lower := bytes.ToLower(body)
	start := bytes.Index(lower, []byte("<title>"))
	if start < 0 {
		return "", false
	}
	start += len("<title>")
	end := bytes.Index(lower[start:], []byte("</title>"))
	if end < 0 {
		return "", false
	}
	title := strings.Join(strings.Fields(html.UnescapeString(string(body[start:start+end]))), " ")
	return title, title != ""
}
