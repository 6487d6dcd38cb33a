package emulator_test

import (
	"maps"
	"net/http"
	"slices"
	"testing"
)

func TestSubscriptionsManage(t *testing.T) {
	e, srv := newServer(t, testOptions())

	// The documented example.
	wantSuccess(t, postForm(t, srv, "/subscriptions/manage",
		"email=john.doe%40examplemail.com&email_bulk=true&email_chain=true&email_transactional=false&sms_bulk=false&sms_chain=true&sms_transactional=false"))
	want := map[string]bool{
		"email_bulk": true, "email_chain": true, "email_transactional": false,
		"sms_bulk": false, "sms_chain": true, "sms_transactional": false,
	}
	c, ok := e.Contact("john.doe@examplemail.com", "")
	if !ok || !maps.Equal(c.Subscriptions, want) {
		t.Fatalf("after example: Contact = %+v, %v; want subscriptions %v", c, ok, want)
	}

	// An absent flag is left as it is; the charset parameter is allowed.
	r := send(t, srv, http.MethodPost, "/subscriptions/manage", formType+"; charset=utf-8",
		credsForm+"&email=JOHN.DOE%40examplemail.com&email_bulk=false&sms_bulk=true")
	wantSuccess(t, r)
	want["email_bulk"], want["sms_bulk"] = false, true
	if c, _ := e.Contact("john.doe@examplemail.com", ""); !maps.Equal(c.Subscriptions, want) {
		t.Errorf("after partial change: Subscriptions = %v, want %v", c.Subscriptions, want)
	}

	// A phone alone creates a contact holding only the flags ever set.
	wantSuccess(t, postForm(t, srv, "/subscriptions/manage", "phone=%2B1+555+0100&sms_chain=false"))
	c, ok = e.Contact("", "15550100")
	if !ok || !maps.Equal(c.Subscriptions, map[string]bool{"sms_chain": false}) || c.Status != "" {
		t.Errorf("phone contact = %+v, %v; want sms_chain false only", c, ok)
	}
	if n := e.Stats().Applied["/subscriptions/manage"]; n != 3 {
		t.Errorf("Applied = %d, want 3", n)
	}
}

func TestSubscriptionsManageErrors(t *testing.T) {
	tests := []struct {
		name        string
		method      string
		query       string
		contentType string
		body        string
		status      int
		message     string
	}{
		{"GET", http.MethodGet, "?" + credsForm + "&email=a%40example.com&email_bulk=true", "", "", 404, "no such method: GET /subscriptions/manage"},
		{"JSON body", http.MethodPost, "", jsonType, `{` + credsJSON + `,"email":"a@example.com","email_bulk":true}`, 404, "missing parameter: shop_id"},
		{"parameters in query string", http.MethodPost, "?" + credsForm + "&email=a%40example.com&email_bulk=true", formType, "", 404, "missing parameter: shop_id"},
		{"malformed form", http.MethodPost, "", formType, credsForm + "&email=a%40example.com&email_bulk=%zz", 400, "request body is not a valid form"},
		{"missing shop_id", http.MethodPost, "", formType, "shop_secret=" + testSecret + "&email=a%40example.com&email_bulk=true", 404, "missing parameter: shop_id"},
		{"missing shop_secret", http.MethodPost, "", formType, "shop_id=" + testShopID + "&email=a%40example.com&email_bulk=true", 404, "missing parameter: shop_secret"},
		{"wrong shop_secret", http.MethodPost, "", formType, "shop_id=" + testShopID + "&shop_secret=x&email=a%40example.com&email_bulk=true", 403, "invalid shop_id or shop_secret"},
		{"no contact", http.MethodPost, "", formType, credsForm + "&email_bulk=true", 404, "missing parameter: email or phone"},
		{"no flag", http.MethodPost, "", formType, credsForm + "&email=a%40example.com", 400, "no subscription flag to change"},
		{"unknown flag only", http.MethodPost, "", formType, credsForm + "&email=a%40example.com&push_bulk=true", 400, "no subscription flag to change"},
		{"flag TRUE", http.MethodPost, "", formType, credsForm + "&email=a%40example.com&email_bulk=TRUE", 400, "email_bulk must be true or false"},
		{"flag 1", http.MethodPost, "", formType, credsForm + "&email=a%40example.com&sms_chain=1", 400, "sms_chain must be true or false"},
		{"flag empty", http.MethodPost, "", formType, credsForm + "&email=a%40example.com&email_bulk=true&sms_transactional=", 400, "sms_transactional must be true or false"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, srv := newServer(t, testOptions())
			wantError(t, send(t, srv, tt.method, "/subscriptions/manage"+tt.query, tt.contentType, tt.body), tt.status, tt.message)
			if _, ok := e.Contact("a@example.com", ""); ok {
				t.Error("a refused call created the contact")
			}
		})
	}
}

