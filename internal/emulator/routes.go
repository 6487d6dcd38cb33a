package emulator

import (
	"crypto/subtle"
	"net/http"

	"github.com/pcsync/pcsync/internal/api"
)

// route is one of the API's calls.
type route uint8

const (
	routeSegmentsAdd route = iota
	routeSegmentsRemove
	routeSegmentsGet
	routeSubscriptionsManage
	routeSubscriptionsCallback
	numRoutes
)

// routes lists each call's method and path, indexed by route. The paths
// are the client's endpoints; the methods are the documentation's, the
// emulator's own (a client that used another would be refused).
var routes = [numRoutes]struct{ method, path string }{
	routeSegmentsAdd:           {http.MethodPost, api.SegmentsAdd.Path()},
	routeSegmentsRemove:        {http.MethodPost, api.SegmentsRemove.Path()},
	routeSegmentsGet:           {http.MethodGet, api.SegmentsGet.Path()},
	routeSubscriptionsManage:   {http.MethodPost, api.SubscriptionsManage.Path()},
	routeSubscriptionsCallback: {http.MethodPost, api.SubscriptionsCallback.Path()},
}

// findRoute returns the call that method and path name.
func findRoute(method, path string) (route, bool) {
	for i, rt := range routes {
		if rt.path == path && rt.method == method {
			return route(i), true
		}
	}
	return 0, false
}

// authorize checks that p carries credentials, then that they are the
// shop's; ok is false, with the answer to give, when they are not. The
// secret is compared in constant time.
func (e *Emulator) authorize(p params) (_ answer, ok bool) {
	switch {
	case p.shopID == "":
		return answerMissingShopID, false
	case p.shopSecret == "":
		return answerMissingSecret, false
	}
	idOK := subtle.ConstantTimeCompare([]byte(p.shopID), e.shopID)
	secretOK := subtle.ConstantTimeCompare([]byte(p.shopSecret), e.secret)
	if idOK&secretOK != 1 {
		return answerForbidden, false
	}
	return answer{}, true
}

// identify checks that p names a contact by email or phone, after checking
// its credentials.
func (e *Emulator) identify(p params) (_ answer, ok bool) {
	if a, ok := e.authorize(p); !ok {
		return a, false
	}
	if p.email == "" && p.phone == "" {
		return answerMissingContact, false
	}
	return answer{}, true
}
