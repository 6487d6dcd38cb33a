// Package worker sends validated rows to the PersonaClick API through a pool
// of goroutines that share one pacer, retrying what is worth retrying.
package worker

import (
	"context"
	"fmt"

	"github.com/pcsync/pcsync/internal/api"
	"github.com/pcsync/pcsync/internal/job"
)

// Caller is what the pool needs of the API client.
type Caller interface {
	AddToSegment(ctx context.Context, c api.Contact, id api.SegmentID) (*api.Response, error)
	RemoveFromSegment(ctx context.Context, c api.Contact, id api.SegmentID) (*api.Response, error)
	GetSegments(ctx context.Context, c api.Contact) ([]api.Segment, *api.Response, error)
	ManageSubscriptions(ctx context.Context, c api.Contact, s api.Subscriptions) (*api.Response, error)
	SendEvent(ctx context.Context, email string, ev api.Event) (*api.Response, error)
}

var _ Caller = (*api.Client)(nil)

// send makes the one call j describes and returns the HTTP status of the
// answer (0 when none came) and, for segments/get, the contact's segments.
func send(ctx context.Context, c Caller, j *job.Job) ([]api.Segment, int, error) {
	var (
		resp *api.Response
		segs []api.Segment
		err  error
	)
	switch j.Action {
	case job.SegmentsAdd:
		resp, err = c.AddToSegment(ctx, j.Contact, j.SegmentID)
	case job.SegmentsRemove:
		resp, err = c.RemoveFromSegment(ctx, j.Contact, j.SegmentID)
	case job.SegmentsGet:
		segs, resp, err = c.GetSegments(ctx, j.Contact)
	case job.SubscriptionsManage:
		resp, err = c.ManageSubscriptions(ctx, j.Contact, j.Subs)
	case job.SubscriptionsCallback:
		resp, err = c.SendEvent(ctx, j.Contact.Email, j.Event)
	default:
		return nil, 0, fmt.Errorf("worker: no call for action %q", j.Action)
	}
	return segs, statusOf(resp, err), err
}

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
