package api

import (
	"net/http"
	"net/url"
)

// Endpoint names one of the API's calls: its path without the leading slash
// ("segments/add"). job.Action's names are these, and the emulator serves
// them.
type Endpoint string

// The five calls of the API.
const (
	SegmentsAdd           Endpoint = "segments/add"
	SegmentsRemove        Endpoint = "segments/remove"
	SegmentsGet           Endpoint = "segments/get"
	SubscriptionsManage   Endpoint = "subscriptions/manage"
	SubscriptionsCallback Endpoint = "subscriptions/callback"
)

// Endpoints lists every endpoint in a fixed order, which job.Actions keeps
// (state files record an action by its index there): a new call goes at
// the end.
var Endpoints = [...]Endpoint{SegmentsAdd, SegmentsRemove, SegmentsGet, SubscriptionsManage, SubscriptionsCallback}

// Path returns the endpoint's path, relative to the API's base URL.
func (e Endpoint) Path() string { return "/" + string(e) }

// Call is one call of the API: the endpoint and its parameters. An
// endpoint reads only the parameters it takes (see specs); an empty one is
// left out of the request, as are the nil flags of Subscriptions.
type Call struct {
	Endpoint      Endpoint
	Contact       Contact
	SegmentID     SegmentID     // segments/add and segments/remove
	Subscriptions Subscriptions // subscriptions/manage
	Event         Event         // subscriptions/callback
}

// where says where a call's parameters, credentials included, go.
type where uint8

const (
	inQuery where = iota // the query string; no body
	inJSON               // a JSON object body
	inForm               // a form-encoded body
)

// endpointSpec is how a call of an endpoint is made and answered.
type endpointSpec struct {
	method string
	in     where
	// json encodes the body of an inJSON endpoint, credentials included.
	// The functions take the Call by value: a pointer passed to a function
	// value escapes, which would cost every call an allocation.
	json func(Call, *auth) ([]byte, error)
	// params sets the call's parameters of an inQuery or inForm endpoint;
	// the credentials are added after it.
	params func(Call, url.Values)
	// segments: the success answer is the JSON array of the contact's
	// segments, not {"status":"success"}.
	segments bool
}

// specs is the one place that says, for every endpoint, what its request
// is made of: the client's builder and sender read nothing else.
var specs = map[Endpoint]endpointSpec{
	// {"shop_id":"...","shop_secret":"...","email":"...","phone":"...","segment_id":100500}
	SegmentsAdd:    {method: http.MethodPost, in: inJSON, json: segmentJSON},
	SegmentsRemove: {method: http.MethodPost, in: inJSON, json: segmentJSON},
	// Every parameter, the secret included, in the query string.
	SegmentsGet: {method: http.MethodGet, in: inQuery, params: contactParams, segments: true},
	// The contact and the non-nil flags.
	SubscriptionsManage: {method: http.MethodPost, in: inForm, params: manageParams},
	// email and event only.
	SubscriptionsCallback: {method: http.MethodPost, in: inForm, params: callbackParams},
}

func contactParams(c Call, v url.Values) { c.Contact.addTo(v) }

func manageParams(c Call, v url.Values) {
	c.Contact.addTo(v)
	c.Subscriptions.addTo(v)
}

func callbackParams(c Call, v url.Values) {
	Contact{Email: c.Contact.Email}.addTo(v)
	if c.Event != "" {
		v.Set("event", string(c.Event))
	}
}
