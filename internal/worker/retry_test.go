package worker

import (
	"context"
	"crypto/x509"
	"fmt"
	"io"
	"net/url"
	"syscall"
	"testing"
	"time"

	"github.com/pcsync/pcsync/internal/api"
)

func TestCheckRetry(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	apiErr := func(status int, body error) error { return &api.Error{StatusCode: status, Err: body} }
	netErr := func(err error) error { return &url.Error{Op: "Post", URL: "http://x/segments/add", Err: err} }
	tests := []struct {
		name string
		ctx  context.Context
		err  error
		want bool
	}{
		{"success", context.Background(), nil, false},
		{"run stopping", cancelled, apiErr(503, nil), false},
		{"429", context.Background(), apiErr(429, nil), true},
		{"408", context.Background(), apiErr(408, nil), true},
		{"500", context.Background(), apiErr(500, nil), true},
		{"502", context.Background(), apiErr(502, nil), true},
		{"503", context.Background(), apiErr(503, nil), true},
		{"504", context.Background(), apiErr(504, nil), true},
		{"501", context.Background(), apiErr(501, nil), false},
		{"400", context.Background(), apiErr(400, nil), false},
		{"403", context.Background(), apiErr(403, nil), false},
		{"404", context.Background(), apiErr(404, nil), false},
		{"403 as an HTML page", context.Background(), apiErr(403, api.ErrUnexpectedBody), false},
		{"redirect", context.Background(), apiErr(302, api.ErrUnexpectedBody), false},
		{"200 HTML page", context.Background(), apiErr(200, api.ErrUnexpectedBody), true},
		{"500 HTML page", context.Background(), apiErr(500, api.ErrUnexpectedBody), true},
		{"connection refused", context.Background(), netErr(syscall.ECONNREFUSED), true},
		{"closed with no answer", context.Background(), netErr(io.EOF), true},
		{"timeout", context.Background(), netErr(context.DeadlineExceeded), true},
		{"bad certificate", context.Background(), netErr(x509.UnknownAuthorityError{}), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CheckRetry(tt.ctx, tt.err); got != tt.want {
				t.Errorf("CheckRetry(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

func TestBackoffWait(t *testing.T) {
	b := Backoff{Base: 100 * time.Millisecond, Max: time.Second, RetryAfterCap: 5 * time.Second}
	top := func(limit int64) int64 { return limit - 1 } // the largest jitter
	zero := func(int64) int64 { return 0 }
	tests := []struct {
		name       string
		n          int
		retryAfter time.Duration
		jitter     func(int64) int64
		want       time.Duration
	}{
		{"first retry, top of range", 1, 0, top, 100*time.Millisecond - 1},
		{"second doubles", 2, 0, top, 200*time.Millisecond - 1},
		{"fourth", 4, 0, top, 800*time.Millisecond - 1},
		{"capped", 5, 0, top, time.Second - 1},
		{"far out stays capped", 60, 0, top, time.Second - 1},
		{"full jitter reaches zero", 3, 0, zero, 0},
		{"retry-after obeyed", 1, 2 * time.Second, zero, 2 * time.Second},
		{"retry-after gets up to a tenth more", 1, 2 * time.Second, top, 2*time.Second + 200*time.Millisecond - 1},
		{"retry-after capped", 1, time.Hour, zero, 5 * time.Second},
		{"retry-after beats a smaller backoff", 9, 3 * time.Second, zero, 3 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := b.Wait(tt.n, tt.retryAfter, tt.jitter); got != tt.want {
				t.Errorf("Wait(%d, %v) = %v, want %v", tt.n, tt.retryAfter, got, tt.want)
			}
		})
	}
}

func TestRandJitterInRange(t *testing.T) {
	for i := range 1000 {
		limit := int64(i + 1)
		if v := randJitter(limit); v < 0 || v >= limit {
			t.Fatal(fmt.Sprintf("randJitter(%d) = %d", limit, v))
		}
	}
}
