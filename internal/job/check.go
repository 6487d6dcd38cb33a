package job

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/nyaruka/phonenumbers"

	"github.com/pcsync/pcsync/internal/api"
)

// checkEmail returns the trimmed email, or "" and ok=false after recording a
// problem. An empty cell is ok: whether a contact is required is decided by
// the caller.
func checkEmail(raw string, p *Problems) (string, bool) {
	v := strings.TrimSpace(raw)
	if v == "" {
		return "", true
	}
	if problem := emailProblem(v); problem != "" {
		p.add("email", raw, problem)
		return "", false
	}
	return v, true
}

// emailProblem checks the practical syntax of an address (RFC 5321 sizes,
// RFC 5322 dot-atom local part, a dotted host name); "" means it is fine.
func emailProblem(v string) string {
	if len(v) > 254 {
		return "longer than 254 characters"
	}
	at := strings.IndexByte(v, '@')
	if at < 0 {
		return "not an email address (no @)"
	}
	if strings.IndexByte(v[at+1:], '@') >= 0 {
		return "not an email address (more than one @)"
	}
	local, domain := v[:at], v[at+1:]
	switch {
	case local == "":
		return "not an email address (nothing before @)"
	case len(local) > 64:
		return "the part before @ is longer than 64 characters"
	case local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, ".."):
		return "misplaced dot before @"
	}
	for i := 0; i < len(local); i++ {
		if !atext(local[i]) {
			return "character " + Quote(local[i:i+1]) + " not allowed before @"
		}
	}
	if domain == "" {
		return "not an email address (nothing after @)"
	}
	if strings.IndexByte(domain, '.') < 0 {
		return "domain " + Quote(domain) + " has no dot"
	}
	// Label by label, without splitting the domain into new strings.
	for rest := domain; ; {
		l, tail, more := strings.Cut(rest, ".")
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return "domain " + Quote(domain) + " is not a valid host name"
		}
		for i := 0; i < len(l); i++ {
			if !hostChar[l[i]] {
				return "domain " + Quote(domain) + " is not a valid host name"
			}
		}
		if !more {
			break
		}
		rest = tail
	}
	return ""
}

// atext reports whether c may appear in an unquoted local part.
func atext(c byte) bool { return atextChar[c] }

// atextChar and hostChar are the bytes allowed in an unquoted local part
// and in a host name label: letters, digits, any byte of a UTF-8 sequence,
// and the RFC 5322 atext symbols (the local part, with the dot) or '-'
// (a host name).
var atextChar, hostChar = func() (a, h [256]bool) {
	for c := range 256 {
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
		a[c] = alnum || strings.IndexByte("!#$%&'*+/=?^_`{|}~-.", byte(c)) >= 0
		h[c] = alnum || c == '-'
	}
	return a, h
}()

// checkPhone reads a phone number into the full international format
// (E.164) the API wants, by libphonenumber's rules (nyaruka/phonenumbers):
//
//   - "+44 (0) 7700 900123" and "00 44 7700 900123" → "+447700900123": a
//     number with its country code (a leading + or 00) is parsed, a
//     national "(0)" dropped, and must be possible for its country;
//   - a national number, starting with a trunk 0 ("07700 900123"), needs
//     country (--default-country) to be turned into E.164, and is invalid
//     without it;
//   - other digits without + (the API's own example 4400114527199) are
//     sent as today: formatting stripped, 6 to 15 digits;
//   - scientific notation ("4.47701E+12") is invalid with the spreadsheet
//     hint.
func checkPhone(raw, country string, p *Problems) (string, bool) {
	v := strings.TrimSpace(raw)
	if v == "" {
		return "", true
	}
	var b strings.Builder
	b.Grow(len(v))
	digits := 0
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= '0' && c <= '9':
			b.WriteByte(c)
			digits++
		case c == '+' && b.Len() == 0:
			b.WriteByte(c)
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '\t':
		case (c == 'E' || c == 'e') && strings.IndexByte(v, '.') >= 0 && i+1 < len(v) && (v[i+1] == '+' || v[i+1] == '-' || v[i+1] >= '0' && v[i+1] <= '9'):
			p.add("phone", raw, "scientific notation, as a spreadsheet shows a long number, whose last digits are lost; "+spreadsheetHint)
			return "", false
		default:
			p.add("phone", raw, "not a phone number (only digits, an optional leading +, spaces, dashes and brackets)")
			return "", false
		}
	}
	s := b.String()
	switch {
	case strings.HasPrefix(s, "+"):
		return parsePhone(raw, s, "", p)
	case strings.HasPrefix(s, "00"):
		return parsePhone(raw, "+"+s[2:], "", p)
	case strings.HasPrefix(s, "0"):
		if country == "" {
			p.add("phone", raw, "a national number: give --default-country (such as GB) or write it with its country code (+44...)")
			return "", false
		}
		return parsePhone(raw, s, country, p)
	}
	if digits < 6 || digits > 15 {
		p.add("phone", raw, "a phone number has 6 to 15 digits")
		return "", false
	}
	return s, true
}

