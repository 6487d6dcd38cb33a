package runner

import (
	"errors"
	"fmt"
)

// ErrInterrupted is returned, with the context's error, when a signal came
// before any row was sent.
var ErrInterrupted = errors.New("interrupted before sending began: nothing was sent")

// interrupted returns ErrInterrupted when ctx is done, else nil.
func interrupted(ctx interface{ Err() error }) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%w (%w)", ErrInterrupted, err)
	}
	return nil
}

// UsageError is a problem found before anything was sent: with the command
// line, the configuration or the input. Nothing was done.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }

// Unwrap returns the cause.
func (e *UsageError) Unwrap() error { return e.Err }

// Usagef returns a *UsageError of fmt.Errorf(format, args...): a %w keeps
// its cause for errors.Is and errors.As.
func Usagef(format string, args ...any) error {
	return &UsageError{Err: fmt.Errorf(format, args...)}
}
