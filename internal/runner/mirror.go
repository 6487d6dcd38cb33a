package runner

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/pcsync/pcsync/internal/api"
	"github.com/pcsync/pcsync/internal/csvsource"
	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/keysort"
	"github.com/pcsync/pcsync/internal/state"
	"github.com/pcsync/pcsync/internal/worker"
)

// mirrorPlan is what a mirrored run (--mirror) removes from its segment,
// found before anything is sent.
type mirrorPlan struct {
	segment  api.SegmentID
	members  int      // the segment's contacts as the state knows them
	removals int      // those added by a mirrored run that the file lacks
	list     *os.File // the removals' contacts, one "email\x00phone\n" a line; unlinked
}

// planMirror reads the input at path through, checks that every valid row
// adds to segment seg, and finds the contacts to remove: those the state
// holds as added to seg by a mirrored run whose contact key no row of the
// file has. An invalid row's contact, as written, counts as in the file:
// a typo keeps a contact rather than removes it. The file's contact keys
// are sorted on disk and merged with the state's: memory stays flat.
func planMirror(ctx context.Context, path string, h csvsource.Header, d job.Defaults, seg api.SegmentID, st *state.Store) (*mirrorPlan, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, Usagef("cannot read input: %w", err)
	}
	defer f.Close()
	src, err := csvsource.Open(f, h.Options())
	if err != nil {
		return nil, Usagef("%s: %w", displayName(path), err)
	}
	defer src.Close()
	keys := keysort.New("", 0)
	defer keys.Close()
	for n := 0; ; n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		row, err := src.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, Usagef("%s: %w; nothing was sent", displayName(path), err)
		}
		if err := mirrorRow(keys, &row, d, seg); err != nil {
			return nil, err
		}
	}
	present, err := keys.Sorted()
	if err != nil {
		return nil, err
	}
	m := &mirrorPlan{segment: seg}
	if m.list, err = os.CreateTemp("", "pcsync-removals-*"); err != nil {
		return nil, err
	}
	os.Remove(m.list.Name()) // unlinked at once: nothing is left behind, even by a kill
	w := bufio.NewWriter(m.list)
	m.members, err = st.Removals(seg, present.Next, func(c api.Contact) error {
		m.removals++
		_, err := fmt.Fprintf(w, "%s\x00%s\n", c.Email, c.Phone)
		return err
	})
	if err == nil {
		err = present.Err()
	}
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		_, err = m.list.Seek(0, io.SeekStart)
	}
	if err != nil {
		m.close()
		return nil, fmt.Errorf("--mirror: finding the contacts to remove: %w", err)
	}
	return m, nil
}

// mirrorRow adds the contact keys of one row to keys, or refuses a valid
// row that does not add to the mirrored segment.
func mirrorRow(keys *keysort.Sorter, row *job.Row, d job.Defaults, seg api.SegmentID) error {
	j, err := job.Build(&row.Record, d)
	if err != nil {
		if k := job.ContactKey(row.Record.Email, row.Record.Phone); k != "" {
			return keys.Add(k)
		}
		return nil
	}
	switch {
	case j.Action != job.SegmentsAdd:
		return Usagef("row %d (line %d): action %q: --mirror takes segments/add rows only (the file is the segment's membership); nothing was sent",
			row.Index, row.Line, row.Record.Action)
	case j.SegmentID != seg:
		return Usagef("row %d (line %d): segment_id %q: --mirror --segment-id %s takes rows of that segment only; nothing was sent",
			row.Index, row.Line, row.Record.SegmentID, seg)
	}
	if err := keys.Add(job.ContactKey(j.Contact.Email, j.Contact.Phone)); err != nil {
		return err
	}
	if j.Contact.Email != "" && j.Contact.Phone != "" {
		// The contact may have been added by its phone alone.
		return keys.Add(job.ContactKey("", j.Contact.Phone))
	}
	return nil
}

// share is the part of the segment the removals are.
func (m *mirrorPlan) share() float64 {
	if m.members == 0 {
		return 0
	}
	return float64(m.removals) / float64(m.members)
}

// refused reports whether the removals exceed the share max of the
// segment.
func (m *mirrorPlan) refused(max float64) bool {
	return float64(m.removals) > max*float64(m.members)
}

// close drops the list of removals.
func (m *mirrorPlan) close() {
	if m != nil && m.list != nil {
		m.list.Close()
	}
}

// feed returns the removals as tasks. A removal's row is not an input row
// (its Origin is job.OriginMirror): its cells are the contact's email and phone, and the
// action and segment_id when the input has such columns.
func (m *mirrorPlan) feed(h csvsource.Header) worker.Feed {
	return &removalFeed{m: m, r: bufio.NewReader(m.list), n: len(h.Names),
		email: h.Field("email"), phone: h.Field("phone"), action: h.Field("action"), segment: h.Field("segment_id")}
}

// removalFeed reads the list of removals.
type removalFeed struct {
	m                             *mirrorPlan
	r                             *bufio.Reader
	n                             int
	email, phone, action, segment int
}

func (f *removalFeed) Next() (job.Task, error) {
	line, err := f.r.ReadString('\n')
	if err == io.EOF && line == "" {
		return job.Task{}, io.EOF
	}
	if err != nil {
		return job.Task{}, fmt.Errorf("--mirror: reading the contacts to remove: %w", err)
	}
	email, phone, _ := strings.Cut(strings.TrimSuffix(line, "\n"), "\x00")
	fields := make([]string, f.n)
	set := func(col int, v string) {
		if col >= 0 {
			fields[col] = v
		}
	}
	set(f.email, email)
	set(f.phone, phone)
	set(f.action, string(job.SegmentsRemove))
	set(f.segment, string(f.m.segment))
	return job.Task{
		Row: job.Row{Fields: fields, Origin: job.OriginMirror},
		Job: job.Job{Action: job.SegmentsRemove, Contact: api.Contact{Email: email, Phone: phone}, SegmentID: f.m.segment},
	}, nil
}
