package api

import (
	"encoding/json"
	"html"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// SecretForms returns the forms the secret s may take in text that comes
// back (a server's message, an echoed URL or body), longest first, so that
// replacing them in that order never leaves a piece of one behind: raw;
// query and form escaping (%2B and +, %20, upper- and lower-case hex); path
// escaping; JSON escaping (\u0026 as encoding/json writes it, < > & raw,
// \/ for /, non-ASCII as \u00e9); HTML escaping (&amp; &#39; &#34;, and
// &quot; &#x27; &apos;); and HTML escaping of each of these. "" gives none.
func SecretForms(s string) []string {
	if s == "" {
		return nil
	}
	var forms []string
	add := func(v string) {
		if v != "" && !slices.Contains(forms, v) {
			forms = append(forms, v)
		}
	}
	q := url.QueryEscape(s)
	for _, v := range []string{s, q, strings.ReplaceAll(q, "+", "%20"), url.PathEscape(s)} {
		add(v)
		add(lowerHex(v))
	}
	for _, v := range jsonForms(s) {
		add(v)
	}
	for _, v := range slices.Clone(forms) {
		for _, h := range htmlForms(v) {
			add(h)
		}
	}
	slices.SortStableFunc(forms, func(a, b string) int { return len(b) - len(a) })
	return forms
}

// lowerHex returns s with the hex digits of its %XX escapes in lower case.
func lowerHex(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1], b[i+2] = lower(b[i+1]), lower(b[i+2])
			i += 2
		}
	}
	return string(b)
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'F' {
		return c + 'a' - 'A'
	}
	return c
}

// jsonForms returns s inside a JSON string, as JSON encoders write it.
func jsonForms(s string) []string {
	std, _ := json.Marshal(s) // <, >, & as \u003c \u003e \u0026
	var plain strings.Builder // HTML characters left raw
	enc := json.NewEncoder(&plain)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	inner := func(v string) string { return strings.TrimSuffix(strings.TrimSuffix(v, "\n"), `"`)[1:] }
	var forms []string
	for _, base := range []string{inner(string(std)), inner(plain.String())} {
		for _, v := range []string{base, strings.ReplaceAll(base, "/", `\/`)} {
			forms = append(forms, v, asciiJSON(v), upperEscapes(asciiJSON(v)))
		}
	}
	return forms
}

// upperEscapes returns s with the hex digits of its \uXXXX escapes in
// upper case.
func upperEscapes(s string) string {
	b := []byte(s)
	for i := 0; i+5 < len(b); i++ {
		if b[i] == '\\' && b[i+1] == 'u' {
			for j := i + 2; j < i+6; j++ {
				if 'a' <= b[j] && b[j] <= 'f' {
					b[j] -= 'a' - 'A'
				}
			}
			i += 5
		} else if b[i] == '\\' {
			i++ // an escaped character: \\u is not an escape
		}
	}
	return string(b)
}

// asciiJSON escapes the non-ASCII characters of a JSON string's inside as
// \uXXXX (surrogate pairs beyond the BMP).
func asciiJSON(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < utf8.RuneSelf:
			b.WriteRune(r)
		case r > 0xFFFF:
			r -= 0x10000
			b.WriteString(`\u` + hex4(0xD800+(r>>10)) + `\u` + hex4(0xDC00+(r&0x3FF)))
		default:
			b.WriteString(`\u` + hex4(r))
		}
	}
	return b.String()
}

func hex4(r rune) string {
	h := strconv.FormatInt(int64(r), 16)
	return strings.Repeat("0", 4-len(h)) + h
}

// htmlForms returns s HTML-escaped, as html.EscapeString does and with the
// other usual entities for quotes.
func htmlForms(s string) []string {
	e := html.EscapeString(s)
	return []string{e, strings.NewReplacer("&#34;", "&quot;", "&#39;", "&#x27;").Replace(e),
		strings.NewReplacer("&#34;", "&quot;", "&#39;", "&apos;").Replace(e)}
}

// userinfo matches the user-info of a URL in text: scheme://user[:password]@
var userinfo = regexp.MustCompile(`(?i)\b([a-z][a-z0-9+.-]*://)[^/?#@\s"'<>]+@`)

// RedactUserinfo replaces the user-info of every URL in s (a user, and a
// password that may be the secret) by REDACTED: http://REDACTED@host.
func RedactUserinfo(s string) string {
	if !strings.Contains(s, "://") || !strings.Contains(s, "@") {
		return s
	}
	return userinfo.ReplaceAllString(s, "${1}"+redactedValue+"@")
}
