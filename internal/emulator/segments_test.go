package emulator_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

func TestSegmentsAdd(t *testing.T) {
	tests := []struct {
		name        string
		contentType string
		fields      string
		segment     string // the segment that must now hold the contact
		email       string // how to look the contact up
		phone       string
		want        string // the contact's email as stored
	}{
		{"documented example", jsonType, `"email":"john.doe@examplemail.com","phone":"4400114527199","segment_id":100500`, "100500", "john.doe@examplemail.com", "", "john.doe@examplemail.com"},
		{"segment_id as string", jsonType, `"email":"a@example.com","segment_id":"100500"`, "100500", "a@example.com", "", "a@example.com"},
		{"segment_id as padded string", jsonType, `"email":"b@example.com","segment_id":" 100500 "`, "100500", "b@example.com", "", "b@example.com"},
		{"new segment is created static", jsonType, `"email":"c@example.com","segment_id":"vip"`, "vip", "c@example.com", "", "c@example.com"},
		{"phone only", jsonType, `"phone":"+44 (0) 7700-900123","segment_id":100500`, "100500", "", "4407700900123", ""},
		{"charset parameter", "application/json; charset=utf-8", `"email":"d@example.com","segment_id":100500`, "100500", "d@example.com", "", "d@example.com"},
		{"content type in other case", "Application/JSON", `"email":"e@example.com","segment_id":100500`, "100500", "e@example.com", "", "e@example.com"},
		{"unknown fields ignored", jsonType, `"email":"f@example.com","segment_id":100500,"extra":[1,{}]`, "100500", "f@example.com", "", "f@example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, srv := newServer(t, testOptions())
			body := "{" + credsJSON + "," + tt.fields + "}"
			wantSuccess(t, send(t, srv, http.MethodPost, "/segments/add", tt.contentType, body))

			c, ok := e.Contact(tt.email, tt.phone)
			if !ok {
				t.Fatalf("Contact(%q, %q) not found", tt.email, tt.phone)
			}
			if c.Email != tt.want {
				t.Errorf("Email = %q, want %q", c.Email, tt.want)
			}
			if want := []string{tt.segment}; !slices.Equal(c.Segments, want) {
				t.Errorf("Segments = %q, want %q", c.Segments, want)
			}
			if n := e.SegmentSize(tt.segment); n != 1 {
				t.Errorf("SegmentSize(%q) = %d, want 1", tt.segment, n)
			}
			if n := e.Stats().Applied["/segments/add"]; n != 1 {
				t.Errorf("Applied = %d, want 1", n)
			}
		})
	}
}

func TestSegmentsAddIsIdempotent(t *testing.T) {
	e, srv := newServer(t, testOptions())
	for range 3 {
		wantSuccess(t, postJSON(t, srv, "/segments/add", `"email":"a@example.com","segment_id":100500`))
	}
	// The number and the string name the same segment.
	wantSuccess(t, postJSON(t, srv, "/segments/add", `"email":"a@example.com","segment_id":"100500"`))
	wantSuccess(t, postJSON(t, srv, "/segments/add", `"email":"a@example.com","segment_id":42`))

	if n := e.SegmentSize("100500"); n != 1 {
		t.Errorf("SegmentSize(100500) = %d, want 1", n)
	}
	c, _ := e.Contact("a@example.com", "")
	if want := []string{"100500", "42"}; !slices.Equal(c.Segments, want) {
		t.Errorf("Segments = %q, want %q", c.Segments, want)
	}
}

