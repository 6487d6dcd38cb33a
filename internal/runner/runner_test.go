package runner

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pcsync/pcsync/internal/api"
	"github.com/pcsync/pcsync/internal/csvsource"
	"github.com/pcsync/pcsync/internal/emulator"
	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/results"
	"github.com/pcsync/pcsync/internal/sandboxtest"
	"github.com/pcsync/pcsync/internal/summary"
	"github.com/pcsync/pcsync/internal/worker"
)

func setup(t *testing.T) (*emulator.Emulator, *api.Client) {
	t.Helper()
	shop := sandboxtest.New(t, emulator.Faults{})
	return shop.Emulator, shop.Client
}

// input makes n rows: every fifth invalid, the rest segments/add or get.
func input(n int) string {
	var b strings.Builder
	b.WriteString("email,action,segment_id,note\n")
	for i := 1; i <= n; i++ {
		switch {
		case i%5 == 0:
			fmt.Fprintf(&b, "broken-%d,segments/add,1,n%d\n", i, i)
		case i%2 == 0:
			fmt.Fprintf(&b, "u%d@example.com,segments/get,,n%d\n", i, i)
		default:
			fmt.Fprintf(&b, "u%d@example.com,segments/add,100500,n%d\n", i, i)
		}
	}
	return b.String()
}

type failingSink struct{ after int }

func (s *failingSink) Write(*job.Result) error {
	if s.after == 0 {
		return errors.New("disk full")
	}
	s.after--
	return nil
}
func (s *failingSink) Flush() error { return nil }

func TestRunEveryRowGetsOneResult(t *testing.T) {
	em, c := setup(t)
	const n = 500
	src, err := csvsource.Open(strings.NewReader(input(n)), csvsource.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var res, fail bytes.Buffer
	w, err := results.NewWriter(&res, &fail, src.Header(), results.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sum := summary.New(summary.Options{})
	syncs := 0
	err = Run(context.Background(), Config{
		Source: src, Pool: worker.New(c, worker.Options{Workers: 8}), Workers: 8,
		Sink: w, Sync: func() error { syncs++; return nil }, Summary: sum,
	})
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&res).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]string{}
	for _, r := range recs[1:] {
		i, _ := strconv.Atoi(r[0])
		if _, dup := seen[i]; dup {
			t.Fatalf("row %d written twice", i)
		}
		seen[i] = r[5]
		if r[5] != "ok" && r[5] != "invalid" {
			t.Errorf("row %d: %q", i, r)
		}
		if want := "n" + r[0]; r[4] != want {
			t.Errorf("row %d carries note %q, want %q", i, r[4], want)
		}
		if (i%5 == 0) != (r[5] == "invalid") {
			t.Errorf("row %d status %s", i, r[5])
		}
	}
	if len(seen) != n {
		t.Errorf("%d results for %d rows", len(seen), n)
	}
	if sum.Total() != n || sum.Status(job.StatusInvalid) != n/5 || sum.Count(job.SegmentsGet.Index(), job.StatusOK) != 200 {
		t.Errorf("summary total %d invalid %d", sum.Total(), sum.Status(job.StatusInvalid))
	}
	if syncs == 0 {
		t.Error("results were never synced")
	}
	if got := em.SegmentSize("100500"); got != 200 {
		t.Errorf("segment has %d members, want 200", got)
	}
	failRecs, _ := csv.NewReader(&fail).ReadAll()
	if len(failRecs) != 1+n/5 {
		t.Errorf("failed file has %d records", len(failRecs))
	}
}

func TestRunStopsSendingWhenResultsCannotBeWritten(t *testing.T) {
	em, c := setup(t)
	src, err := csvsource.Open(strings.NewReader(input(1000)), csvsource.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	err = Run(context.Background(), Config{
		Source: src, Pool: worker.New(c, worker.Options{Workers: 4}), Workers: 4,
		Sink: &failingSink{after: 10},
	})
	if !errors.Is(err, ErrSink) || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Run = %v", err)
	}
	// At most the rows in flight or queued when the write failed were sent.
	if n := em.Stats().Requests; n > 10+4+4+4*4 {
		t.Errorf("%d requests after the results file failed", n)
	}
}

