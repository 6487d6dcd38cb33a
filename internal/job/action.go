// Package job turns a decoded CSV record into a validated call of the
// PersonaClick API, or into an error naming the column and the problem.
package job

import "strings"

// Action names a PersonaClick call. The names are the endpoint paths.
type Action string

// The five calls pcsync can make.
const (
	SegmentsAdd           Action = "segments/add"
	SegmentsRemove        Action = "segments/remove"
	SegmentsGet           Action = "segments/get"
	SubscriptionsManage   Action = "subscriptions/manage"
	SubscriptionsCallback Action = "subscriptions/callback"
)

// NumActions is the number of actions.
const NumActions = 5

// Actions lists every action in a fixed order, for summaries and help.
var Actions = [NumActions]Action{SegmentsAdd, SegmentsRemove, SegmentsGet, SubscriptionsManage, SubscriptionsCallback}

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
