package worker

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/pcsync/pcsync/internal/api"
	"github.com/pcsync/pcsync/internal/clocktest"
	"github.com/pcsync/pcsync/internal/emulator"
	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/sandboxtest"
)

func TestHealthObserve(t *testing.T) {
	type obs struct {
		at        time.Duration // since start
		status    int
		fail      bool
		transient bool
		want      error
	}
	errX := errors.New("x")
	tests := []struct {
		name string
		seq  []obs
	}{
		{"five 403s stop", []obs{{0, 403, true, false, nil}, {0, 403, true, false, nil}, {0, 403, true, false, nil}, {0, 403, true, false, nil}, {0, 403, true, false, ErrRefused}}},
		{"one success first keeps going", []obs{{0, 200, false, false, nil}, {0, 403, true, false, nil}, {0, 403, true, false, nil}, {0, 403, true, false, nil}, {0, 403, true, false, nil}, {0, 403, true, false, nil}}},
		{"no answer does not count as 403", []obs{{0, 0, true, true, nil}, {0, 403, true, false, nil}, {0, 403, true, false, nil}, {0, 403, true, false, nil}, {0, 403, true, false, nil}, {0, 503, true, true, nil}}},
		{"failing past the bound gives up", []obs{{time.Second, 503, true, true, nil}, {59 * time.Second, 0, true, true, nil}, {61 * time.Second, 503, true, true, nil}, {62 * time.Second, 503, true, true, ErrGaveUp}}},
		{"after the first answers, failing past the bound still gives up", []obs{{0, 200, false, false, nil}, {0, 200, false, false, nil},
			{0, 200, false, false, nil}, {0, 200, false, false, nil}, {0, 200, false, false, nil}, {5 * time.Second, 200, false, false, nil},
			{10 * time.Second, 503, true, true, nil}, {70 * time.Second, 503, true, true, nil}, {71 * time.Second, 503, true, true, ErrGaveUp}}},
		{"a success resets the bound", []obs{{50 * time.Second, 503, true, true, nil}, {55 * time.Second, 200, false, false, nil}, {100 * time.Second, 503, true, true, nil}}},
		{"a permanent error shows the API alive", []obs{{50 * time.Second, 400, true, false, nil}, {100 * time.Second, 503, true, true, nil}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Unix(1000, 0)
			now := start
			h := newHealth(time.Minute, func() time.Time { return now })
			for i, o := range tt.seq {
				now = start.Add(o.at)
				var err error
				if o.fail {
					err = errX
				}
				got := h.observe(o.status, err, o.transient)
				if (tt.seq[i].want == nil) != (got == nil) || (got != nil && !errors.Is(got, o.want)) {
					t.Fatalf("step %d: observe = %v, want %v", i, got, o.want)
				}
			}
		})
	}
}

func TestRunGivesUpOnADeadAPI(t *testing.T) {
	em, c := setup(t, emulator.Faults{Rate5xx: 1})
	clk := clocktest.New(time.Unix(0, 0))
	p := New(c, Options{Workers: 2, Retries: 1000, GiveUpAfter: time.Minute, Sleep: clk.Sleep, Now: clk.Now, Pacer: fakePacer(clk),
		Backoff: Backoff{Base: time.Second, Max: 4 * time.Second, RetryAfterCap: time.Minute}})
	tasks := make(chan job.Task, 20)
	for i := 1; i <= 20; i++ {
		tasks <- task(i, job.Record{Email: "a@b.co", Action: "segments/get"})
	}
	close(tasks)
	var mu sync.Mutex
	counts := map[job.Status]int{}
	err := p.Run(context.Background(), Tasks(tasks), func(r job.Result) error { mu.Lock(); counts[r.Status]++; mu.Unlock(); return nil })
	if !errors.Is(err, ErrGaveUp) {
		t.Fatalf("Run = %v, want ErrGaveUp", err)
	}
	if counts[job.StatusFailed]+counts[job.StatusSkipped] != 20 || counts[job.StatusSkipped] < 18 {
		t.Errorf("statuses %v: want every row recorded, the unsent ones skipped", counts)
	}
	if clk.Slept() < time.Minute {
		t.Errorf("gave up after %v of waiting", clk.Slept())
	}
	if n := em.Stats().Requests; n > 200 {
		t.Errorf("%d requests before giving up", n)
	}
}

func TestRunStopsWhenCredentialsAreRefused(t *testing.T) {
	shop := sandboxtest.New(t, emulator.Faults{})
	em := shop.Emulator
	c, err := api.NewClient(shop.URL, api.Credentials{ShopID: shop.Options.ShopID, ShopSecret: "wrong"})
	if err != nil {
		t.Fatal(err)
	}
	p := New(c, Options{Workers: 2})
	tasks := make(chan job.Task, 100)
	for i := 1; i <= 100; i++ {
		tasks <- task(i, job.Record{Email: "a@b.co", Action: "segments/get"})
	}
	close(tasks)
	n := 0
	var mu sync.Mutex
	err = p.Run(context.Background(), Tasks(tasks), func(job.Result) error { mu.Lock(); n++; mu.Unlock(); return nil })
	if !errors.Is(err, ErrRefused) {
		t.Fatalf("Run = %v, want ErrRefused", err)
	}
	if n != 100 {
		t.Errorf("%d results for 100 rows", n)
	}
	if sent := em.Stats().Requests; sent > RefusedAfter+2 {
		t.Errorf("%d requests sent, want about %d", sent, RefusedAfter)
	}
}
