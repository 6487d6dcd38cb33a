package csvsource

import (
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pcsync/pcsync/internal/job"
)

// synonyms are the header names, normalized, that mean a known field
// without --map: the names CRMs and spreadsheets export.
var synonyms = map[string]string{
	"e_mail": "email", "email_address": "email", "e_mail_address": "email", "mail": "email",
	"emailaddress": "email", "email_addr": "email",

	"mobile": "phone", "mobile_phone": "phone", "mobile_number": "phone", "phone_number": "phone",
	"cell": "phone", "cell_phone": "phone", "telephone": "phone", "tel": "phone", "msisdn": "phone",
	"phonenumber": "phone", "mobile_phone_number": "phone", "cell_number": "phone",

	"segment": "segment_id", "segmentid": "segment_id", "segment_number": "segment_id",

	"event_type": "event",
}

// Synonyms returns the built-in synonyms of field, normalized and sorted.
func Synonyms(field string) []string {
	var out []string
	for k, f := range synonyms {
		if f == field {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// Map is --map: the field each header name (normalized) is read as.
type Map map[string]string

// ParseMap reads --map's value: `Header=field,Other Header=field`. Header
// names are matched as the header's are (case, spaces, '-' and '_'); each
// field must be one of KnownKeys, or empty (`Mobile=`): the column is then
// read as no field, as a way out of two columns meaning one field. A
// header may be named once.
func ParseMap(v string) (Map, error) {
	m := Map{}
	if strings.TrimSpace(v) == "" {
		return m, nil
	}
	for _, pair := range strings.Split(v, ",") {
		name, field, ok := strings.Cut(pair, "=")
		key := normalizeKey(name)
		if !ok || key == "" {
			return nil, fmt.Errorf("%q is not Header=field", strings.TrimSpace(pair))
		}
		f := normalizeKey(field)
		if f != "" && knownIndex(f) < 0 {
			return nil, fmt.Errorf("%q: %q is not a field (want one of %s)", strings.TrimSpace(pair), strings.TrimSpace(field), strings.Join(knownKeys[:], ", "))
		}
		if _, dup := m[key]; dup {
			return nil, fmt.Errorf("%q is mapped twice", strings.TrimSpace(name))
		}
		m[key] = f
	}
	return m, nil
}

// String writes m back as --map takes it, sorted by header.
func (m Map) String() string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		keys[i] = k + "=" + m[k]
	}
	return strings.Join(keys, ",")
}

// fieldOf returns the field a normalized header key is read as, and how:
// "map" (--map), "name" (the field's own name), "synonym", or "" and "" for
// a column no field reads. With literal, only the fields' own names count.
func (m Map) fieldOf(key string, literal bool) (field, how string) {
	if f, ok := m[key]; ok {
		return f, "map"
	}
	if literal {
		if knownIndex(key) >= 0 {
			return key, "name"
		}
		return "", ""
	}
	if knownIndex(key) >= 0 {
		return key, "name"
	}
	if f, ok := synonyms[key]; ok {
		return f, "synonym"
	}
	return "", ""
}

// Mapping is one column a field reads under another name.
type Mapping struct {
	Column int    // 1-based
	Name   string // as written in the file
	Field  string
	ByMap  bool // from --map, not a built-in synonym
}

// Mappings returns the columns read as a field whose name is not the
// field's own: synonyms and --map.
func (h Header) Mappings() []Mapping {
	var out []Mapping
	for i, f := range h.Fields {
		if f != "" && h.Keys[i] != f {
			out = append(out, Mapping{Column: i + 1, Name: h.Names[i], Field: f, ByMap: h.byMap != nil && h.byMap[i]})
		}
	}
	return out
}

// Unused is a column no field reads: it is carried into the results
// untouched. Suggest is the field its name is close to ("" for none).
type Unused struct {
	Column  int // 1-based
	Name    string
	Suggest string
}

// Unused returns the columns no field reads, with a suggestion for those
// whose name is close to a field not otherwise read.
func (h Header) Unused() []Unused {
	var out []Unused
	for i, f := range h.Fields {
		if f != "" {
			continue
		}
		u := Unused{Column: i + 1, Name: h.Names[i]}
		if s := suggest(h.Keys[i]); s != "" && h.Field(s) < 0 {
			u.Suggest = s
		}
		out = append(out, u)
	}
	return out
}

// suggest returns the field a normalized name looks like a misspelling or
// a variant of: within a small edit distance of the field or of one of its
// synonyms, or holding one of them as a whole word ("customer_email",
// "segment_name").
func suggest(key string) string {
	if key == "" {
		return ""
	}
	best, bestD := "", 3
	try := func(name, field string) {
		limit := 2
		if len(name) <= 4 {
			limit = 1
		}
		if d := EditDistance(key, name); d <= limit && d < bestD {
			best, bestD = field, d
		}
	}
	for _, f := range knownKeys {
		try(f, f)
	}
	for s, f := range synonyms {
		try(s, f)
	}
	if best != "" {
		return best
	}
	words := strings.Split(key, "_")
	for _, w := range words {
		if knownIndex(w) >= 0 {
			return w
		}
		if f, ok := synonyms[w]; ok && len(w) > 3 {
			return f
		}
	}
	return ""
}

// EditDistance is the Levenshtein distance between a and b, by bytes, with
// a swap of two neighbouring letters counted as one edit; names longer than
// 64 bytes are 64 apart (their suggestions are not worth the time).
func EditDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 64
	}
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// Printable returns v as it is when every character prints (spaces
// included), else quoted as Quote does: a header name in a message never
// carries a control or invalid byte to the terminal.
func Printable(v string) string {
	for _, r := range v {
		if r == utf8.RuneError || (!unicode.IsPrint(r) && r != ' ') {
			return Quote(v)
		}
	}
	return v
}

// Quote quotes a header name or cell for a message to a terminal, as
// job.Quote does: no control or invalid byte is printed raw; a long one is
// shortened.
func Quote(v string) string { return job.Quote(v) }
