// Package job turns a decoded CSV record into a validated call of the
// PersonaClick API, or into an error naming the column and the problem.
package job

import (
	"strings"

	"github.com/pcsync/pcsync/internal/api"
)

// Action names a PersonaClick call: an api.Endpoint, whose names are the
// endpoint paths.
type Action string

// The five calls pcsync can make.
const (
	SegmentsAdd           = Action(api.SegmentsAdd)
	SegmentsRemove        = Action(api.SegmentsRemove)
	SegmentsGet           = Action(api.SegmentsGet)
	SubscriptionsManage   = Action(api.SubscriptionsManage)
	SubscriptionsCallback = Action(api.SubscriptionsCallback)
)

// NumActions is the number of actions: one per endpoint.
const NumActions = len(api.Endpoints)

// Actions lists every action in api.Endpoints' order, for summaries, help
// and state files (which record an action's index here).
var Actions = func() (a [NumActions]Action) {
	for i, e := range api.Endpoints {
		a[i] = Action(e)
	}
	return a
}()

// ParseAction returns the action named by s. Case and surrounding spaces are
// ignored, and a leading slash is allowed ("/segments/add").
func ParseAction(s string) (Action, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "/")
	for _, a := range Actions {
		if string(a) == s {
			return a, true
		}
	}
	return "", false
}

// Writes reports whether the action changes data at PersonaClick.
func (a Action) Writes() bool { return a != SegmentsGet }

// Index returns the action's position in Actions, or -1.
func (a Action) Index() int {
	for i, b := range Actions {
		if a == b {
			return i
		}
	}
	return -1
}