func TestSegmentsRemove(t *testing.T) {
	e, srv := newServer(t, testOptions())
	wantSuccess(t, postJSON(t, srv, "/segments/add", `"email":"a@example.com","phone":"100","segment_id":100500`))
	wantSuccess(t, postJSON(t, srv, "/segments/add", `"email":"b@example.com","segment_id":100500`))

	// Removing by phone finds the contact added by email and phone.
	wantSuccess(t, postJSON(t, srv, "/segments/remove", `"phone":"100","segment_id":"100500"`))
	if n := e.SegmentSize("100500"); n != 1 {
		t.Errorf("after remove: SegmentSize = %d, want 1", n)
	}
	c, ok := e.Contact("a@example.com", "")
	if !ok || c.Segments != nil {
		t.Errorf("after remove: Contact = %+v, %v; want a contact in no segment", c, ok)
	}

	// Idempotent, and a no-op for unknown contacts and segments.
	for _, fields := range []string{
		`"phone":"100","segment_id":100500`,
		`"email":"nobody@example.com","segment_id":100500`,
		`"email":"b@example.com","segment_id":"no-such-segment"`,
	} {
		wantSuccess(t, postJSON(t, srv, "/segments/remove", fields))
	}
	if _, ok := e.Contact("nobody@example.com", ""); ok {
		t.Error("remove created the unknown contact")
	}
	if n := e.SegmentSize("100500"); n != 1 {
		t.Errorf("SegmentSize = %d, want 1", n)
	}
	if n := e.Stats().Applied["/segments/remove"]; n != 4 {
		t.Errorf("Applied = %d, want 4", n)
	}
}

func TestSegmentsWriteErrors(t *testing.T) {
	const contact = `"email":"a@example.com"`
	tests := []struct {
		name        string
		method      string
		query       string
		contentType string
		body        string
		status      int
		message     string
	}{
		{"wrong method", http.MethodGet, "", jsonType, `{` + credsJSON + `,` + contact + `,"segment_id":1}`, 404, "no such method: GET %s"},
		{"form body", http.MethodPost, "", formType, credsForm + "&email=a%40example.com&segment_id=1", 404, "missing parameter: shop_id"},
		{"no content type", http.MethodPost, "", "", `{` + credsJSON + `,` + contact + `,"segment_id":1}`, 404, "missing parameter: shop_id"},
		{"text/plain", http.MethodPost, "", "text/plain", `{` + credsJSON + `,` + contact + `,"segment_id":1}`, 404, "missing parameter: shop_id"},
		{"parameters in query string", http.MethodPost, "?" + credsForm + "&email=a%40example.com&segment_id=1", jsonType, `{}`, 404, "missing parameter: shop_id"},
		{"malformed JSON", http.MethodPost, "", jsonType, `{"shop_id":`, 400, "request body is not valid JSON"},
		{"empty body", http.MethodPost, "", jsonType, ``, 400, "request body is not valid JSON"},
		{"array body", http.MethodPost, "", jsonType, `[{` + credsJSON + `}]`, 400, "request body is not valid JSON"},
		{"null body", http.MethodPost, "", jsonType, `null`, 400, "request body is not valid JSON"},
		{"trailing data", http.MethodPost, "", jsonType, `{` + credsJSON + `,` + contact + `,"segment_id":1}{}`, 400, "request body is not valid JSON"},
		{"email of wrong type", http.MethodPost, "", jsonType, `{` + credsJSON + `,"email":7,"segment_id":1}`, 400, "email must be a string"},
		{"missing shop_id", http.MethodPost, "", jsonType, `{"shop_secret":"` + testSecret + `",` + contact + `,"segment_id":1}`, 404, "missing parameter: shop_id"},
		{"empty shop_id", http.MethodPost, "", jsonType, `{"shop_id":"","shop_secret":"` + testSecret + `",` + contact + `,"segment_id":1}`, 404, "missing parameter: shop_id"},
		{"missing shop_secret", http.MethodPost, "", jsonType, `{"shop_id":"` + testShopID + `",` + contact + `,"segment_id":1}`, 404, "missing parameter: shop_secret"},
		{"wrong shop_secret", http.MethodPost, "", jsonType, `{"shop_id":"` + testShopID + `","shop_secret":"nope",` + contact + `,"segment_id":1}`, 403, "invalid shop_id or shop_secret"},
		{"wrong shop_id", http.MethodPost, "", jsonType, `{"shop_id":"other","shop_secret":"` + testSecret + `",` + contact + `,"segment_id":1}`, 403, "invalid shop_id or shop_secret"},
		{"no contact", http.MethodPost, "", jsonType, `{` + credsJSON + `,"segment_id":1}`, 404, "missing parameter: email or phone"},
		{"blank contact", http.MethodPost, "", jsonType, `{` + credsJSON + `,"email":"  ","phone":"()-","segment_id":1}`, 404, "missing parameter: email or phone"},
		{"no segment_id", http.MethodPost, "", jsonType, `{` + credsJSON + `,` + contact + `}`, 404, "missing parameter: segment_id"},
		{"null segment_id", http.MethodPost, "", jsonType, `{` + credsJSON + `,` + contact + `,"segment_id":null}`, 404, "missing parameter: segment_id"},
		{"empty segment_id", http.MethodPost, "", jsonType, `{` + credsJSON + `,` + contact + `,"segment_id":""}`, 404, "missing parameter: segment_id"},
		{"boolean segment_id", http.MethodPost, "", jsonType, `{` + credsJSON + `,` + contact + `,"segment_id":true}`, 400, "segment_id must be a whole number or a string"},
		{"fractional segment_id", http.MethodPost, "", jsonType, `{` + credsJSON + `,` + contact + `,"segment_id":1.5}`, 400, "segment_id must be a whole number or a string"},
		{"negative segment_id", http.MethodPost, "", jsonType, `{` + credsJSON + `,` + contact + `,"segment_id":-1}`, 400, "segment_id must be a whole number or a string"},
		{"dynamic segment", http.MethodPost, "", jsonType, `{` + credsJSON + `,` + contact + `,"segment_id":7}`, 403, "segment 7 is dynamic: only static segments accept contacts"},
		{"rfm segment", http.MethodPost, "", jsonType, `{` + credsJSON + `,` + contact + `,"segment_id":"8"}`, 403, "segment 8 is rfm: only static segments accept contacts"},
		{"body over 1 MiB", http.MethodPost, "", jsonType, `{` + credsJSON + `,` + contact + `,"segment_id":1,"pad":"` + strings.Repeat("x", 1<<20) + `"}`, 413, "request body is larger than 1 MiB"},
	}
	for _, path := range []string{"/segments/add", "/segments/remove"} {
		for _, tt := range tests {
			t.Run(path+"/"+tt.name, func(t *testing.T) {
				e, srv := newServer(t, testOptions())
				r := send(t, srv, tt.method, path+tt.query, tt.contentType, tt.body)
				msg := tt.message
				if strings.Contains(msg, "%s") {
					msg = strings.Replace(msg, "%s", path, 1)
				}
				wantError(t, r, tt.status, msg)

				if _, ok := e.Contact("a@example.com", ""); ok {
					t.Error("a refused call created the contact")
				}
				if n := len(e.Stats().Applied); n != 0 {
					t.Errorf("Applied has %d paths, want none", n)
				}
			})
		}
	}
}

