package runner

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/pcsync/pcsync/internal/api"
	"github.com/pcsync/pcsync/internal/emulator"
	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/sandboxtest"
	"github.com/pcsync/pcsync/internal/shard"
	"github.com/pcsync/pcsync/internal/summary"
	"github.com/pcsync/pcsync/internal/worker"
)

// watcher is an Observer that records its calls.
type watcher struct {
	mu      sync.Mutex
	notes   []string
	started int // calls of Started
	total   int
	stopped int
	counts  *summary.Summary
}

func (w *watcher) Notef(_ slog.Level, format string, args ...any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.notes = append(w.notes, fmt.Sprintf(format, args...))
}
func (w *watcher) Started(c *summary.Summary, total int) {
	w.started++
	w.total = total
	w.counts = c
}
func (w *watcher) Stopped() { w.stopped++ }

func writeInput(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "in.csv")
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestOpenRefusesWithTheCause(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name  string
		opt   Options
		cause error  // errors.Is through the UsageError, when set
		text  string // in the message
	}{
		{"missing input", Options{Input: filepath.Join(dir, "nope.csv")}, fs.ErrNotExist, "cannot read input"},
		{"no rows", Options{Input: writeInput(t, "email,action\n")}, nil, "the header has no rows under it"},
		{"no contact column", Options{Input: writeInput(t, "name,action\nada,segments/get\n")}, nil, "no email or phone column"},
		{"no action", Options{Input: writeInput(t, "email\nada@example.com\n")}, nil, "no action column"},
		{"mirror without state", Options{Input: writeInput(t, "email\nada@example.com\n"), Mirror: true}, nil, "--mirror needs --state"},
		{"broken CSV", Options{Input: writeInput(t, "email,action\n\"ada,segments/get\n")}, nil, "nothing was sent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := Open(context.Background(), tt.opt)
			if err == nil {
				s.Close()
				t.Fatal("opened; want a refusal")
			}
			var ue *UsageError
			if !errors.As(err, &ue) {
				t.Errorf("error %v is a %T, want a *UsageError (nothing done)", err, err)
			}
			if tt.cause != nil && !errors.Is(err, tt.cause) {
				t.Errorf("errors.Is(%v, %v) = false: the cause is lost", err, tt.cause)
			}
			if !strings.Contains(err.Error(), tt.text) {
				t.Errorf("error %q does not say %q", err, tt.text)
			}
		})
	}
}

func TestOpenSpoolsStandardInputAndRemovesTheCopy(t *testing.T) {
	t.Parallel()
	s, err := Open(context.Background(), Options{Input: "-", Stdin: strings.NewReader("email,action\nada@example.com,segments/get\nbob@example.com,segments/get\n")})
	if err != nil {
		t.Fatal(err)
	}
	spooled := s.in.Name()
	if all, mine := s.Rows(); all != 2 || mine != 2 {
		t.Errorf("Rows() = %d, %d; want 2, 2", all, mine)
	}
	if _, err := os.Stat(spooled); err != nil {
		t.Fatalf("the spooled copy is not there while the session is open: %v", err)
	}
	s.Close()
	if _, err := os.Stat(spooled); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the spooled copy of standard input survives Close: %v", err)
	}
}

func TestOpenCountsTheShardsRows(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("email,action\n")
	for i := range 100 {
		b.WriteString("u" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + "@example.com,segments/get\n")
	}
	in := writeInput(t, b.String())
	total := 0
	for k := 1; k <= 3; k++ {
		p, all, mine := plan(t, Options{Input: in, Shard: shard.Spec{K: k, N: 3}})
		if all != 100 || p.Rows != mine {
			t.Errorf("shard %d/3: Rows() = %d, %d and the plan has %d rows; want 100 and the plan's count", k, all, mine, p.Rows)
		}
		total += mine
	}
	if total != 100 {
		t.Errorf("the shards hold %d rows between them, want 100", total)
	}
}

