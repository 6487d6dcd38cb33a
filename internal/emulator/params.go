package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

const (
	// maxBodyBytes is the largest request body the emulator reads.
	maxBodyBytes = 1 << 20

	mediaJSON = "application/json"
	mediaForm = "application/x-www-form-urlencoded"
)

// params are the parameters common to every call, as read from the call's
// documented place. Absent and empty parameters are both "".
type params struct {
	shopID     string
	shopSecret string
	email      string // normalized by normalizeEmail
	phone      string // normalized by normalizePhone
}

// jsonBody is the JSON body of segments/add and segments/remove.
type jsonBody struct {
	ShopID     string          `json:"shop_id"`
	ShopSecret string          `json:"shop_secret"`
	Email      string          `json:"email"`
	Phone      string          `json:"phone"`
	SegmentID  json.RawMessage `json:"segment_id"`
}

// readJSON reads the parameters of a JSON call from r's body. A request
// whose Content-Type is not JSON carries no parameters at all. ok is false,
// with the answer to give, when the body is too large or not a JSON object
// of the documented fields.
func readJSON(w http.ResponseWriter, r *http.Request) (p params, segmentID json.RawMessage, _ answer, ok bool) {
	if !hasMediaType(r.Header.Get("Content-Type"), mediaJSON) {
		return params{}, nil, answer{}, true
	}
	buf, a, ok := readBody(w, r)
	if !ok {
		return params{}, nil, a, false
	}
	defer putBuffer(buf)

	if b := bytes.TrimLeft(buf.Bytes(), " \t\r\n"); len(b) == 0 || b[0] != '{' {
		return params{}, nil, answerBadJSON, false // also catches a bare null
	}
	var body jsonBody
	if err := json.Unmarshal(buf.Bytes(), &body); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return params{}, nil, errorAnswer(http.StatusBadRequest, te.Field+" must be a string"), false
		}
		return params{}, nil, answerBadJSON, false
	}
	p = params{
		shopID:     body.ShopID,
		shopSecret: body.ShopSecret,
		email:      normalizeEmail(body.Email),
		phone:      normalizePhone(body.Phone),
	}
	return p, body.SegmentID, answer{}, true
}

// readForm reads the form in r's body, never its query string. A request
// whose Content-Type is not a form carries no parameters at all.
func readForm(w http.ResponseWriter, r *http.Request) (url.Values, answer, bool) {
	if !hasMediaType(r.Header.Get("Content-Type"), mediaForm) {
		return nil, answer{}, true // a nil url.Values reads as empty
	}
	buf, a, ok := readBody(w, r)
	if !ok {
		return nil, a, false
	}
	defer putBuffer(buf)
	v, err := url.ParseQuery(buf.String())
	if err != nil {
		return nil, answerBadForm, false
	}
	return v, answer{}, true
}

// readQuery reads the parameters in r's query string.
func readQuery(r *http.Request) (url.Values, answer, bool) {
	v, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, answerBadQuery, false
	}
	return v, answer{}, true
}

// paramsOf returns the common parameters in v.
func paramsOf(v url.Values) params {
	return params{
		shopID:     v.Get("shop_id"),
		shopSecret: v.Get("shop_secret"),
		email:      normalizeEmail(v.Get("email")),
		phone:      normalizePhone(v.Get("phone")),
	}
}

// hasMediaType reports whether the Content-Type header ct names the media
// type want, whatever its parameters (such as "; charset=utf-8").
func hasMediaType(ct, want string) bool {
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	return strings.EqualFold(strings.TrimSpace(ct), want)
}

var bufferPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// readBody reads r's body, up to maxBodyBytes, into a pooled buffer that
// the caller must return with putBuffer.
func readBody(w http.ResponseWriter, r *http.Request) (*bytes.Buffer, answer, bool) {
	buf := bufferPool.Get().(*bytes.Buffer)
	buf.Reset()
	if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, maxBodyBytes)); err != nil {
		putBuffer(buf)
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, answerTooLarge, false
		}
		// The body broke off: the client is gone or lied about its length.
		return nil, errorAnswer(http.StatusBadRequest, "request body could not be read"), false
	}
	return buf, answer{}, true
}

// putBuffer returns buf to the pool unless it grew too large to keep.
func putBuffer(buf *bytes.Buffer) {
	if buf.Cap() <= 64<<10 {
		bufferPool.Put(buf)
	}
}

// normalizeEmail returns email as the API stores it: trimmed, lower case.
func normalizeEmail(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}

// normalizePhone returns phone as the API stores it: its ASCII digits only.
func normalizePhone(phone string) string {
	i := 0
	for i < len(phone) && isDigit(phone[i]) {
		i++
	}
	if i == len(phone) {
		return phone // already digits only: the common case, no allocation
	}
	b := make([]byte, i, len(phone))
	copy(b, phone[:i])
	for ; i < len(phone); i++ {
		if isDigit(phone[i]) {
			b = append(b, phone[i])
		}
	}
	return string(b)
}

// segmentIDOf returns the segment id in a JSON segment_id value: a string
// (trimmed) or a whole number, written in decimal. An absent, null or empty
// value gives the 404 of a missing parameter, any other value a 400.
func segmentIDOf(raw json.RawMessage) (string, answer, bool) {
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return "", answerMissingSegmentID, false
	case raw[0] == '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", answerBadSegmentID, false
		}
		if s = strings.TrimSpace(s); s == "" {
			return "", answerMissingSegmentID, false
		}
		return s, answer{}, true
	case isNumberID(string(raw)):
		return string(raw), answer{}, true
	}
	return "", answerBadSegmentID, false
}

// isNumberID reports whether id is a whole number written canonically: in
// decimal digits, with no leading zero, within the range of an int64. Such
// ids are numbers in JSON; every other id is a string.
func isNumberID(id string) bool {
	const maxInt64 = "9223372036854775807"
	switch {
	case id == "0":
		return true
	case id == "" || id[0] == '0' || len(id) > len(maxInt64):
		return false
	}
	for i := 0; i < len(id); i++ {
		if !isDigit(id[i]) {
			return false
		}
	}
	return len(id) < len(maxInt64) || id <= maxInt64
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
