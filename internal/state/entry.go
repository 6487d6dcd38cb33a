package state

import (
	"encoding/binary"
	"errors"
	"hash/fnv"
	"strings"
	"time"

	"github.com/pcsync/pcsync/internal/api"
	"github.com/pcsync/pcsync/internal/job"
)

// The first byte of a key says what it is keyed by; the contact key
// (shard.Key: "e:" and the email, else "p:" and the phone) comes last.
// Opposite actions share a key, so that the last one applied is the one
// remembered: add and remove of a contact to one segment meet.
const (
	kindSegment  = 's' // 's' segment_id 0 contact: segments/add and segments/remove
	kindManage   = 'm' // 'm' contact: subscriptions/manage
	kindCallback = 'c' // 'c' event 0 contact: subscriptions/callback
)

// appendKey appends j's key to dst; nil for an action that does not write.
func appendKey(dst []byte, j *job.Job) []byte {
	switch j.Action {
	case job.SegmentsAdd, job.SegmentsRemove:
		dst = appendSegmentPrefix(dst, string(j.SegmentID))
	case job.SubscriptionsManage:
		dst = append(dst, kindManage)
	case job.SubscriptionsCallback:
		dst = append(dst, kindCallback)
		dst = append(dst, j.Event...)
		dst = append(dst, 0)
	default:
		return nil
	}
	return append(dst, job.ContactKey(j.Contact.Email, j.Contact.Phone)...)
}

// appendSegmentPrefix appends the part of a key every contact of segment
// id shares.
func appendSegmentPrefix(dst []byte, id string) []byte {
	dst = append(dst, kindSegment)
	dst = append(dst, id...)
	return append(dst, 0)
}

// hashOf hashes everything j sends, as normalized (the action, the contact
// as sent, the segment, the event, the subscription flags), with 64-bit
// FNV-1a: the same in every process and every version, since the state
// outlives them. It is never 0.
func hashOf(j *job.Job) uint64 {
	h := fnv.New64a()
	for _, s := range []string{string(j.Action), j.Contact.Email, j.Contact.Phone, string(j.SegmentID), string(j.Event)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	var flags [6]byte
	for i, b := range []*bool{j.Subs.EmailBulk, j.Subs.EmailChain, j.Subs.EmailTransactional, j.Subs.SMSBulk, j.Subs.SMSChain, j.Subs.SMSTransactional} {
		switch {
		case b == nil:
			flags[i] = '-'
		case *b:
			flags[i] = '1'
		default:
			flags[i] = '0'
		}
	}
	h.Write(flags[:])
	return max(h.Sum64(), 1)
}

// Entry is what the state holds for a key: the last call applied for it.
type Entry struct {
	Action   job.Action
	Mirrored bool      // a segments/add applied by a --mirror run of its segment
	Hash     uint64    // of the parameters sent (hashOf)
	At       time.Time // when the API answered success, to the second
	// Contact is the contact as sent, for a segments entry (a mirrored run
	// removes it with the same identifiers); for other entries only the
	// part the key holds.
	Contact api.Contact
	// SegmentID or Event is the rest of the key, for a segments or a
	// callback entry.
	SegmentID api.SegmentID
	Event     api.Event
}

// The value's layout: the action's index in job.Actions, the flags, the
// hash and the time in Unix seconds (big-endian), then, for a segments
// entry whose contact is not all in its key, the email as sent, a zero
// byte and the phone.
const (
	valAction    = 0
	valFlags     = 1
	valHash      = 2
	valAt        = 10
	valTail      = 18
	flagMirrored = 1 << 0
)

// appendValue appends the value of e to dst; key is e's key.
func appendValue(dst []byte, e *Entry, contactKey string) []byte {
	var flags byte
	if e.Mirrored {
		flags |= flagMirrored
	}
	dst = append(dst, byte(e.Action.Index()), flags)
	dst = binary.BigEndian.AppendUint64(dst, e.Hash)
	dst = binary.BigEndian.AppendUint64(dst, uint64(e.At.Unix()))
	if e.Action != job.SegmentsAdd && e.Action != job.SegmentsRemove {
		return dst
	}
	c := e.Contact
	if c.Email == "" || (c.Phone == "" && "e:"+c.Email == contactKey) {
		return dst // the key says it all
	}
	dst = append(dst, c.Email...)
	dst = append(dst, 0)
	return append(dst, c.Phone...)
}

var errBadValue = errors.New("state: a record is damaged")

// decodeValue reads a value; contactKey is the contact part of its key.
func decodeValue(v []byte, contactKey string) (Entry, error) {
	if len(v) < valTail || int(v[valAction]) >= len(job.Actions) {
		return Entry{}, errBadValue
	}
	e := Entry{
		Action:   job.Actions[v[valAction]],
		Mirrored: v[valFlags]&flagMirrored != 0,
		Hash:     binary.BigEndian.Uint64(v[valHash:]),
		At:       time.Unix(int64(binary.BigEndian.Uint64(v[valAt:])), 0).UTC(),
	}
	if tail := v[valTail:]; len(tail) > 0 {
		email, phone, _ := strings.Cut(string(tail), "\x00")
		e.Contact = api.Contact{Email: email, Phone: phone}
	} else if email, ok := strings.CutPrefix(contactKey, "e:"); ok {
		e.Contact.Email = email
	} else if phone, ok := strings.CutPrefix(contactKey, "p:"); ok {
		e.Contact.Phone = phone
	}
	return e, nil
}

// decodeKey fills in e what key says: its segment or event, and the
// contact part, which it returns.
func decodeKey(key []byte, e *Entry) string {
	if len(key) == 0 {
		return ""
	}
	if key[0] == kindManage {
		return string(key[1:])
	}
	i := indexZero(key)
	if i < 0 {
		return ""
	}
	switch key[0] {
	case kindSegment:
		e.SegmentID = api.SegmentID(key[1:i])
	case kindCallback:
		e.Event = api.Event(key[1:i])
	}
	return string(key[i+1:])
}

func indexZero(b []byte) int {
	for i, c := range b {
		if c == 0 {
			return i
		}
	}
	return -1
}