// TestShardReadsPhonesWithTheRunsCountry: the pre-scan's count and the
// rows planned agree, and read national phones with --default-country as
// validation does: one phone's four spellings are one shard's.
func TestShardReadsPhonesWithTheRunsCountry(t *testing.T) {
	t.Parallel()
	in := writeInput(t, "phone\n+44 (0) 7700 900123\n0044 7700 900123\n+447700900123\n07700 900123\n")
	mine := map[string][2]int{}
	for _, key := range []shard.Key{shard.KeySent, shard.KeyWritten} {
		for k := 1; k <= 2; k++ {
			p, all, n := plan(t, Options{Input: in, Shard: shard.Spec{K: k, N: 2}, ShardKey: key,
				Defaults: job.Defaults{Action: job.SegmentsGet, Country: "GB"}})
			if all != 4 || p.Rows != n || p.Invalid != 0 {
				t.Errorf("%v shard %d/2: Rows() = %d, %d; the plan has %d rows, %d invalid", key, k, all, n, p.Rows, p.Invalid)
			}
			m := mine[key.String()]
			m[k-1] = n
			mine[key.String()] = m
		}
	}
	// The sent key puts them on shard 2 of 2; the written one on both
	// (shard's golden tests).
	if mine["sent"] != [2]int{0, 4} || mine["written"] != [2]int{3, 1} {
		t.Errorf("rows by shard: %v", mine)
	}
}

func TestPlanCountsAndExamples(t *testing.T) {
	t.Parallel()
	in := writeInput(t, input(50))
	s, err := Open(context.Background(), Options{Input: in})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p, err := s.Plan(context.Background(), Target{})
	if err != nil {
		t.Fatal(err)
	}
	// input(50): every fifth invalid (10), of the rest the even ones get (20), the odd add (20).
	if p.Rows != 50 || p.Invalid != 10 || p.ByAction[job.SegmentsGet.Index()] != 20 || p.ByAction[job.SegmentsAdd.Index()] != 20 {
		t.Errorf("plan: %d rows, %d invalid, by action %v; want 50, 10, 20 add and 20 get", p.Rows, p.Invalid, p.ByAction)
	}
	if p.Examples[job.SegmentsAdd.Index()] == nil || p.Examples[job.SegmentsGet.Index()] == nil || p.Examples[job.SubscriptionsManage.Index()] != nil {
		t.Errorf("examples %v: want one for add and get only", p.Examples)
	}
	if p.State != nil || p.Mirror != nil {
		t.Errorf("a plan without --state has a state part")
	}
}

func TestExecuteSendsEveryRowAndTellsTheObserver(t *testing.T) {
	t.Parallel()
	shop := sandboxtest.New(t, emulator.Faults{})
	in := writeInput(t, input(40))
	w := &watcher{}
	s, err := Open(context.Background(), Options{Input: in, Observer: w})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	out, err := s.Execute(context.Background(), Target{URL: shop.URL, Creds: api.Credentials{ShopID: shop.Options.ShopID, ShopSecret: api.Secret(shop.Options.ShopSecret)}, Pool: worker.Options{Workers: 4}})
	if err != nil {
		t.Fatal(err)
	}
	if out.Err != nil {
		t.Fatalf("the run stopped early: %v", out.Err)
	}
	if w.started != 1 || w.stopped != 1 || w.total != 40 {
		t.Errorf("observer: Started %d times (total %d), Stopped %d times; want once each, total 40", w.started, w.total, w.stopped)
	}
	if got := w.counts.Status(job.StatusOK) + w.counts.Status(job.StatusInvalid); got != 40 {
		t.Errorf("the counts progress read say %d rows ended ok or invalid, want 40", got)
	}
	sum := out.Summary
	if sum.Total() != 40 || sum.Status(job.StatusOK) != 32 || sum.Status(job.StatusInvalid) != 8 {
		t.Errorf("summary: %d rows, %d ok, %d invalid; want 40, 32, 8", sum.Total(), sum.Status(job.StatusOK), sum.Status(job.StatusInvalid))
	}
	if out.Failed() != 8 || out.ResultsPath != strings.TrimSuffix(in, ".csv")+".results.csv" {
		t.Errorf("outcome: %d failed rows, results at %s", out.Failed(), out.ResultsPath)
	}
	if n := shop.Emulator.Stats().Requests; n != 32 {
		t.Errorf("the API got %d requests, want 32", n)
	}
}

