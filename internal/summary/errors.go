package summary

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"
)

// ErrorCount is one group of error messages and how many rows had one.
type ErrorCount struct {
	Message string `json:"message"`
	Count   int64  `json:"count"`
}

// Bounds of the error table.
const (
	defaultTopErrors = 5
	defaultMaxGroups = 1000
	maxMessage       = 240 // bytes of a group's message kept, "…" included
)

// errorTable counts error messages by group. Messages that differ only by
// the row's own values, which pcsync quotes ("email \"x@\": ..."), are one
// group. Memory is bounded: at most max groups of at most maxMessage bytes.
type errorTable struct {
	index  map[string]int // group message → position in groups
	groups []ErrorCount
	total  int64  // rows with a message, grouped or not
	buf    []byte // the message being grouped, reused
	limit  int
	topN   int
}

func (t *errorTable) init(top, limit int) {
	if top <= 0 {
		top = defaultTopErrors
	}
	if limit <= 0 {
		limit = defaultMaxGroups
	}
	t.topN, t.limit = top, limit
	t.index = map[string]int{}
}

// add counts one message. Only a message of a new group allocates.
func (t *errorTable) add(msg string) {
	t.total++
	t.buf = appendGroup(t.buf[:0], msg)
	if i, ok := t.index[string(t.buf)]; ok {
		t.groups[i].Count++
		return
	}
	if len(t.groups) >= t.limit {
		return // counted in total only: an other error
	}
	key := string(t.buf)
	t.index[key] = len(t.groups)
	t.groups = append(t.groups, ErrorCount{Message: key, Count: 1})
}

// top returns the topN largest groups, largest first, ties by message;
// topN+1 when that leaves no other error: one group more says more than
// "(other errors)" would.
func (t *errorTable) top() []ErrorCount {
	out := slices.Clone(t.groups)
	slices.SortFunc(out, func(a, b ErrorCount) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return cmp.Compare(a.Message, b.Message)
	})
	var grouped int64
	for _, g := range out {
		grouped += g.Count
	}
	if len(out) > t.topN && !(len(out) == t.topN+1 && grouped == t.total) {
		out = out[:t.topN]
	}
	return out
}

// GroupOf returns the group a message counts in: every double-quoted
// value (as pcsync quotes a row's values, backslash escapes included)
// becomes "…", the number of attempts a retried row had (a final
// " (after N attempts)") is left out, and a message longer than 240 bytes
// is cut short.
func GroupOf(msg string) string { return string(appendGroup(nil, msg)) }

// appendGroup appends the group of msg to dst; see GroupOf.
func appendGroup(dst []byte, msg string) []byte {
	msg = withoutAttempts(msg)
	for i := 0; i < len(msg); {
		c := msg[i]
		if c == '"' {
			if end := closingQuote(msg, i+1); end > 0 {
				dst = append(dst, `"…"`...)
				i = end + 1
				continue
			}
		}
		dst = append(dst, c)
		i++
	}
	if len(dst) > maxMessage {
		const ellipsis = "…"
		cut := maxMessage - len(ellipsis)
		for cut > 0 && !utf8.RuneStart(dst[cut]) {
			cut--
		}
		dst = append(dst[:cut], ellipsis...)
	}
	return dst
}

// closingQuote returns the index of the quote that ends the quoted value
// starting at from, or -1 when it is never closed.
func closingQuote(s string, from int) int {
	for i := from; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

// withoutAttempts returns msg without the " (after N attempts)" the
// worker adds to the error of a row it retried, so that one error is one
// group however many attempts each row had.
func withoutAttempts(msg string) string {
	const prefix, suffix = " (after ", " attempts)"
	rest, ok := strings.CutSuffix(msg, suffix)
	if !ok {
		return msg
	}
	i := len(rest)
	for i > 0 && rest[i-1] >= '0' && rest[i-1] <= '9' {
		i--
	}
	if i == len(rest) || !strings.HasSuffix(rest[:i], prefix) {
		return msg
	}
	return rest[:i-len(prefix)]
}
