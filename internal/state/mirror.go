package state

import (
	"bytes"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/pcsync/pcsync/internal/api"
	"github.com/pcsync/pcsync/internal/job"
)

// Removals finds what a mirrored run of segment id removes: every contact
// the state holds as added to the segment by a mirrored run whose contact
// key is not among present's. present yields the contact keys of today's
// file (shard.Key) in ascending byte order, each once; remove is called
// for each contact to remove, in key order, with the contact as the add
// sent it. Both go through the segment's keys once, side by side: memory
// stays flat whatever their number.
//
// It returns the segment's members as the state knows them: the contacts
// whose last call applied to the segment was an add, mirrored or not.
func (s *Store) Removals(id api.SegmentID, present func() (string, bool), remove func(api.Contact) error) (members int, err error) {
	if s.db == nil {
		return 0, nil
	}
	if err := s.damaged(); err != nil {
		return 0, err
	}
	defer s.recoverDamage(&err)
	defer guardFaults()()
	prefix := appendSegmentPrefix(nil, string(id))
	p, more := present()
	err = s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketApplied).Cursor()
		n := 0
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if n++; n%readsPerRelease == 0 {
				release(tx) // the cursor's current page is mapped back in as it is read
			}
			if len(v) < valTail || int(v[valAction]) >= len(job.Actions) {
				return fmt.Errorf("%s: %w (key %q)", s.path, errBadValue, k)
			}
			if job.Actions[v[valAction]] != job.SegmentsAdd {
				continue
			}
			members++
			if v[valFlags]&flagMirrored == 0 {
				continue
			}
			ck := k[len(prefix):]
			for more && p < string(ck) {
				p, more = present()
			}
			if more && p == string(ck) {
				continue
			}
			e, err := decodeValue(v, string(ck))
			if err != nil {
				return err
			}
			if err := remove(e.Contact); err != nil {
				return err
			}
		}
		return nil
	})
	return members, err
}
