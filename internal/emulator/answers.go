package emulator

import (
	"encoding/json"
	"io"
	"net/http"
)

// answer is the status and JSON body of an answer not yet written, so that
// an injected fault can still drop or delay it.
type answer struct {
	status int
	body   []byte
}

// errorBody is the documented shape of an error answer.
type errorBody struct {
	Status  string `json:"status"`
	Message string `json:"message"`
}

// errorAnswer returns an answer of the given status whose body is the
// documented error object carrying msg.
func errorAnswer(status int, msg string) answer {
	b, err := json.Marshal(errorBody{Status: "error", Message: msg})
	if err != nil {
		panic("emulator: marshal error body: " + err.Error()) // cannot happen for a string
	}
	return answer{status: status, body: b}
}

// missingParameter returns the 404 the API gives when a mandatory
// parameter is missing.
func missingParameter(name string) answer {
	return errorAnswer(http.StatusNotFound, "missing parameter: "+name)
}

// noSuchMethod returns the 404 for a path the API does not have or a method
// the path does not accept.
func noSuchMethod(method, path string) answer {
	return errorAnswer(http.StatusNotFound, "no such method: "+method+" "+path)
}

// The answers that carry nothing of the request are marshalled once.
var (
	answerSuccess = answer{status: http.StatusOK, body: []byte(`{"status":"success"}`)}

	answerBadJSON      = errorAnswer(http.StatusBadRequest, "request body is not valid JSON")
	answerBadForm      = errorAnswer(http.StatusBadRequest, "request body is not a valid form")
	answerBadQuery     = errorAnswer(http.StatusBadRequest, "query string is not valid")
	answerTooLarge     = errorAnswer(http.StatusRequestEntityTooLarge, "request body is larger than 1 MiB")
	answerForbidden    = errorAnswer(http.StatusForbidden, "invalid shop_id or shop_secret")
	answerNoFlag       = errorAnswer(http.StatusBadRequest, "no subscription flag to change")
	answerNoEvent      = errorAnswer(http.StatusBadRequest, "missing event: must be one of "+eventList)
	answerBadEvent     = errorAnswer(http.StatusBadRequest, "event must be one of "+eventList)
	answerBadSegmentID = errorAnswer(http.StatusBadRequest, "segment_id must be a whole number or a string")

	answerMissingShopID    = missingParameter("shop_id")
	answerMissingSecret    = missingParameter("shop_secret")
	answerMissingContact   = missingParameter("email or phone")
	answerMissingEmail     = missingParameter("email")
	answerMissingSegmentID = missingParameter("segment_id")

	answerTooManyRequests = errorAnswer(http.StatusTooManyRequests, "too many requests")
	answerUnavailable     = errorAnswer(http.StatusServiceUnavailable, "service temporarily unavailable")
)

// Header values shared by every answer. net/http only reads them.
var (
	contentTypeJSON = []string{"application/json"}
	contentTypeHTML = []string{"text/html; charset=utf-8"}
	retryAfterOne   = []string{"1"}
)

// write sends a and counts it.
func (e *Emulator) write(w http.ResponseWriter, a answer) {
	w.Header()["Content-Type"] = contentTypeJSON
	w.WriteHeader(a.status)
	w.Write(a.body) // an error means the client is gone: nothing to do
	e.stats.answered(a.status)
}

// writeHTML sends an HTML page, as a proxy in front of the API would, and
// counts it.
func (e *Emulator) writeHTML(w http.ResponseWriter, status int, page string) {
	w.Header()["Content-Type"] = contentTypeHTML
	w.WriteHeader(status)
	io.WriteString(w, page) // an error means the client is gone
	e.stats.answered(status)
}

// tooManyRequests sends a 429 with the given Retry-After (none if nil) and a
// Date header from the emulator's clock, so that a client can read an
// HTTP-date Retry-After against the server's time.
func (e *Emulator) tooManyRequests(w http.ResponseWriter, retryAfter []string) {
	h := w.Header()
	if retryAfter != nil {
		h["Retry-After"] = retryAfter
	}
	h.Set("Date", e.now().UTC().Format(http.TimeFormat))
	e.write(w, answerTooManyRequests)
}

// serverErrorPage is what a web server in front of the API answers when the
// application behind it fails.
const serverErrorPage = `<html>
<head><title>500 Internal Server Error</title></head>
<body>
<center><h1>500 Internal Server Error</h1></center>
<hr><center>nginx</center>
</body>
</html>
`

// proxyPage is what a captive portal or a filtering proxy answers, with a
// 200, in place of the API's JSON.
const proxyPage = `<!DOCTYPE html>
<html>
<head><title>Just a moment...</title></head>
<body>
<h1>Checking your connection before accessing api.personaclick.com</h1>
<p>This process is automatic. You will be redirected shortly.</p>
</body>
</html>
`
