package emulator

import (
	"encoding/json"
	"net/http"
)

// segmentsWrite answers segments/add (add is true) and segments/remove,
// whose parameters are a JSON object in the body.
func (e *Emulator) segmentsWrite(w http.ResponseWriter, r *http.Request, add bool) answer {
	p, rawID, a, ok := readJSON(w, r)
	if !ok {
		return a
	}
	if a, ok := e.identify(p); !ok {
		return a
	}
	id, a, ok := segmentIDOf(rawID)
	if !ok {
		return a
	}
	var kind string
	if add {
		kind, ok = e.store.add(id, p.email, p.phone)
	} else {
		kind, ok = e.store.remove(id, p.email, p.phone)
	}
	if !ok {
		return errorAnswer(http.StatusForbidden, "segment "+id+" is "+kind+": only static segments accept contacts")
	}
	return answerSuccess
}

// segmentJSON is one element of the array segments/get answers. ID is a
// json.Number for a canonical whole number, else a string.
type segmentJSON struct {
	ID   any    `json:"id"`
	Type string `json:"type"`
}

// segmentsGet answers segments/get, whose parameters are in the query
// string. Its success is a JSON array of the contact's segments, sorted by
// id, empty for an unknown contact. segment_id is accepted and ignored.
func (e *Emulator) segmentsGet(r *http.Request) answer {
	v, a, ok := readQuery(r)
	if !ok {
		return a
	}
	p := paramsOf(v)
	if a, ok := e.identify(p); !ok {
		return a
	}
	refs := e.store.segmentsOf(p.email, p.phone)
	list := make([]segmentJSON, len(refs))
	for i, ref := range refs {
		list[i] = segmentJSON{ID: ref.id, Type: ref.kind}
		if isNumberID(ref.id) {
			list[i].ID = json.Number(ref.id)
		}
	}
	b, err := json.Marshal(list)
	if err != nil {
		panic("emulator: marshal segment list: " + err.Error()) // cannot happen: strings only
	}
	return answer{status: http.StatusOK, body: b}
}
