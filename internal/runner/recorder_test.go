package runner

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pcsync/pcsync/internal/csvsource"
	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/summary"
	"github.com/pcsync/pcsync/internal/worker"
)

// gatedSource yields its rows one at a time, each only once the test lets
// it, then io.EOF.
type gatedSource struct {
	rows []job.Row
	next chan struct{}
}

func (s *gatedSource) Next() (job.Row, error) {
	if len(s.rows) == 0 {
		return job.Row{}, io.EOF
	}
	<-s.next
	r := s.rows[0]
	s.rows = s.rows[1:]
	return r, nil
}

// flushLog is a sink that reports each flush of newly written results.
type flushLog struct {
	mu      sync.Mutex
	written int
	flushed chan int // rows written so far, at each flush that had new ones
	last    int
	syncs   int
}

func (s *flushLog) Write(*job.Result) error {
	s.mu.Lock()
	s.written++
	s.mu.Unlock()
	return nil
}

func (s *flushLog) Flush() error {
	s.mu.Lock()
	n := s.written
	s.mu.Unlock()
	if n > s.last {
		s.last = n
		s.flushed <- n
	}
	return nil
}

// TestRecorderFlushesEachResultWithoutWaitingForTheRun: a finished row
// reaches the operating system while the run goes on, not at the end (a
// crash must not lose it); the end flushes and syncs the rest.
func TestRecorderFlushesEachResultWithoutWaitingForTheRun(t *testing.T) {
	_, c := setup(t)
	src := &gatedSource{next: make(chan struct{})}
	for i := 1; i <= 3; i++ {
		src.rows = append(src.rows, job.Row{Index: i, Line: i + 1,
			Record: job.Record{Email: "ada@example.com", Action: "segments/get"}})
	}
	sink := &flushLog{flushed: make(chan int, 10)}
	var syncs int
	done := make(chan error, 1)
	go func() {
		done <- Run(context.Background(), Config{Source: src, Pool: worker.New(c, worker.Options{Workers: 1}),
			Sink: sink, SyncEvery: time.Hour, Sync: func() error { syncs++; return nil }})
	}()
	for i := 1; i <= 3; i++ {
		src.next <- struct{}{} // row i may be read
		select {
		case n := <-sink.flushed:
			if n != i {
				t.Fatalf("flush after row %d holds %d rows", i, n)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("row %d was not flushed while the run waited for the next row", i)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if syncs != 1 {
		t.Errorf("%d syncs, want 1 at the end", syncs)
	}
}

// TestRecorderReportsAFailedSync: a failure to make results durable stops
// the run like a failure to write them.
func TestRecorderReportsAFailedSync(t *testing.T) {
	_, c := setup(t)
	src, err := csvsource.Open(strings.NewReader(input(20)), csvsource.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	errSync := errors.New("fsync: input/output error")
	err = Run(context.Background(), Config{Source: src, Pool: worker.New(c, worker.Options{Workers: 2}),
		Sink: &flushLog{flushed: make(chan int, 100)}, Sync: func() error { return errSync }})
	if !errors.Is(err, ErrSink) || !errors.Is(err, errSync) {
		t.Errorf("Run = %v, want ErrSink wrapping the sync's error", err)
	}
}

// TestSummaryCountsEveryRowWhenResultsCannotBeWritten: once the results
// cannot be written, the run stops, and the summary still counts every
// row: the one whose write failed as it ended, the rest skipped.
func TestSummaryCountsEveryRowWhenResultsCannotBeWritten(t *testing.T) {
	_, c := setup(t)
	src, err := csvsource.Open(strings.NewReader(input(50)), csvsource.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	sum := summary.New(summary.Options{})
	err = Run(context.Background(), Config{Source: src, Pool: worker.New(c, worker.Options{Workers: 1}),
		Sink: &failingSink{after: 7}, Summary: sum})
	var we *WriteError
	if !errors.Is(err, ErrSink) || !errors.As(err, &we) || we.Row != 8 {
		t.Fatalf("Run = %v, want ErrSink at row 8", err)
	}
	if got := sum.Total(); got != 50 {
		t.Errorf("summary counted %d results, want all 50", got)
	}
	// The rows after it are skipped (or invalid: input's every fifth).
	if ok, rest := sum.Status(job.StatusOK), sum.Status(job.StatusSkipped)+sum.Status(job.StatusInvalid); ok > 8 || rest < 42 {
		t.Errorf("summary counted %d ok, %d skipped or invalid; want the 42 rows after the failure not sent", ok, rest)
	}
}
