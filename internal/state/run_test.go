package state

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/pcsync/pcsync/internal/api"
	"github.com/pcsync/pcsync/internal/job"
)

func add(email, phone, seg string) job.Job {
	return job.Job{Action: job.SegmentsAdd, Contact: api.Contact{Email: email, Phone: phone}, SegmentID: api.SegmentID(seg)}
}

func remove(email, phone, seg string) job.Job {
	j := add(email, phone, seg)
	j.Action = job.SegmentsRemove
	return j
}

func manage(email string, bulk bool) job.Job {
	return job.Job{Action: job.SubscriptionsManage, Contact: api.Contact{Email: email}, Subs: api.Subscriptions{EmailBulk: &bulk}}
}

func callback(email string, ev api.Event) job.Job {
	return job.Job{Action: job.SubscriptionsCallback, Contact: api.Contact{Email: email}, Event: ev}
}

var clock = func() time.Time { return time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC) }

// apply notes, cuts and commits js, as a run's recorder does.
func apply(t *testing.T, r *Run, js ...job.Job) {
	t.Helper()
	for i := range js {
		r.Applied(&js[i])
	}
	r.Cut()
	if err := r.Commit(); err != nil {
		t.Fatal(err)
	}
}

func unchanged(t *testing.T, r *Run, j job.Job) bool {
	t.Helper()
	_, same, err := r.Unchanged(&j)
	if err != nil {
		t.Fatal(err)
	}
	return same
}

func TestUnchangedOnlyForTheSameCallOfTheSameKey(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "s.db"), Options{Now: clock})
	r := s.Run("")
	defer r.Close()
	apply(t, r,
		add("Ada@Example.com", "", "100500"),
		add("", "+15550100001", "42"),
		manage("bob@example.com", true),
		callback("eve@example.com", api.EventUnsubscribed),
		job.Job{Action: job.SegmentsGet, Contact: api.Contact{Email: "get@example.com"}},
	)
	tests := []struct {
		name string
		j    job.Job
		want bool
	}{
		{"the same add", add("Ada@Example.com", "", "100500"), true},
		{"the same add, email in another case", add("ada@example.com", "", "100500"), false},
		{"the same contact, another segment", add("Ada@Example.com", "", "42"), false},
		{"the same contact with a phone as well", add("Ada@Example.com", "+15550100002", "100500"), false},
		{"the opposite action", remove("Ada@Example.com", "", "100500"), false},
		{"a phone-only add", add("", "+15550100001", "42"), true},
		{"the same flags", manage("bob@example.com", true), true},
		{"other flags", manage("bob@example.com", false), false},
		{"the same event", callback("eve@example.com", api.EventUnsubscribed), true},
		{"another event", callback("eve@example.com", api.EventComplained), false},
		{"a read is never recorded", job.Job{Action: job.SegmentsGet, Contact: api.Contact{Email: "get@example.com"}}, false},
		{"an unknown contact", add("zed@example.com", "", "100500"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := unchanged(t, r, tt.j); got != tt.want {
				t.Errorf("Unchanged = %v, want %v", got, tt.want)
			}
		})
	}
	j := add("Ada@Example.com", "", "100500")
	if since, _, _ := r.Unchanged(&j); !since.Equal(clock()) {
		t.Errorf("applied at %v, want %v", since, clock())
	}
}

func TestOppositeActionsMeet(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "s.db"), Options{Now: clock})
	r := s.Run("")
	defer r.Close()
	a, rm := add("ada@example.com", "", "7"), remove("ada@example.com", "", "7")
	for i, step := range []job.Job{a, rm, a} {
		if unchanged(t, r, step) {
			t.Fatalf("step %d (%s) unchanged: add, remove, add must each be sent", i, step.Action)
		}
		apply(t, r, step)
		if !unchanged(t, r, step) {
			t.Fatalf("step %d (%s) not recorded", i, step.Action)
		}
	}
	if n, _ := s.Len(); n != 1 {
		t.Errorf("%d keys for one contact in one segment", n)
	}
}

func TestNothingIsRecordedBeforeItIsCutAndCommitted(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	s := openTest(t, path, Options{})
	r := s.Run("")
	first, second := add("a@example.com", "", "1"), add("b@example.com", "", "1")
	r.Applied(&first)
	if err := r.Commit(); err != nil { // not cut: its result was not yet flushed
		t.Fatal(err)
	}
	if unchanged(t, r, first) {
		t.Error("a note was committed before it was cut")
	}
	r.Cut()
	r.Applied(&second) // after the cut: the next batch's
	if err := r.Commit(); err != nil {
		t.Fatal(err)
	}
	if !unchanged(t, r, first) || unchanged(t, r, second) {
		t.Error("the commit did not hold exactly the cut notes")
	}
	// A crash now loses the second note: the file holds the first only.
	r.Close()
	s.Close()
	s = openTest(t, path, Options{})
	r = s.Run("")
	defer r.Close()
	if !unchanged(t, r, first) || unchanged(t, r, second) {
		t.Error("reopened: the file does not hold exactly what was committed")
	}
}

func TestTheLastOfTwoNotesOfOneKeyWins(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "s.db"), Options{})
	r := s.Run("")
	defer r.Close()
	apply(t, r, add("a@example.com", "", "1"), remove("a@example.com", "", "1"), add("z@example.com", "", "1"))
	if !unchanged(t, r, remove("a@example.com", "", "1")) {
		t.Error("the earlier note of a key overwrote the later one")
	}
}

// TestHashIsStable pins hashOf: a state file outlives the process and the
// version that wrote it, so the hash of a call must never change.
func TestHashIsStable(t *testing.T) {
	bulk := true
	tests := []struct {
		j    job.Job
		want uint64
	}{
		{add("ada@example.com", "", "100500"), 0x87305e829d7aa5ca},
		{job.Job{Action: job.SubscriptionsManage, Contact: api.Contact{Phone: "+15550100001"}, Subs: api.Subscriptions{EmailBulk: &bulk}}, 0x12a4ad8fb33519ba},
	}
	for _, tt := range tests {
		if got := hashOf(&tt.j); got != tt.want {
			t.Errorf("hashOf(%s %v) = %#x, want %#x", tt.j.Action, tt.j.Contact, got, tt.want)
		}
	}
}

// TestLookupsWhileCommitting runs the feeder's lookups and the recorder's
// commits at once, as a run does (go test -race).
func TestLookupsWhileCommitting(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "s.db"), Options{})
	r := s.Run("")
	defer r.Close()
	const n = 20000
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range n {
			j := add(fmt.Sprintf("u%d@example.com", i), "", "1")
			r.Applied(&j)
			if i%1000 == 999 {
				r.Cut()
				if err := r.Commit(); err != nil {
					t.Error(err)
					return
				}
			}
		}
	}()
	for i := range n {
		j := add(fmt.Sprintf("u%d@example.com", i), "", "1")
		if _, _, err := r.Unchanged(&j); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	for i := range n {
		if !unchanged(t, r, add(fmt.Sprintf("u%d@example.com", i), "", "1")) {
			t.Fatalf("u%d not recorded", i)
		}
	}
	if r.Committed() != n {
		t.Errorf("%d committed, want %d", r.Committed(), n)
	}
}
