package job

import "strings"

// ContactKey returns a contact's key, its identity for --dedupe, --state
// and --mirror (of the contact as sent) and for --shard (SentContactKey;
// with --shard-key written, of the cells as written):
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

// SentContactKey returns the contact key of a row as Build would send its
// contact, national phones read with country (--default-country, "" for
// none): ContactKey of the email when the email cell is not empty; else,
// when the phone cell is a valid phone, "p:" and its E.164 form, so that
// "+44 (0) 7700 900123", "0044 7700 900123" and "+447700900123" (and
// "07700 900123" with country GB) are one key; else ContactKey of the
// cells as written, so that every row, valid or not, has a key.
//
// For a phone written in E.164, with or without the spaces, dashes, dots
// and brackets ContactKey drops, and for digits without a leading + or 0,
// it equals ContactKey. The phone is parsed only when the email cell is
// empty and the phone cell is not (about 9 µs, BenchmarkPhone).
func SentContactKey(email, phone, country string) string {
	return string(AppendSentContactKey(nil, email, phone, country))
}

// AppendSentContactKey appends SentContactKey(email, phone, country) to dst.
func AppendSentContactKey(dst []byte, email, phone, country string) []byte {
	if strings.TrimSpace(email) == "" && strings.TrimSpace(phone) != "" {
		var p Problems
		if sent, ok := checkPhone(phone, country, &p); ok {
			return AppendContactKey(dst, "", sent)
		}
	}
	return AppendContactKey(dst, email, phone)
}
