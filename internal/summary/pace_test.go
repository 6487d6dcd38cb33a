package summary

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestPaceLine(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	tests := []struct {
		name string
		pace Pace
		want string
	}{
		{"the rate asked", Pace{Bound: BoundRate, AskedRate: 100, EffectiveRate: 99.83, Workers: 14, MaxWorkers: 256, Adaptive: true, P50: 100 * ms, P95: 109 * ms},
			"pace: 99.8 requests/s, the rate asked (100/s); 14 workers, latency p50 100ms, p95 109ms"},
		{"fixed workers", Pace{Bound: BoundWorkers, AskedRate: 100, EffectiveRate: 38.14, Workers: 4, MaxWorkers: 4, P50: 100 * ms, P95: 109 * ms},
			"pace: 38.1 requests/s of 100/s asked: bound by 4 workers at the API's latency (p50 100ms, p95 109ms); give more --workers, or none to let the pool grow"},
		{"at --max-workers", Pace{Bound: BoundWorkers, AskedRate: 400, EffectiveRate: 250, Workers: 64, MaxWorkers: 64, Adaptive: true, P50: 250 * ms, P95: 274 * ms},
			"pace: 250 requests/s of 400/s asked: bound by 64 workers at the API's latency (p50 250ms, p95 274ms); raise --max-workers"},
		{"no rate", Pace{Bound: BoundWorkers, EffectiveRate: 6000, Workers: 8, MaxWorkers: 8},
			"pace: 6000 requests/s, no rate asked: bound by 8 workers"},
		{"throttled", Pace{Bound: BoundThrottled, AskedRate: 200, EffectiveRate: 45.2, Workers: 5, MaxWorkers: 256, ThrottledAbove: 48.4, SuggestedRate: 45},
			"pace: 45.2 requests/s of 200/s asked: the API throttled above about 48/s; next time try --rate 45"},
		{"sub-millisecond latency", Pace{Bound: BoundRate, AskedRate: 10, EffectiveRate: 10, Workers: 4, P50: 253 * time.Microsecond, P95: 886 * time.Microsecond},
			"pace: 10 requests/s, the rate asked (10/s); 4 workers, latency p50 300µs, p95 900µs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.pace.Line(); got != tt.want {
				t.Errorf("Line() =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestPaceInSummary(t *testing.T) {
	t.Parallel()
	s := New(Options{})
	s.Elapsed = 2 * time.Second
	s.Pace = &Pace{Bound: BoundThrottled, AskedRate: 200, EffectiveRate: 45.2, Workers: 5, MaxWorkers: 256, Adaptive: true,
		PeakInFlight: 7, P50: 1500 * time.Microsecond, P95: 3 * time.Millisecond, ThrottledAbove: 48.4, SuggestedRate: 45}
	var text strings.Builder
	s.WriteText(&text)
	if lines := strings.Split(text.String(), "\n"); len(lines) < 2 || !strings.HasPrefix(lines[1], "pace: 45.2 requests/s of 200/s asked: the API throttled") {
		t.Errorf("text:\n%s", text.String())
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	want := `"pace":{"bound":"throttled","asked_rate":200,"effective_rate":45.2,"workers":5,"max_workers":256,"adaptive":true,"peak_in_flight":7,"latency_p50_ms":1.5,"latency_p95_ms":3,"throttled_above":48.4,"suggested_rate":45}}`
	if !strings.HasSuffix(string(b), want) {
		t.Errorf("JSON %s\nwant it to end %s", b, want)
	}
	s.Pace = nil
	if b, _ := json.Marshal(s); strings.Contains(string(b), "pace") {
		t.Errorf("JSON of a summary without a pace: %s", b)
	}
}
