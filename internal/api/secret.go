package api

import (
	"fmt"
	"log/slog"
)

// redacted is what every rendering of a Secret prints instead of its value.
const redacted = "[REDACTED]"

// Secret holds the shop secret. Every way of printing or serialising it —
// fmt verbs (%v %s %q %x %#v ...), log/slog, encoding/json and any
// encoding.TextMarshaler user — gives "[REDACTED]", so the value cannot
// leak through a log line or a dump of a struct. The client reads the value
// with a plain conversion, string(s), only where it builds a request.
type Secret string

// String returns "[REDACTED]".
func (Secret) String() string { return redacted }

// GoString returns "[REDACTED]", for %#v.
func (Secret) GoString() string { return redacted }

// Format prints "[REDACTED]" for every verb and flag (quoted for %q), so
// that not even %x or %d can show the bytes of the value.
func (Secret) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", redacted)
		return
	}
	_, _ = f.Write([]byte(redacted))
}

// LogValue makes log/slog record "[REDACTED]".
func (Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalText returns "[REDACTED]".
func (Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// MarshalJSON returns the JSON string "[REDACTED]".
func (Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// Credentials identify the shop on every call.
type Credentials struct {
	ShopID     string
	ShopSecret Secret
}
