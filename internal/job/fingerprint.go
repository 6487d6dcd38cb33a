package job

import "hash/maphash"

var fingerprintSeed = maphash.MakeSeed()

// Fingerprint hashes everything j would send (action, contact and
// parameters, as normalized) to 64 bits, so exact duplicates can be found
// without keeping rows. It is stable within a process only.
func (j *Job) Fingerprint() uint64 {
	var h maphash.Hash
	h.SetSeed(fingerprintSeed)
	for _, s := range []string{string(j.Action), j.Contact.Email, j.Contact.Phone, string(j.SegmentID), string(j.Event)} {
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