func TestSubscriptionsCallback(t *testing.T) {
	allOff := map[string]bool{
		"email_bulk": false, "email_chain": false, "email_transactional": false,
		"sms_bulk": false, "sms_chain": false, "sms_transactional": false,
	}
	tests := []struct {
		event      string
		wantStatus string
		wantSubs   map[string]bool
	}{
		{"complained", "complained", map[string]bool{
			"email_bulk": false, "email_chain": false, "email_transactional": false,
			"sms_bulk": true, "sms_chain": true, "sms_transactional": true,
		}},
		{"blacklisted", "blacklisted", map[string]bool{
			"email_bulk": true, "email_chain": true, "email_transactional": true,
			"sms_bulk": true, "sms_chain": true, "sms_transactional": true,
		}},
		{"unsubscribed", "unsubscribed", allOff},
	}
	for _, tt := range tests {
		t.Run(tt.event, func(t *testing.T) {
			e, srv := newServer(t, testOptions())
			wantSuccess(t, postForm(t, srv, "/subscriptions/manage",
				"email=a%40example.com&email_bulk=true&email_chain=true&email_transactional=true&sms_bulk=true&sms_chain=true&sms_transactional=true"))
			wantSuccess(t, postForm(t, srv, "/subscriptions/callback", "email=A%40example.com&event="+tt.event))

			c, ok := e.Contact("a@example.com", "")
			if !ok || c.Status != tt.wantStatus || !maps.Equal(c.Subscriptions, tt.wantSubs) {
				t.Errorf("Contact = %+v, %v; want status %q, subscriptions %v", c, ok, tt.wantStatus, tt.wantSubs)
			}

			// An unknown email is created with the event's effect.
			wantSuccess(t, postForm(t, srv, "/subscriptions/callback", "email=new%40example.com&event="+tt.event))
			c, ok = e.Contact("new@example.com", "")
			if !ok || c.Status != tt.wantStatus {
				t.Errorf("new contact = %+v, %v; want status %q", c, ok, tt.wantStatus)
			}
			if n := e.Stats().Applied["/subscriptions/callback"]; n != 2 {
				t.Errorf("Applied = %d, want 2", n)
			}
		})
	}
}

func TestHardBounced(t *testing.T) {
	e, srv := newServer(t, testOptions())
	for _, seg := range []string{"100500", "42"} {
		wantSuccess(t, postJSON(t, srv, "/segments/add", `"email":"a@example.com","phone":"555","segment_id":"`+seg+`"`))
	}
	wantSuccess(t, postJSON(t, srv, "/segments/add", `"email":"b@example.com","segment_id":100500`))
	wantSuccess(t, postForm(t, srv, "/subscriptions/manage", "email=a%40example.com&email_bulk=true"))

	wantSuccess(t, postForm(t, srv, "/subscriptions/callback", "email=a%40example.com&event=hard_bounced"))

	if c, ok := e.Contact("a@example.com", ""); ok {
		t.Errorf("contact still there: %+v", c)
	}
	if c, ok := e.Contact("", "555"); ok {
		t.Errorf("contact still found by phone: %+v", c)
	}
	if !e.HardBounced("A@example.com ") {
		t.Error("HardBounced = false, want true")
	}
	if e.HardBounced("b@example.com") {
		t.Error("HardBounced(b) = true, want false")
	}
	for seg, want := range map[string]int{"100500": 1, "42": 0} {
		if n := e.SegmentSize(seg); n != want {
			t.Errorf("SegmentSize(%s) = %d, want %d", seg, n, want)
		}
	}
	if r := getSegments(t, srv, "email=a%40example.com"); r.body != "[]" {
		t.Errorf("segments/get after hard bounce = %s, want []", r.body)
	}

	// Idempotent, also for an email never seen.
	wantSuccess(t, postForm(t, srv, "/subscriptions/callback", "email=a%40example.com&event=hard_bounced"))
	wantSuccess(t, postForm(t, srv, "/subscriptions/callback", "email=never%40example.com&event=hard_bounced"))
	if _, ok := e.Contact("never@example.com", ""); ok {
		t.Error("hard_bounced created a contact")
	}

	// The email may come back, as a new contact.
	wantSuccess(t, postJSON(t, srv, "/segments/add", `"email":"a@example.com","segment_id":42`))
	c, ok := e.Contact("a@example.com", "")
	if !ok || c.Phone != "" || c.Subscriptions != nil || !slices.Equal(c.Segments, []string{"42"}) {
		t.Errorf("returning contact = %+v, %v; want a fresh contact in 42", c, ok)
	}
}

func TestSubscriptionsCallbackErrors(t *testing.T) {
	tests := []struct {
		name        string
		method      string
		query       string
		contentType string
		body        string
		status      int
		message     string
	}{
		{"GET", http.MethodGet, "?" + credsForm + "&email=a%40example.com&event=complained", "", "", 404, "no such method: GET /subscriptions/callback"},
		{"JSON body", http.MethodPost, "", jsonType, `{` + credsJSON + `,"email":"a@example.com","event":"complained"}`, 404, "missing parameter: shop_id"},
		{"parameters in query string", http.MethodPost, "?" + credsForm + "&email=a%40example.com&event=complained", formType, "", 404, "missing parameter: shop_id"},
		{"missing shop_secret", http.MethodPost, "", formType, "shop_id=" + testShopID + "&email=a%40example.com&event=complained", 404, "missing parameter: shop_secret"},
		{"wrong shop_id", http.MethodPost, "", formType, "shop_id=x&shop_secret=" + testSecret + "&email=a%40example.com&event=complained", 403, "invalid shop_id or shop_secret"},
		{"phone is no identity", http.MethodPost, "", formType, credsForm + "&phone=555&event=complained", 404, "missing parameter: email"},
		{"missing event", http.MethodPost, "", formType, credsForm + "&email=a%40example.com", 400, "missing event: must be one of hard_bounced, complained, blacklisted, unsubscribed"},
		{"unknown event", http.MethodPost, "", formType, credsForm + "&email=a%40example.com&event=soft_bounced", 400, "event must be one of hard_bounced, complained, blacklisted, unsubscribed"},
		{"manage's flags instead of event", http.MethodPost, "", formType, credsForm + "&email=a%40example.com&email_bulk=true", 400, "missing event: must be one of hard_bounced, complained, blacklisted, unsubscribed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, srv := newServer(t, testOptions())
			wantError(t, send(t, srv, tt.method, "/subscriptions/callback"+tt.query, tt.contentType, tt.body), tt.status, tt.message)
			if _, ok := e.Contact("a@example.com", "555"); ok {
				t.Error("a refused call created the contact")
			}
		})
	}
}
