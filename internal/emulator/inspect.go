package emulator

import "slices"

// Contact is a contact as the emulator stores it.
type Contact struct {
	Email, Phone  string          // normalized as stored
	Segments      []string        // ids of the segments holding the contact, sorted; nil for none
	Subscriptions map[string]bool // the subscription flags ever set, by parameter name; nil for none
	Status        string          // "", "complained", "blacklisted" or "unsubscribed"
}

// Contact returns the contact that email and phone identify, looked up as
// the API does: by email if it is known, else by phone. It reports false
// for an unknown contact.
func (e *Emulator) Contact(email, phone string) (Contact, bool) {
	s := &e.store
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.lookup(normalizeEmail(email), normalizePhone(phone))
	if c == nil {
		return Contact{}, false
	}
	out := Contact{
		Email:    c.email,
		Phone:    c.phone,
		Segments: slices.Clone(c.segments),
		Status:   c.status,
	}
	if len(out.Segments) == 0 {
		out.Segments = nil
	}
	if c.subsSet != 0 {
		out.Subscriptions = make(map[string]bool, len(flagNames))
		for i, name := range flagNames {
			if bit := flags(1) << i; c.subsSet&bit != 0 {
				out.Subscriptions[name] = c.subsOn&bit != 0
			}
		}
	}
	return out, true
}

// HardBounced reports whether a hard_bounced event was accepted for email,
// which deleted its contact if there was one. It stays true if the email is
// later written again.
func (e *Emulator) HardBounced(email string) bool {
	s := &e.store
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.bounced[normalizeEmail(email)]
	return ok
}

// SegmentSize returns the number of contacts segment id holds; 0 for an
// unknown segment.
func (e *Emulator) SegmentSize(id string) int {
	s := &e.store
	s.mu.Lock()
	defer s.mu.Unlock()
	if seg := s.segments[id]; seg != nil {
		return seg.size
	}
	return 0
}
