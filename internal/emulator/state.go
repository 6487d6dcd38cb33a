package emulator

import (
	"slices"
	"sync"
)

// staticSegment is the only segment type that accepts writes.
const staticSegment = "static"

// store is the shop's database: contacts, segments and hard-bounced emails.
// One mutex guards it all; callers parse and validate outside the lock, so
// every critical section is a few map operations.
type store struct {
	mu       sync.Mutex
	byEmail  map[string]*contact
	byPhone  map[string]*contact
	segments map[string]*segment
	bounced  map[string]struct{} // emails a hard_bounced event was sent for
}

// contact is one contact of the shop. It is indexed by its email and by its
// phone, whichever it has.
type contact struct {
	email    string
	phone    string
	segments []string // ids of the segments holding the contact, sorted
	subsSet  flags    // subscription flags ever set
	subsOn   flags    // their values; a subset of subsSet
	status   string   // "", or the status of the last callback event
}

// segment is one segment of the shop.
type segment struct {
	kind string // "static", "dynamic" or "rfm"
	size int    // contacts it holds
}

// segmentRef is a segment holding a contact, as segments/get lists it.
type segmentRef struct {
	id   string
	kind string
}

// init readies s with the pre-existing segments segs (id -> type).
func (s *store) init(segs map[string]string) {
	s.byEmail = make(map[string]*contact)
	s.byPhone = make(map[string]*contact)
	s.bounced = make(map[string]struct{})
	s.segments = make(map[string]*segment, len(segs))
	for id, kind := range segs {
		s.segments[id] = &segment{kind: kind}
	}
}

// lookup returns the contact the API means by email and phone (normalized,
// either may be empty): the email's contact if the email is known, else
// the phone's. It returns nil for an unknown contact. s.mu must be held.
func (s *store) lookup(email, phone string) *contact {
	if email != "" {
		if c := s.byEmail[email]; c != nil {
			return c
		}
	}
	if phone != "" {
		return s.byPhone[phone]
	}
	return nil
}

// resolve returns the contact a write means by email and phone, creating it
// when unknown. A contact found by one identifier is given the other if it
// has none and no other contact holds it. s.mu must be held.
func (s *store) resolve(email, phone string) *contact {
	c := s.lookup(email, phone)
	if c == nil {
		c = new(contact)
	}
	if email != "" && c.email == "" && s.byEmail[email] == nil {
		c.email = email
		s.byEmail[email] = c
	}
	if phone != "" && c.phone == "" && s.byPhone[phone] == nil {
		c.phone = phone
		s.byPhone[phone] = c
	}
	return c
}

// add puts the contact in segment id, creating both as needed. It refuses,
// returning the segment's type, when the segment is not static.
func (s *store) add(id, email, phone string) (kind string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	seg := s.segments[id]
	if seg == nil {
		seg = &segment{kind: staticSegment}
		s.segments[id] = seg
	}
	if seg.kind != staticSegment {
		return seg.kind, false
	}
	c := s.resolve(email, phone)
	if i, found := slices.BinarySearch(c.segments, id); !found {
		c.segments = slices.Insert(c.segments, i, id)
		seg.size++
	}
	return seg.kind, true
}

// remove takes the contact out of segment id. An unknown contact or segment
// is left alone. It refuses, returning the segment's type, when the segment
// is not static.
func (s *store) remove(id, email, phone string) (kind string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	seg := s.segments[id]
	if seg == nil {
		return staticSegment, true
	}
	if seg.kind != staticSegment {
		return seg.kind, false
	}
	c := s.lookup(email, phone)
	if c == nil {
		return seg.kind, true
	}
	if i, found := slices.BinarySearch(c.segments, id); found {
		c.segments = slices.Delete(c.segments, i, i+1)
		seg.size--
	}
	return seg.kind, true
}

// segmentsOf returns the segments holding the contact, sorted by id; none
// for an unknown contact.
func (s *store) segmentsOf(email, phone string) []segmentRef {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.lookup(email, phone)
	if c == nil {
		return nil
	}
	refs := make([]segmentRef, len(c.segments))
	for i, id := range c.segments {
		refs[i] = segmentRef{id: id, kind: s.segments[id].kind}
	}
	return refs
}

// manage sets the subscription flags in set to their values in on, creating
// the contact as needed.
func (s *store) manage(email, phone string, set, on flags) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resolve(email, phone).setFlags(set, on)
}

// callback applies ev to the contact of email. hard_bounced deletes the
// contact, if any, and remembers the email; the other events create the
// contact as needed.
func (s *store) callback(email string, ev event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ev == eventHardBounced {
		s.bounced[email] = struct{}{}
		if c := s.byEmail[email]; c != nil {
			s.delete(c)
		}
		return
	}
	c := s.resolve(email, "")
	c.status = ev.String()
	switch ev {
	case eventComplained:
		c.setFlags(emailFlags, 0)
	case eventUnsubscribed:
		c.setFlags(allFlags, 0)
	}
}

// delete removes c from its segments and from the shop. s.mu must be held.
func (s *store) delete(c *contact) {
	for _, id := range c.segments {
		s.segments[id].size--
	}
	if c.email != "" {
		delete(s.byEmail, c.email)
	}
	if c.phone != "" {
		delete(s.byPhone, c.phone)
	}
}

// setFlags sets the flags in set to their values in on.
func (c *contact) setFlags(set, on flags) {
	c.subsSet |= set
	c.subsOn = c.subsOn&^set | on&set
}
