package runner

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pcsync/pcsync/internal/api"
	"github.com/pcsync/pcsync/internal/csvsource"
	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/results"
	"github.com/pcsync/pcsync/internal/summary"
	"github.com/pcsync/pcsync/internal/worker"
)

// memState is an Incremental kept in memory, checking the order of the
// calls it gets: a note is cut only once its result was flushed, and
// committed only after a sync that followed the cut.
type memState struct {
	t    *testing.T
	sink *countingSink

	mu        sync.Mutex
	committed map[string]bool // contact email -> applied
	pending   []string
	cut       []string
	asked     map[job.Action]int
	syncs     int // Config.Sync calls so far
	cutAtSync int // syncs when the last non-empty cut was made
	commits   int // commits that made notes durable
}

func newMemState(t *testing.T, sink *countingSink, applied ...string) *memState {
	m := &memState{t: t, sink: sink, committed: map[string]bool{}, asked: map[job.Action]int{}}
	for _, e := range applied {
		m.committed[e] = true
	}
	return m
}

func (m *memState) Unchanged(j *job.Job) (time.Time, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.asked[j.Action]++
	return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), m.committed[j.Contact.Email], nil
}

func (m *memState) Applied(j *job.Job) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.pending = append(m.pending, j.Contact.Email)
}

func (m *memState) Cut() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.pending) == 0 {
		return
	}
	if w, f := m.sink.counts(); w != f {
		m.t.Errorf("cut with %d results written but %d flushed", w, f)
	}
	m.cut = append(m.cut, m.pending...)
	m.pending = m.pending[:0]
	m.cutAtSync = m.syncs
}

func (m *memState) Commit() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.cut) == 0 {
		return nil
	}
	if m.syncs == m.cutAtSync {
		m.t.Errorf("commit of %d notes before the results were synced", len(m.cut))
	}
	for _, e := range m.cut {
		m.committed[e] = true
	}
	m.cut = m.cut[:0]
	m.commits++
	return nil
}

func (m *memState) sync() error {
	m.mu.Lock()
	m.syncs++
	m.mu.Unlock()
	return nil
}

// countingSink is a results writer that counts what was written and what
// was flushed.
type countingSink struct {
	*results.Writer
	mu               sync.Mutex
	written, flushed int
}

func (s *countingSink) Write(r *job.Result) error {
	s.mu.Lock()
	s.written++
	s.mu.Unlock()
	return s.Writer.Write(r)
}

func (s *countingSink) Flush() error {
	s.mu.Lock()
	s.flushed = s.written
	s.mu.Unlock()
	return s.Writer.Flush()
}

func (s *countingSink) counts() (int, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.written, s.flushed
}

func TestRunWithIncremental(t *testing.T) {
	em, c := setup(t)
	const n = 100 // input(n): every fifth invalid, even rows get, odd rows add
	src, err := csvsource.Open(strings.NewReader(input(n)), csvsource.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var res bytes.Buffer
	w, err := results.NewWriter(&res, nil, src.Header(), results.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sink := &countingSink{Writer: w}
	// Rows 1 and 3 (adds) were applied by an earlier run; so was the
	// contact of row 2, a get, which is sent all the same.
	st := newMemState(t, sink, "u1@example.com", "u2@example.com", "u3@example.com")
	sum := summary.New(summary.Options{})
	err = Run(context.Background(), Config{
		Source: src, Pool: worker.New(c, worker.Options{Workers: 4}), Workers: 4,
		Sink: sink, Sync: st.sync, SyncEvery: time.Millisecond, Summary: sum, Incremental: st,
	})
	if err != nil {
		t.Fatal(err)
	}
	adds := 0 // rows 1, 3, 7, 9, 11, 13, ...: odd, not a multiple of 5
	for i := 1; i <= n; i++ {
		if i%2 == 1 && i%5 != 0 {
			adds++
		}
	}
	if got := sum.Status(job.StatusUnchanged); got != 2 {
		t.Errorf("%d rows unchanged, want 2", got)
	}
	if got := em.Stats().Applied["/segments/add"]; got != int64(adds-2) {
		t.Errorf("%d adds sent, want %d", got, adds-2)
	}
	if st.asked[job.SegmentsGet] != 0 || st.asked[job.SegmentsAdd] != adds {
		t.Errorf("asked about %v, want only the %d adds", st.asked, adds)
	}
	if st.commits == 0 || len(st.committed) != adds+1 {
		t.Errorf("%d commits, %d contacts recorded, want the %d adds and the get's contact", st.commits, len(st.committed), adds)
	}
	recs, err := csv.NewReader(&res).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs[1:] {
		if r[0] == "1" && (r[5] != "unchanged" || r[8] != "not sent: applied with the same parameters at 2026-01-02T03:04:05Z") {
			t.Errorf("row 1: %q", r)
		}
	}
}

// recordingFeed is a Feed of removal-like tasks that notes whether the
// input was all read when it was first asked.
type recordingFeed struct {
	src       *gatedSource
	tasks     []job.Task
	earlyCall bool
}

func (f *recordingFeed) Next() (job.Task, error) {
	if len(f.src.rows) > 0 {
		f.earlyCall = true
	}
	if len(f.tasks) == 0 {
		return job.Task{}, io.EOF
	}
	t := f.tasks[0]
	f.tasks = f.tasks[1:]
	return t, nil
}

func TestRunSendsThenTasksAfterTheInput(t *testing.T) {
	em, c := setup(t)
	src := &gatedSource{next: make(chan struct{}, 10)}
	for i := 1; i <= 3; i++ {
		src.rows = append(src.rows, job.Row{Index: i, Line: i + 1, Fields: []string{"add"},
			Record: job.Record{Email: "ada@example.com", Action: "segments/add", SegmentID: "42"}})
		src.next <- struct{}{}
	}
	then := &recordingFeed{src: src}
	for _, e := range []string{"x@example.com", "y@example.com"} {
		then.tasks = append(then.tasks, job.Task{Row: job.Row{Fields: []string{"remove"}, Origin: job.OriginMirror},
			Job: job.Job{Action: job.SegmentsRemove, Contact: api.Contact{Email: e}, SegmentID: "42"}})
	}
	var res bytes.Buffer
	h := csvsource.Header{Names: []string{"kind"}, Keys: []string{"kind"}, Comma: ','}
	w, _ := results.NewWriter(&res, nil, h, results.Options{})
	sum := summary.New(summary.Options{})
	if err := Run(context.Background(), Config{Source: src, Pool: worker.New(c, worker.Options{Workers: 2}),
		Sink: w, Summary: sum, Then: then}); err != nil {
		t.Fatal(err)
	}
	if then.earlyCall {
		t.Error("Then was asked for a task before the input's last row was read")
	}
	if sum.Total() != 5 || sum.RemovalsNotDone() != 0 || em.Stats().Applied["/segments/remove"] != 2 {
		t.Errorf("%d results (%d removals not done), %v", sum.Total(), sum.RemovalsNotDone(), em.Stats().Applied)
	}
	recs, _ := csv.NewReader(&res).ReadAll()
	for _, r := range recs[1:] {
		if (r[1] == "remove") != (r[0] == "") {
			t.Errorf("record %q: a removal has an empty row column, an input row its number", r)
		}
	}
}
