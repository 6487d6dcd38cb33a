package worker

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"
)

type ctxKey struct{}

func TestAttemptTimerNoTimeout(t *testing.T) {
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), ctxKey{}, "v"))
	a := newAttemptTimer(parent, 0)
	defer a.stop()
	ctx := a.begin()
	cancel()
	if ctx.Done() != nil || ctx.Value(ctxKey{}) != "v" {
		t.Errorf("the attempt's context: Done %v, value %v; want no Done and the parent's values", ctx.Done(), ctx.Value(ctxKey{}))
	}
	if err := a.end(io.EOF); err != io.EOF {
		t.Errorf("end = %v, want the attempt's own error", err)
	}
}

func TestAttemptTimerExpires(t *testing.T) {
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), ctxKey{}, "v"))
	a := newAttemptTimer(parent, 5*time.Millisecond)
	defer a.stop()

	ctx := a.begin()
	cancel() // the run stopping does not cut an attempt short
	if ctx.Value(ctxKey{}) != "v" {
		t.Error("the attempt's context lost the parent's values")
	}
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the attempt was never cut short")
	}
	if cause := context.Cause(ctx); cause != context.DeadlineExceeded {
		t.Errorf("cause = %v, want context.DeadlineExceeded", cause)
	}
	err := a.end(io.ErrUnexpectedEOF) // what a transport might make of it
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("end = %v, want a deadline error wrapping the transport's", err)
	}

	// The next attempt gets a live context, and a success stands.
	next := a.begin()
	if next.Err() != nil {
		t.Fatalf("the attempt after a timeout starts cancelled: %v", next.Err())
	}
	if err := a.end(nil); err != nil {
		t.Errorf("end(nil) = %v", err)
	}
}

func TestAttemptTimerReusesItsContext(t *testing.T) {
	a := newAttemptTimer(context.Background(), time.Hour)
	defer a.stop()
	first := a.begin()
	if err := a.end(nil); err != nil {
		t.Fatal(err)
	}
	if second := a.begin(); second != first {
		t.Error("a second attempt after one that finished in time got a new context")
	}
	// A firing meant for an attempt that has ended, or before the
	// deadline of the one under way, cancels nothing.
	a.expire()
	if first.Err() != nil {
		t.Error("an early firing cancelled the attempt under way")
	}
	if err := a.end(io.EOF); err != io.EOF {
		t.Errorf("end = %v, want the attempt's own error", err)
	}
	a.expire()
	if first.Err() != nil {
		t.Error("a firing after the attempt ended cancelled its context")
	}
}