// parsePhone parses an international number (region "") or a national one
// of region, and returns it in E.164 if it is possible for its country.
func parsePhone(raw, v, region string, p *Problems) (string, bool) {
	n, err := phonenumbers.Parse(v, region)
	if err != nil {
		p.add("phone", raw, "not a phone number: "+phoneParseReason(err))
		return "", false
	}
	switch phonenumbers.IsPossibleNumberWithReason(n) {
	case phonenumbers.IS_POSSIBLE, phonenumbers.IS_POSSIBLE_LOCAL_ONLY:
	case phonenumbers.INVALID_COUNTRY_CODE:
		p.add("phone", raw, "not a phone number: unknown country code")
		return "", false
	case phonenumbers.TOO_SHORT:
		p.add("phone", raw, "too short for a number of its country (+"+strconv.Itoa(int(n.GetCountryCode()))+")")
		return "", false
	case phonenumbers.TOO_LONG:
		p.add("phone", raw, "too long for a number of its country (+"+strconv.Itoa(int(n.GetCountryCode()))+")")
		return "", false
	default:
		p.add("phone", raw, "not a possible length for a number of its country (+"+strconv.Itoa(int(n.GetCountryCode()))+")")
		return "", false
	}
	e := phonenumbers.Format(n, phonenumbers.E164)
	if n.GetItalianLeadingZero() {
		// A national part that starts with zeros can lose one on each
		// reading ("0049000000" gives +4900000, which reads as +490000):
		// send only a form that reads back as itself.
		if again, err := phonenumbers.Parse(e, ""); err != nil || phonenumbers.Format(again, phonenumbers.E164) != e {
			p.add("phone", raw, "not a phone number of its country (+"+strconv.Itoa(int(n.GetCountryCode()))+"): its leading zeros do not make a number")
			return "", false
		}
	}
	return e, true
}

// phoneParseReason words phonenumbers' parse errors.
func phoneParseReason(err error) string {
	switch err {
	case phonenumbers.ErrInvalidCountryCode:
		return "unknown country code"
	case phonenumbers.ErrTooShortNSN, phonenumbers.ErrTooShortAfterIDD:
		return "too short"
	case phonenumbers.ErrNumTooLong:
		return "too long"
	}
	return "not a number"
}

// ValidCountry reports whether region is a country --default-country
// takes: a region code libphonenumber knows, such as GB.
func ValidCountry(region string) bool {
	return phonenumbers.GetCountryCodeForRegion(region) != 0
}

// ParseCountry reads --default-country: a region code in any case, such
// as gb, returned in upper case; "" for none.
func ParseCountry(v string) (string, error) {
	c := strings.ToUpper(strings.TrimSpace(v))
	if c != "" && !ValidCountry(c) {
		return "", fmt.Errorf("unknown country %q (want a two-letter code such as GB, DE, US)", v)
	}
	return c, nil
}

func checkEvent(raw string, p *Problems) api.Event {
	v := strings.ToLower(strings.TrimSpace(raw))
	switch api.Event(v) {
	case api.EventHardBounced, api.EventComplained, api.EventBlacklisted, api.EventUnsubscribed:
		return api.Event(v)
	case "":
		p.add("event", "", "required for subscriptions/callback (hard_bounced, complained, blacklisted or unsubscribed)")
	default:
		p.add("event", raw, "unknown event (want hard_bounced, complained, blacklisted or unsubscribed)")
	}
	return ""
}

