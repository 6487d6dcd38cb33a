package shard

import (
	"fmt"
	"strings"

	"github.com/pcsync/pcsync/internal/job"
)

// Key is the scheme of a split: how a row's contact key, which its shard
// is the hash of, is read from its email and phone cells. Every machine
// of one split must use the same Key (and the same country for national
// phones). The zero Key is KeySent.
type Key uint8

const (
	// KeySent keys a row by its contact as sent (job.SentContactKey): the
	// email when the email cell is not empty, else the phone in E.164 when
	// it validates, so that every spelling of one phone is on one shard,
	// as --dedupe, --state and --mirror know it. A phone cell that does
	// not validate is keyed as written. For an email, and for a phone
	// written in E.164 (with or without spaces, dashes, dots and
	// brackets), the key is KeyWritten's: only other spellings move.
	KeySent Key = iota
	// KeyWritten keys a row by its cells as written (job.ContactKey): the
	// assignment of pcsync before KeySent, byte for byte, for a split
	// whose machines are not all upgraded yet.
	KeyWritten
)

var keyNames = [...]string{KeySent: "sent", KeyWritten: "written"}

// String returns the Key's name, as --shard-key takes it.
func (k Key) String() string {
	if int(k) < len(keyNames) {
		return keyNames[k]
	}
	return fmt.Sprintf("Key(%d)", uint8(k))
}

// ParseKey reads a Key by its name, in any case: sent or written.
func ParseKey(v string) (Key, error) {
	name := strings.ToLower(strings.TrimSpace(v))
	for k, n := range keyNames {
		if n == name {
			return Key(k), nil
		}
	}
	return 0, fmt.Errorf("unknown shard key %q (want sent or written)", v)
}

// appendKey appends the contact key, by k, of the row whose email and
// phone cells are given, national phones read as of country.
func (k Key) appendKey(dst []byte, email, phone, country string) []byte {
	if k == KeyWritten {
		return job.AppendContactKey(dst, email, phone)
	}
	return job.AppendSentContactKey(dst, email, phone, country)
}