func TestSegmentsGet(t *testing.T) {
	e, srv := newServer(t, testOptions())
	for _, id := range []string{`"abc"`, `100500`, `"0042"`, `"42"`, `"99999999999999999999"`} {
		wantSuccess(t, postJSON(t, srv, "/segments/add", `"email":"a@example.com","phone":"555","segment_id":`+id))
	}
	const want = `[{"id":"0042","type":"static"},{"id":100500,"type":"static"},{"id":42,"type":"static"},` +
		`{"id":"99999999999999999999","type":"static"},{"id":"abc","type":"static"}]`

	tests := []struct {
		name  string
		query string
		want  string
	}{
		{"by email", "email=a%40example.com", want},
		{"by email in other case", "email=+A%40Example.COM+", want},
		{"by phone", "phone=%2B555", want},
		{"segment_id ignored", "email=a%40example.com&segment_id=7", want},
		{"unknown email known phone", "email=z%40example.com&phone=555", want},
		{"unknown contact", "email=nobody%40example.com", `[]`},
		{"unknown phone", "phone=123", `[]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := getSegments(t, srv, tt.query)
			if r.status != http.StatusOK || r.body != tt.want {
				t.Errorf("got %d %s\nwant 200 %s", r.status, r.body, tt.want)
			}
			if ct := r.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
		})
	}
	if _, ok := e.Contact("z@example.com", ""); ok {
		t.Error("segments/get attached an email: reads must not write")
	}
}

func TestSegmentsGetErrors(t *testing.T) {
	params := url.Values{"shop_id": {testShopID}, "shop_secret": {testSecret}, "email": {"a@example.com"}}
	without := func(name string) string {
		v := url.Values{}
		for k, vs := range params {
			if k != name {
				v[k] = vs
			}
		}
		return v.Encode()
	}
	tests := []struct {
		name        string
		method      string
		query       string
		contentType string
		body        string
		status      int
		message     string
	}{
		{"POST", http.MethodPost, "?" + params.Encode(), "", "", 404, "no such method: POST /segments/get"},
		{"parameters in form body", http.MethodGet, "", formType, params.Encode(), 404, "missing parameter: shop_id"},
		{"parameters in JSON body", http.MethodGet, "", jsonType, `{` + credsJSON + `,"email":"a@example.com"}`, 404, "missing parameter: shop_id"},
		{"malformed query", http.MethodGet, "?" + params.Encode() + "&x=%zz", "", "", 400, "query string is not valid"},
		{"missing shop_id", http.MethodGet, "?" + without("shop_id"), "", "", 404, "missing parameter: shop_id"},
		{"missing shop_secret", http.MethodGet, "?" + without("shop_secret"), "", "", 404, "missing parameter: shop_secret"},
		{"wrong shop_secret", http.MethodGet, "?" + without("shop_secret") + "&shop_secret=x", "", "", 403, "invalid shop_id or shop_secret"},
		{"no contact", http.MethodGet, "?" + without("email"), "", "", 404, "missing parameter: email or phone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, srv := newServer(t, testOptions())
			wantError(t, send(t, srv, tt.method, "/segments/get"+tt.query, tt.contentType, tt.body), tt.status, tt.message)
		})
	}
}

func TestIdentity(t *testing.T) {
	e, srv := newServer(t, testOptions())
	add := func(fields string) {
		t.Helper()
		wantSuccess(t, postJSON(t, srv, "/segments/add", fields+`,"segment_id":100500`))
	}
	add(`"email":"  John.Doe@Example.COM ","phone":"+44 (011) 452-7199"`)
	add(`"phone":"7000"`)
	add(`"email":"new@example.com","phone":"7000"`) // unknown email, known phone: the phone's contact
	// Unknown email, known phone that has an email already: the phone's
	// contact, which keeps its email.
	add(`"email":"other@example.com","phone":"44011 4527199"`)

	tests := []struct {
		name         string
		email, phone string
		wantEmail    string
		wantPhone    string
	}{
		{"email normalized", "john.doe@example.com", "", "john.doe@example.com", "440114527199"},
		{"email looked up normalized", " JOHN.DOE@example.com\t", "", "john.doe@example.com", "440114527199"},
		{"phone digits only", "", "440114527199", "john.doe@example.com", "440114527199"},
		{"phone looked up normalized", "", "+44-011-4527199", "john.doe@example.com", "440114527199"},
		{"email attached to phone's contact", "new@example.com", "", "new@example.com", "7000"},
		{"email wins over phone", "new@example.com", "440114527199", "new@example.com", "7000"},
		{"unknown email known phone", "nobody@example.com", "7000", "new@example.com", "7000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, ok := e.Contact(tt.email, tt.phone)
			if !ok {
				t.Fatalf("Contact(%q, %q) not found", tt.email, tt.phone)
			}
			if c.Email != tt.wantEmail || c.Phone != tt.wantPhone {
				t.Errorf("Contact(%q, %q) = %q, %q; want %q, %q", tt.email, tt.phone, c.Email, c.Phone, tt.wantEmail, tt.wantPhone)
			}
		})
	}
	if n := e.SegmentSize("100500"); n != 2 {
		t.Errorf("SegmentSize = %d, want 2 contacts", n)
	}
	for _, q := range [][2]string{{"other@example.com", ""}, {"nobody@example.com", ""}, {"", "1"}, {"", ""}} {
		if _, ok := e.Contact(q[0], q[1]); ok {
			t.Errorf("Contact(%q, %q) found, want unknown", q[0], q[1])
		}
	}
}