func checkSegmentID(raw, fallback string, p *Problems) api.SegmentID {
	v := strings.TrimSpace(raw)
	if v == "" {
		v = fallback
	}
	if v == "" {
		p.add("segment_id", "", "required for segments/add and segments/remove (give a segment_id column or --segment-id)")
		return ""
	}
	id, err := ParseSegmentID(v)
	if err != nil {
		p.add("segment_id", v, err.Error())
		return ""
	}
	return id
}

// spreadsheetHint ends the problems a spreadsheet's formatting causes.
const spreadsheetHint = "format the column as Text in the spreadsheet"

// ParseSegmentID reads a segment id: a positive integer that fits in 64
// bits, in decimal digits. A spreadsheet's integer-valued decimal
// ("100500.0") is read as the integer; leading zeros are dropped. Signs,
// scientific notation, other decimals, text and formulas are refused with
// the reason. The id returned is canonical, so it is sent as a JSON number.
func ParseSegmentID(v string) (api.SegmentID, error) {
	s := v
	if dot := strings.IndexByte(s, '.'); dot >= 0 && strings.Trim(s[dot+1:], "0") == "" && dot+1 < len(s) {
		s = s[:dot] // 100500.0 → 100500
	}
	switch {
	case s == "":
		return "", segmentIDError("not a number")
	case s[0] == '=':
		return "", segmentIDError("a spreadsheet formula, not its value; " + spreadsheetHint)
	case s[0] == '-' || s[0] == '+':
		return "", segmentIDError("a segment id is a positive whole number, without a sign")
	}
	digits, exp := true, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
		case (c == 'e' || c == 'E') && i > 0:
			exp = true
			digits = false
		default:
			digits = false
		}
	}
	if !digits {
		if exp && strings.ContainsAny(s, "0123456789") && strings.Trim(s, "0123456789.eE+-") == "" {
			return "", segmentIDError("scientific notation, as a spreadsheet shows a long number; " + spreadsheetHint)
		}
		if strings.IndexByte(s, '.') >= 0 && strings.Trim(s, "0123456789.") == "" {
			return "", segmentIDError("a segment id is a whole number, not a decimal")
		}
		return "", segmentIDError("a segment id is a positive whole number")
	}
	s = strings.TrimLeft(s, "0")
	if s == "" {
		return "", segmentIDError("a segment id is a positive whole number, not 0")
	}
	if len(s) > 19 || (len(s) == 19 && s > "9223372036854775807") {
		return "", segmentIDError("too large for a segment id (at most 9223372036854775807); " + spreadsheetHint + " if it was rounded")
	}
	return api.SegmentID(s), nil
}

// segmentIDError is a problem with a segment id.
type segmentIDError string

func (e segmentIDError) Error() string { return string(e) }

var (
	yes = true
	no  = false
)

// parseFlag accepts true/false, 1/0 and yes/no in any case.
func parseFlag(v string) (*bool, bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "1", "yes":
		return &yes, true
	case "false", "0", "no":
		return &no, true
	}
	return nil, false
}

func checkSubscriptions(rec *Record, p *Problems) api.Subscriptions {
	var s api.Subscriptions
	flags := []struct {
		column string
		raw    string
		dst    **bool
	}{
		{"email_bulk", rec.EmailBulk, &s.EmailBulk},
		{"email_chain", rec.EmailChain, &s.EmailChain},
		{"email_transactional", rec.EmailTransactional, &s.EmailTransactional},
		{"sms_bulk", rec.SMSBulk, &s.SMSBulk},
		{"sms_chain", rec.SMSChain, &s.SMSChain},
		{"sms_transactional", rec.SMSTransactional, &s.SMSTransactional},
	}
	set, bad := 0, 0
	for _, f := range flags {
		if strings.TrimSpace(f.raw) == "" {
			continue
		}
		b, ok := parseFlag(f.raw)
		if !ok {
			p.add(f.column, f.raw, "not a flag (want true/false, 1/0 or yes/no)")
			bad++
			continue
		}
		*f.dst = b
		set++
	}
	if set == 0 && bad == 0 {
		p.add("subscription flags", "", "subscriptions/manage needs at least one of email_bulk, email_chain, email_transactional, sms_bulk, sms_chain, sms_transactional")
	}
	return s
}
