// Package notify POSTs a run's summary to a webhook (--notify): a few
// attempts within a bound on the time they may add to the run.
package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// Options bound a notification.
type Options struct {
	Budget   time.Duration // all attempts and waits together (default 10s)
	Attempts int           // at most this many (default 3)
	// Backoff is the wait before attempt n+1 (n from 1); default 500ms
	// doubling.
	Backoff func(n int) time.Duration
	Client  *http.Client // default: one with no redirects followed
}

// Post sends body (JSON) to target, retrying a failure to connect, a 429
// and a 5xx while attempts and the budget last. It returns how many
// attempts it made and, when none succeeded, why. Its errors name the
// target by its scheme and host only: a webhook's path is often its
// secret.
func Post(ctx context.Context, target string, body []byte, opt Options) (attempts int, err error) {
	if opt.Budget <= 0 {
		opt.Budget = 10 * time.Second
	}
	if opt.Attempts <= 0 {
		opt.Attempts = 3
	}
	if opt.Backoff == nil {
		opt.Backoff = func(n int) time.Duration { return 500 * time.Millisecond << (n - 1) }
	}
	if opt.Client == nil {
		opt.Client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	// The run's context may be cancelled already (an interrupted run is
	// notified too): the budget alone bounds the notification.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), opt.Budget)
	defer cancel()
	for attempts = 1; ; attempts++ {
		retry, err := post(ctx, opt.Client, target, body)
		if err == nil {
			return attempts, nil
		}
		if !retry || attempts >= opt.Attempts {
			return attempts, err
		}
		t := time.NewTimer(opt.Backoff(attempts))
		select {
		case <-ctx.Done():
			t.Stop()
			return attempts, err
		case <-t.C:
		}
	}
}

// post makes one attempt; retry says whether another may do better.
func post(ctx context.Context, c *http.Client, target string, body []byte) (retry bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return false, errors.New("not a URL")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "pcsync")
	resp, err := c.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the URL
		}
		if errors.Is(err, context.DeadlineExceeded) {
			return false, errors.New("no answer in time")
		}
		return true, err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return false, nil
	case resp.StatusCode == http.StatusTooManyRequests, resp.StatusCode >= 500:
		return true, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return false, fmt.Errorf("HTTP %d", resp.StatusCode)
}

// Redacted names target by its scheme and host, for messages.
func Redacted(target string) string {
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		return "the --notify URL"
	}
	return u.Scheme + "://" + u.Host
}

// Check refuses a target that is not an http:// or https:// URL.
func Check(target string) error {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("want an http:// or https:// URL")
	}
	return nil
}
