// Package worker sends validated rows to the PersonaClick API through a pool
// of goroutines that share one pacer, retrying what is worth retrying.
package worker

import (
	"context"

	"github.com/pcsync/pcsync/internal/api"
)

// Caller is what the pool needs of the API client: a call sent, its answer
// classified. The pool knows nothing of the calls themselves: a job names
// its api.Call, and the client builds its request.
type Caller interface {
	Send(ctx context.Context, call api.Call) (*api.Response, error)
}

var _ Caller = (*api.Client)(nil)

// statusOf returns the HTTP status of an answer, or 0 when there was none.
func statusOf(resp *api.Response, err error) int {
	if resp != nil {
		return resp.StatusCode
	}
	if ae, ok := asAPIError(err); ok {
		return ae.StatusCode
	}
	return 0
}
