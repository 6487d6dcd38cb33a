package job

import (
	"strings"

	"github.com/pcsync/pcsync/internal/api"
)

// Job is one validated row: the call to make and its parameters, normalized
// as they will be sent.
type Job struct {
	Action    Action
	Contact   api.Contact
	SegmentID api.SegmentID
	Subs      api.Subscriptions
	Event     api.Event
}

// Call returns the API call j makes.
func (j *Job) Call() api.Call {
	return api.Call{
		Endpoint:      api.Endpoint(j.Action),
		Contact:       j.Contact,
		SegmentID:     j.SegmentID,
		Subscriptions: j.Subs,
		Event:         j.Event,
	}
}

// Defaults fill in the action and segment for rows whose file has no such
// column, or an empty cell (the --action and --segment-id flags).
type Defaults struct {
	Action    Action
	SegmentID string
	Country   string // --default-country: the region of national phone numbers ("GB"); "" for none
}

// Build validates rec and returns the job it describes. A row that cannot be
// sent as it is gets a Problems error naming every column at fault.
func Build(rec *Record, d Defaults) (Job, error) {
	var j Job
	var p Problems

	action := strings.TrimSpace(rec.Action)
	switch {
	case action != "":
		a, ok := ParseAction(action)
		if !ok {
			p.add("action", action, "unknown action (want one of "+actionList()+")")
			return j, p
		}
		j.Action = a
	case d.Action != "":
		j.Action = d.Action
	default:
		p.add("action", "", "missing (give an action column or --action)")
		return j, p
	}

	email, emailOK := checkEmail(rec.Email, &p)
	phone, phoneOK := checkPhone(rec.Phone, d.Country, &p)

	switch j.Action {
	case SubscriptionsCallback:
		switch {
		case email == "" && phone != "":
			p.add("email", "", "required: subscriptions/callback takes an email, not a phone")
		case email == "" && emailOK:
			p.add("email", "", "required for subscriptions/callback")
		}
		j.Contact = api.Contact{Email: email}
		j.Event = checkEvent(rec.Event, &p)
	default:
		if email == "" && phone == "" && emailOK && phoneOK {
			p.add("email", "", "no contact: the row needs an email or a phone")
		}
		j.Contact = api.Contact{Email: email, Phone: phone}
	}

	switch j.Action {
	case SegmentsAdd, SegmentsRemove:
		j.SegmentID = checkSegmentID(rec.SegmentID, d.SegmentID, &p)
	case SubscriptionsManage:
		j.Subs = checkSubscriptions(rec, &p)
	}
	if len(p) > 0 {
		return Job{Action: j.Action}, p
	}
	return j, nil
}

func actionList() string {
	names := make([]string, len(Actions))
	for i, a := range Actions {
		names[i] = string(a)
	}
	return strings.Join(names, ", ")
}
