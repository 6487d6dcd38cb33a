package api

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// redactedValue replaces the shop secret in URLs, bodies and error texts.
const redactedValue = "REDACTED"

// secretKey is the parameter that carries the shop secret.
const secretKey = "shop_secret"

// RedactURL returns u's text with the value of every shop_secret query
// parameter replaced by REDACTED, and its user-info, if any, by REDACTED
// (a user name can be a secret too). The other parameters keep their order
// and encoding. A query that does not parse is replaced by REDACTED as a
// whole.
func RedactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	cp := *u
	if q, ok := redactPairs(cp.RawQuery); ok {
		cp.RawQuery = q
	} else {
		cp.RawQuery = redactedValue
	}
	if cp.User != nil {
		cp.User = url.User(redactedValue)
	}
	return cp.String()
}

// redactPairs replaces the value of every shop_secret pair of the
// form-encoded s by REDACTED, keeping every other byte. ok is false when a
// key does not unescape, in which case the secret could hide behind it.
func redactPairs(s string) (string, bool) {
	if s == "" {
		return s, true
	}
	var b strings.Builder
	b.Grow(len(s))
	for i, pair := range strings.Split(s, "&") {
		if i > 0 {
			b.WriteByte('&')
		}
		key, _, hasValue := strings.Cut(pair, "=")
		k, err := url.QueryUnescape(key)
		if err != nil {
			return "", false
		}
		if hasValue && strings.EqualFold(k, secretKey) {
			b.WriteString(key + "=" + redactedValue)
			continue
		}
		b.WriteString(pair)
	}
	return b.String(), true
}

// Describe returns a human-readable rendering of req for a dry run, with
// the shop secret replaced by REDACTED in the URL and in the body:
//
//	POST https://api.personaclick.com/segments/add
//	Content-Type: application/json
//
//	{"shop_id":"...","shop_secret":"REDACTED",...}
//
// A request without a body is its first line alone. The body is read
// through req.GetBody, so req can still be sent afterwards; a body that
// cannot be read again, or whose secret cannot be found with certainty (not
// a JSON object or form values), is not shown.
func Describe(req *http.Request) string {
	var b strings.Builder
	b.WriteString(req.Method)
	b.WriteByte(' ')
	b.WriteString(RedactURL(req.URL))
	if req.Body == nil || req.Body == http.NoBody {
		return b.String()
	}
	ct := req.Header.Get("Content-Type")
	if ct != "" {
		b.WriteString("\nContent-Type: ")
		b.WriteString(ct)
	}
	b.WriteString("\n\n")
	b.WriteString(describeBody(req, ct))
	return b.String()
}

// describeBody returns req's body with the secret redacted, or a note of
// why it is not shown.
func describeBody(req *http.Request, ct string) string {
	if req.GetBody == nil {
		return "[body not shown: it cannot be read twice]"
	}
	rc, err := req.GetBody()
	if err != nil {
		return "[body not shown: " + err.Error() + "]"
	}
	defer rc.Close()
	body, err := readLimited(rc, nil, maxBody)
	if err != nil {
		return "[body not shown: " + err.Error() + "]"
	}
	if len(body) > maxBody {
		return "[body not shown: larger than " + strconv.Itoa(maxBody) + " bytes]"
	}
	mt, _, _ := mime.ParseMediaType(ct)
	switch mt {
	case "application/json":
		if out, ok := redactJSON(body); ok {
			return string(out)
		}
	case "application/x-www-form-urlencoded":
		if out, ok := redactPairs(string(body)); ok {
			return out
		}
	}
	return "[" + strconv.Itoa(len(body)) + " bytes not shown: not a JSON object or form values]"
}

// redactJSON replaces the value of every top-level "shop_secret" member of
// the JSON object b by "REDACTED", keeping every other byte. ok is false
// when b is not one valid JSON object.
func redactJSON(b []byte) ([]byte, bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, false
	}
	var spans [][2]int64 // [after the key, after the value)
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, false
		}
		key, _ := t.(string)
		start := dec.InputOffset()
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, false
		}
		if key == secretKey {
			spans = append(spans, [2]int64{start, dec.InputOffset()})
		}
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('}') {
		return nil, false
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, false // something follows the object
	}
	out := make([]byte, 0, len(b))
	last := int64(0)
	for _, s := range spans {
		out = append(out, b[last:s[0]]...)
		out = append(out, `:"`+redactedValue+`"`...)
		last = s[1]
	}
	return append(out, b[last:]...), true
}

// scrub replaces every occurrence of the secret in s, in any of the forms
// it may take in text, by REDACTED.
func (a *auth) scrub(s string) string {
	for _, v := range a.variants {
		if v != "" && strings.Contains(s, v) {
			s = strings.ReplaceAll(s, v, redactedValue)
		}
	}
	return RedactUserinfo(s)
}

// redactURL is RedactURL with, in case the query hid the secret from it
// (a separator the server accepts and RedactURL does not), a scrub.
func (a *auth) redactURL(u *url.URL) string {
	return a.scrub(RedactURL(u))
}

// scrubbedError is an error whose text had the secret removed. It unwraps
// to the original, so errors.Is and errors.As still see through it.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

// transportError returns err, the failure to get or read an answer to req,
// as a *url.Error whose URL is redacted and whose text holds no secret.
func (a *auth) transportError(req *http.Request, err error) error {
	ue, ok := err.(*url.Error)
	if ok {
		cp := *ue
		ue = &cp
	} else {
		// The Op net/http would use: "Post", "Get".
		op := req.Method
		if op != "" {
			op = op[:1] + strings.ToLower(op[1:])
		}
		ue = &url.Error{Op: op, Err: err}
	}
	ue.URL = a.redactURL(req.URL)
	if ue.Err != nil {
		ue.Err = a.scrubError(ue.Err)
	}
	return ue
}

// scrubError returns err, or when its text holds the secret, an error that
// wraps it with the secret scrubbed from the text.
func (a *auth) scrubError(err error) error {
	msg := err.Error()
	if clean := a.scrub(msg); clean != msg {
		return &scrubbedError{msg: clean, err: err}
	}
	return err
}