func TestRunCancelledSendsNothing(t *testing.T) {
	em, c := setup(t)
	src, err := csvsource.Open(strings.NewReader(input(50)), csvsource.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var res bytes.Buffer
	w, _ := results.NewWriter(&res, nil, src.Header(), results.Options{})
	err = Run(ctx, Config{Source: src, Pool: worker.New(c, worker.Options{Workers: 2}), Workers: 2, Sink: w})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v", err)
	}
	if em.Stats().Requests != 0 {
		t.Errorf("%d requests sent", em.Stats().Requests)
	}
}

func TestRunReturnsInputError(t *testing.T) {
	_, c := setup(t)
	src, err := csvsource.Open(strings.NewReader("email,action\na@b.co,segments/get\n\"broken,segments/get\n"), csvsource.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var res bytes.Buffer
	w, _ := results.NewWriter(&res, nil, src.Header(), results.Options{})
	err = Run(context.Background(), Config{Source: src, Pool: worker.New(c, worker.Options{}), Sink: w})
	var ce *csvsource.Error
	if !errors.As(err, &ce) || ce.Line != 3 {
		t.Fatalf("Run = %v, want a csvsource error on line 3", err)
	}
}

func TestMakePlan(t *testing.T) {
	src, err := csvsource.Open(strings.NewReader(input(100)+"x@y.co,subscriptions/callback,,\n"), csvsource.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	p, err := MakePlan(context.Background(), src, job.Defaults{}, nil, nil, 3)
	if err != nil {
		t.Fatal(err)
	}
	if p.Rows != 101 || p.Invalid != 21 || len(p.Samples) != 3 || p.ByAction[job.SegmentsAdd.Index()] != 40 || p.ByAction[job.SegmentsGet.Index()] != 40 {
		t.Errorf("plan = %+v", p)
	}
	if p.Samples[0].Row != 5 || p.Samples[0].Line != 6 || !strings.Contains(p.Samples[0].Error, "email") {
		t.Errorf("first sample = %+v", p.Samples[0])
	}
}

// TestRunThroughFaultsEveryRowOKAndApplied is the flaky-API scenario: about
// 10% 503, 3% HTML 500, 5% 429 with Retry-After: 1, 3% closed connections
// (before or after applying) and 2% answers slower than the timeout. Every
// row must end ok, and no row may be ok that the server did not apply.
func TestRunThroughFaultsEveryRowOKAndApplied(t *testing.T) {
	shop := sandboxtest.New(t, emulator.Faults{Rate5xx: 0.10, RateHTML: 0.03, Rate429: 0.05, RetryAfter: "1",
		RateDropBefore: 0.015, RateDropAfter: 0.015, RateSlow: 0.02, SlowDelay: time.Hour})
	em, c := shop.Emulator, shop.Client
	var b strings.Builder
	b.WriteString("email,action,segment_id\n")
	for i := 1; i <= 400; i++ {
		fmt.Fprintf(&b, "u%d@example.com,segments/add,%d\n", i, 100000+i)
	}
	src, err := csvsource.Open(strings.NewReader(b.String()), csvsource.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()

	var mu sync.Mutex
	virtual := time.Unix(0, 0)
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return virtual }
	sleep := func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		virtual = virtual.Add(d)
		mu.Unlock()
		return ctx.Err()
	}
	pool := worker.New(c, worker.Options{Workers: 8, Retries: 10, Timeout: 50 * time.Millisecond,
		Sleep: sleep, Now: now, Pacer: worker.NewPacer(0, 1).WithClock(now, sleep)})
	var res bytes.Buffer
	w, _ := results.NewWriter(&res, nil, src.Header(), results.Options{})
	sum := summary.New(summary.Options{})
	if err := Run(context.Background(), Config{Source: src, Pool: pool, Workers: 8, Sink: w, Summary: sum}); err != nil {
		t.Fatal(err)
	}
	if sum.Status(job.StatusOK) != 400 {
		t.Fatalf("%d of 400 rows ok", sum.Status(job.StatusOK))
	}
	if sum.Requests() <= 400 {
		t.Error("no retries: the faults did not fire")
	}
	recs, _ := csv.NewReader(&res).ReadAll()
	for _, r := range recs[1:] {
		if r[4] == "ok" && em.SegmentSize(r[3]) != 1 {
			t.Errorf("row %s is ok but segment %s has %d members", r[0], r[3], em.SegmentSize(r[3]))
		}
	}
}
