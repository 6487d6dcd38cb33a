package job

import "strings"

// ContactKey returns a row's contact key, its identity for --shard,
// --state and --mirror:
//
//   - "e:" and the email cell with surrounding white space trimmed (as
//     strings.TrimSpace does) and ASCII letters lower-cased, when that is
//     not empty;
//   - else "p:" and the phone cell trimmed, with the spaces, tabs, dashes,
//     dots and brackets that validation strips removed ("+1 (555) 010-0001"
//     and "+15550100001" are one contact), when that is not empty;
//   - else "" (a row with no contact at all).
//
// So the same contact lands on the same shard whatever its action, and a
// row whose email or phone is invalid is still assigned, by the same rule,
// from its cells as written: every row, valid or not, belongs to exactly
// one shard. Only ASCII is lower-cased, so that the key cannot change with
// the Unicode tables of a newer Go: the key must never change (shard's
// golden test pins it, and state files hold it).
func ContactKey(email, phone string) string {
	return string(AppendContactKey(nil, email, phone))
}

// AppendContactKey appends ContactKey(email, phone) to dst.
func AppendContactKey(dst []byte, email, phone string) []byte {
	if e := strings.TrimSpace(email); e != "" {
		dst = append(dst, "e:"...)
		for i := 0; i < len(e); i++ {
			c := e[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
		}
		return dst
	}
	if p := strings.TrimSpace(phone); p != "" {
		dst = append(dst, "p:"...)
		for i := 0; i < len(p); i++ {
			switch c := p[i]; c {
			case ' ', '\t', '-', '.', '(', ')':
			default:
				dst = append(dst, c)
			}
		}
	}
	return dst
}
