package emulator

import (
	"net/http"
	"net/url"
)

// flags is a set of subscription flags, one bit each.
type flags uint8

const (
	emailBulk flags = 1 << iota
	emailChain
	emailTransactional
	smsBulk
	smsChain
	smsTransactional

	emailFlags = emailBulk | emailChain | emailTransactional
	allFlags   = emailFlags | smsBulk | smsChain | smsTransactional
)

// flagNames are the parameter names of the flags, indexed by bit.
var flagNames = [...]string{
	"email_bulk",
	"email_chain",
	"email_transactional",
	"sms_bulk",
	"sms_chain",
	"sms_transactional",
}

// badFlagAnswers are the 400s for a flag of another value than true or
// false, indexed by bit.
var badFlagAnswers = func() (a [len(flagNames)]answer) {
	for i, name := range flagNames {
		a[i] = errorAnswer(http.StatusBadRequest, name+" must be true or false")
	}
	return a
}()

// parseFlags returns the flags v sets (set) and the ones it sets true (on).
// ok is false, with the answer to give, when a flag is neither true nor
// false or when v sets none.
func parseFlags(v url.Values) (set, on flags, _ answer, ok bool) {
	for i, name := range flagNames {
		vals, present := v[name]
		if !present {
			continue
		}
		bit := flags(1) << i
		switch vals[0] {
		case "true":
			set |= bit
			on |= bit
		case "false":
			set |= bit
		default:
			return 0, 0, badFlagAnswers[i], false
		}
	}
	if set == 0 {
		return 0, 0, answerNoFlag, false
	}
	return set, on, answer{}, true
}

// event is a subscriptions/callback event.
type event uint8

const (
	eventHardBounced event = iota + 1
	eventComplained
	eventBlacklisted
	eventUnsubscribed
)

// eventList names the events, for error messages.
const eventList = "hard_bounced, complained, blacklisted, unsubscribed"

var eventNames = [...]string{
	eventHardBounced:  "hard_bounced",
	eventComplained:   "complained",
	eventBlacklisted:  "blacklisted",
	eventUnsubscribed: "unsubscribed",
}

// String returns the event's parameter value, which is also the contact
// status it sets.
func (ev event) String() string { return eventNames[ev] }

// parseEvent returns the event named s.
func parseEvent(s string) (event, bool) {
	for ev := eventHardBounced; ev <= eventUnsubscribed; ev++ {
		if eventNames[ev] == s {
			return ev, true
		}
	}
	return 0, false
}

// subscriptionsManage answers subscriptions/manage, whose parameters are a
// form in the body.
func (e *Emulator) subscriptionsManage(w http.ResponseWriter, r *http.Request) answer {
	v, a, ok := readForm(w, r)
	if !ok {
		return a
	}
	p := paramsOf(v)
	if a, ok := e.identify(p); !ok {
		return a
	}
	set, on, a, ok := parseFlags(v)
	if !ok {
		return a
	}
	e.store.manage(p.email, p.phone, set, on)
	return answerSuccess
}

// subscriptionsCallback answers subscriptions/callback, whose parameters
// are a form in the body. It identifies the contact by email only.
func (e *Emulator) subscriptionsCallback(w http.ResponseWriter, r *http.Request) answer {
	v, a, ok := readForm(w, r)
	if !ok {
		return a
	}
	p := paramsOf(v)
	if a, ok := e.authorize(p); !ok {
		return a
	}
	if p.email == "" {
		return answerMissingEmail
	}
	name, present := v["event"]
	if !present {
		return answerNoEvent
	}
	ev, ok := parseEvent(name[0])
	if !ok {
		return answerBadEvent
	}
	e.store.callback(p.email, ev)
	return answerSuccess
}
