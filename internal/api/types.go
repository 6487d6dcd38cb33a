package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
)

// Contact identifies the person a call is about, by email and/or phone. The
// values are sent exactly as given (rows are validated before they reach the
// client); an empty field is left out of the request.
type Contact struct {
	Email string
	Phone string
}

// addTo sets the contact's non-empty fields in v.
func (ct Contact) addTo(v url.Values) {
	if ct.Email != "" {
		v.Set("email", ct.Email)
	}
	if ct.Phone != "" {
		v.Set("phone", ct.Phone)
	}
}

// SegmentID identifies a segment. The API takes a number or a string: an ID
// in canonical decimal form that fits an int64 (digits only, no sign, no
// leading zero unless it is "0") is sent as a JSON number, anything else as
// a JSON string.
type SegmentID string

// maxInt64 is the largest canonical decimal SegmentID sent as a number.
const maxInt64 = "9223372036854775807"

// isNumber reports whether id is sent as a JSON number.
func (id SegmentID) isNumber() bool {
	s := string(id)
	switch {
	case s == "":
		return false
	case len(s) > 1 && s[0] == '0':
		return false
	case len(s) > len(maxInt64):
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	// Same length: decimal digit strings compare like their values.
	return len(s) < len(maxInt64) || s <= maxInt64
}

// appendJSON appends id as a JSON number or string to dst.
func (id SegmentID) appendJSON(dst []byte) []byte {
	if id.isNumber() {
		return append(dst, id...)
	}
	return appendJSONString(dst, string(id))
}

// MarshalJSON encodes id as a JSON number when it is canonical decimal
// digits fitting an int64, else as a JSON string.
func (id SegmentID) MarshalJSON() ([]byte, error) {
	return id.appendJSON(make([]byte, 0, len(id)+2)), nil
}

// Segment is one segment that holds a contact, as /segments/get lists it.
// ID is the segment's id as the API wrote it: the digits of a JSON number,
// or the text of a JSON string.
type Segment struct {
	ID   string
	Type string // "static", "dynamic" or "rfm"
}

// errSegmentID is the decoding error of a segment whose id is neither a
// JSON number nor a JSON string.
var errSegmentID = errors.New("segment id is not a number or a string")

// UnmarshalJSON decodes {"id": number-or-string, "type": "..."}.
func (s *Segment) UnmarshalJSON(b []byte) error {
	var raw struct {
		ID   json.RawMessage `json:"id"`
		Type string          `json:"type"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	id := bytes.TrimSpace(raw.ID)
	switch {
	case len(id) == 0:
		return errSegmentID
	case id[0] == '"':
		if err := json.Unmarshal(id, &s.ID); err != nil {
			return err
		}
	case id[0] == '-' || (id[0] >= '0' && id[0] <= '9'):
		// A valid JSON number (json.Unmarshal checked the syntax): keep
		// its text, so that no float64 rounding touches a large id.
		s.ID = string(id)
	default:
		return errSegmentID
	}
	s.Type = raw.Type
	return nil
}

// Subscriptions are the flags /subscriptions/manage sets. A nil flag is not
// sent, which leaves that subscription as it is; the others are sent as
// "true" or "false".
type Subscriptions struct {
	EmailBulk          *bool
	EmailChain         *bool
	EmailTransactional *bool
	SMSBulk            *bool
	SMSChain           *bool
	SMSTransactional   *bool
}

// addTo sets the non-nil flags in v.
func (s Subscriptions) addTo(v url.Values) {
	for _, f := range [...]struct {
		name string
		val  *bool
	}{
		{"email_bulk", s.EmailBulk},
		{"email_chain", s.EmailChain},
		{"email_transactional", s.EmailTransactional},
		{"sms_bulk", s.SMSBulk},
		{"sms_chain", s.SMSChain},
		{"sms_transactional", s.SMSTransactional},
	} {
		if f.val == nil {
			continue
		}
		if *f.val {
			v.Set(f.name, "true")
		} else {
			v.Set(f.name, "false")
		}
	}
}

// Event is what /subscriptions/callback reports about an email address.
type Event string

// The four events /subscriptions/callback accepts.
const (
	EventHardBounced  Event = "hard_bounced" // permanently deletes the email from the shop's database (hard bounces only)
	EventComplained   Event = "complained"   // a feedback-loop spam report
	EventBlacklisted  Event = "blacklisted"  // puts the email on the blacklist
	EventUnsubscribed Event = "unsubscribed" // unsubscribes the email from every campaign
)

// Response describes a successful answer.
type Response struct {
	StatusCode int
	// Segments are the segments that hold the contact, for segments/get
	// (an empty slice when there are none); nil for the other calls.
	Segments []Segment
}
