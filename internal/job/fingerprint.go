package job

import "hash/maphash"

var fingerprintSeed = maphash.MakeSeed()

// Fingerprint hashes everything j would send (action, contact and
// parameters, as normalized) to 64 bits, so exact duplicates can be found
// without keeping rows. It is stable within a process only. The email is
// compared as ContactKey compares it, its ASCII letters in lower case, so
// that --dedupe agrees with --shard and --state on what one contact is.
func (j *Job) Fingerprint() uint64 {
	var h maphash.Hash
	h.SetSeed(fingerprintSeed)
	h.WriteString(string(j.Action))
	h.WriteByte(0)
	for i := 0; i < len(j.Contact.Email); i++ {
		c := j.Contact.Email[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		h.WriteByte(c)
	}
	h.WriteByte(0)
	for _, s := range []string{j.Contact.Phone, string(j.SegmentID), string(j.Event)} {
		h.WriteString(s)
		h.WriteByte(0)
	}
	for _, b := range []*bool{j.Subs.EmailBulk, j.Subs.EmailChain, j.Subs.EmailTransactional, j.Subs.SMSBulk, j.Subs.SMSChain, j.Subs.SMSTransactional} {
		switch {
		case b == nil:
			h.WriteByte('-')
		case *b:
			h.WriteByte('1')
		default:
			h.WriteByte('0')
		}
	}
	return h.Sum64()
}