func TestExecuteRefusedCredentialsAreAUsageError(t *testing.T) {
	t.Parallel()
	shop := sandboxtest.New(t, emulator.Faults{})
	s, err := Open(context.Background(), Options{Input: writeInput(t, input(20))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	out, err := s.Execute(context.Background(), Target{URL: shop.URL, Creds: api.Credentials{ShopID: shop.Options.ShopID, ShopSecret: "wrong-secret"}, Pool: worker.Options{Workers: 1}})
	if err != nil {
		t.Fatal(err)
	}
	var ue *UsageError
	if !errors.As(out.Err, &ue) || !errors.Is(out.Err, worker.ErrRefused) {
		t.Errorf("Err = %v; want a *UsageError wrapping worker.ErrRefused", out.Err)
	}
	if got := out.Stopped(false); got != "refused" {
		t.Errorf("Stopped() = %q, want refused", got)
	}
	if skipped := out.Summary.Status(job.StatusSkipped); skipped == 0 {
		t.Errorf("no row was marked skipped after the refusal")
	}
}

func TestExecuteRefusesOutputsThatClobber(t *testing.T) {
	t.Parallel()
	shop := sandboxtest.New(t, emulator.Faults{})
	in := writeInput(t, input(5))
	tests := []struct {
		name string
		opt  Options
		text string
	}{
		{"results over the input", Options{Out: in}, "is the input"},
		{"failed to stdout", Options{Failed: "-"}, "--failed must name a file"},
		{"same file twice", Options{Out: in + ".x", Failed: in + ".x"}, "name the same file"},
		{"state is an output", Options{State: in + ".results.csv", Out: in + ".results.csv"}, "also an output"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opt := tt.opt
			opt.Input = in
			s, err := Open(context.Background(), opt)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			_, err = s.Execute(context.Background(), Target{URL: shop.URL, Creds: api.Credentials{ShopID: shop.Options.ShopID, ShopSecret: api.Secret(shop.Options.ShopSecret)}, Pool: worker.Options{Workers: 1}})
			var ue *UsageError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.text) {
				t.Errorf("Execute: %v; want a *UsageError saying %q", err, tt.text)
			}
			if n := shop.Emulator.Stats().Requests; n != 0 {
				t.Errorf("%d requests sent before the refusal", n)
			}
		})
	}
}

func TestPlanTextShowsTheRequestsARunSends(t *testing.T) {
	t.Parallel()
	s, err := Open(context.Background(), Options{Input: writeInput(t, input(10))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const secret = "plan-secret-0123456789"
	p, err := s.Plan(context.Background(), Target{URL: "https://api.example.invalid", Creds: api.Credentials{ShopID: "shop-1", ShopSecret: secret}})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := p.WriteText(&b, 5); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"pcsync: dry run: 10 rows, nothing sent",
		"  segments/add                    4", "  segments/get                    4", "  invalid                         2",
		"at 5/s the 8 requests take at least 1.6s",
		"POST https://api.example.invalid/segments/add", "GET https://api.example.invalid/segments/get?",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the plan does not say %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, secret) {
		t.Errorf("the plan shows the secret:\n%s", out)
	}
}

func TestOpenReadsAFIFOOnce(t *testing.T) {
	t.Parallel()
	fifo := filepath.Join(t.TempDir(), "in.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFO here: %v", err)
	}
	go func() {
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		defer f.Close()
		f.WriteString("email,action\nada@example.com,segments/get\nbob@example.com,segments/get\n")
	}()
	s, err := Open(context.Background(), Options{Input: fifo})
	if err != nil {
		t.Fatalf("a FIFO input (or <(...)): %v", err)
	}
	defer s.Close()
	p, err := s.Plan(context.Background(), Target{})
	if err != nil {
		t.Fatal(err)
	}
	if all, _ := s.Rows(); all != 2 || p.Rows != 2 {
		t.Errorf("the FIFO's rows: scanned %d, planned %d; want 2 and 2", all, p.Rows)
	}
}

// plan opens a session of opt and plans it, and returns the plan and the
// input's rows, all of them and the shard's.
func plan(t *testing.T, opt Options) (p *Plan, all, mine int) {
	t.Helper()
	s, err := Open(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if p, err = s.Plan(context.Background(), Target{}); err != nil {
		t.Fatal(err)
	}
	all, mine = s.Rows()
	return p, all, mine
}
