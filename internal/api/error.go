package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ErrUnexpectedBody is the Err of an *Error whose answer was not the
// documented JSON: an HTML page from a proxy, truncated or oversized JSON,
// an error object on a 2xx status, an empty body.
var ErrUnexpectedBody = errors.New("answer is not the documented JSON")

// Error is the one error for any answer that is not a success. Failures to
// get an answer at all (connection refused or reset, closed with no answer,
// context deadline) are *url.Error values instead.
type Error struct {
	Method string
	// URL is the request's URL with the shop_secret value replaced by
	// REDACTED.
	URL string
	// StatusCode is the HTTP status: 200 (or another 2xx) when a success
	// status came with a body that was not the documented JSON.
	StatusCode int
	// Message is the server's "message" or, when the body was not the
	// documented JSON, a description of it with a short snippet. Either
	// way it holds no control characters, at most 200 bytes of the answer
	// and never the shop secret.
	Message string
	// RetryAfter is the answer's Retry-After as a duration: 0 when absent,
	// unparsable or not in the future. It is not capped here; capping is
	// the retry policy's job.
	RetryAfter time.Duration
	// Err is ErrUnexpectedBody when the body was not the documented JSON,
	// nil otherwise.
	Err error
}

// Error returns "METHOD URL: STATUS[: ErrUnexpectedBody text][: Message]",
// for example "POST https://api.personaclick.com/segments/add: 403
// Forbidden: invalid shop_id or shop_secret".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Method)
	b.WriteByte(' ')
	b.WriteString(e.URL)
	b.WriteString(": ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteByte(' ')
		b.WriteString(t)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// Unwrap returns e.Err.
func (e *Error) Unwrap() error { return e.Err }

// maxSnippet is the most bytes of an answer an Error's Message quotes.
const maxSnippet = 200

// sanitize returns s fit for one line of a log: every run of white space
// and control or format characters (newlines, tabs, the ESC of ANSI
// sequences, bidi overrides) and invalid UTF-8 turned into one space,
// trimmed, and cut at a character boundary to at most maxSnippet bytes,
// "…" included, when it is longer.
func sanitize(s string) string {
	const ellipsis = "…"
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError {
			space = b.Len() > 0
			continue
		}
		n := utf8.RuneLen(r)
		if space {
			n++
		}
		if b.Len()+n > maxSnippet {
			out := b.String()
			for len(out)+len(ellipsis) > maxSnippet {
				_, size := utf8.DecodeLastRuneInString(out)
				out = out[:len(out)-size]
			}
			return strings.TrimRight(out, " ") + ellipsis
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}
