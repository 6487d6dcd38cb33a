package emulator_test

import (
	"fmt"
	"maps"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/pcsync/pcsync/internal/emulator"
)

func TestNoSuchMethod(t *testing.T) {
	tests := []struct{ method, path string }{
		{http.MethodGet, "/segments/add"},
		{http.MethodPut, "/segments/remove"},
		{http.MethodHead, "/segments/get"},
		{http.MethodDelete, "/subscriptions/manage"},
		{http.MethodGet, "/subscriptions/callback"},
		{http.MethodPost, "/segments/add/"},
		{http.MethodPost, "/segments"},
		{http.MethodGet, "/"},
		{http.MethodPost, "/Segments/Add"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			_, srv := newServer(t, testOptions())
			r := send(t, srv, tt.method, tt.path, jsonType, `{`+credsJSON+`,"email":"a@example.com","segment_id":1}`)
			if tt.method == http.MethodHead {
				if r.status != http.StatusNotFound {
					t.Errorf("status = %d, want 404", r.status)
				}
				return
			}
			wantError(t, r, http.StatusNotFound, "no such method: "+tt.method+" "+tt.path)
		})
	}
}

// TestCheckOrder sends calls with two faults each: the one checked first
// must be the one reported.
func TestCheckOrder(t *testing.T) {
	const wrongCreds = `"shop_id":"` + testShopID + `","shop_secret":"wrong"`
	tests := []struct {
		name    string
		path    string
		ctype   string
		body    string
		status  int
		message string
	}{
		{"method before parse", "/segments/get", jsonType, `{`, 404, "no such method: POST /segments/get"},
		{"parse before credentials", "/segments/add", jsonType, `{"segment_id":7`, 400, "request body is not valid JSON"},
		{"shop_id before shop_secret", "/segments/add", jsonType, `{"segment_id":7}`, 404, "missing parameter: shop_id"},
		{"credentials before contact", "/segments/add", jsonType, `{` + wrongCreds + `,"segment_id":7}`, 403, "invalid shop_id or shop_secret"},
		{"contact before segment_id", "/segments/remove", jsonType, `{` + credsJSON + `}`, 404, "missing parameter: email or phone"},
		{"segment_id type before semantics", "/segments/add", jsonType, `{` + credsJSON + `,"email":"a@b.c","segment_id":[7]}`, 400, "segment_id must be a whole number or a string"},
		{"credentials before flags", "/subscriptions/manage", formType, "shop_id=" + testShopID + "&shop_secret=wrong&email=a%40b.c", 403, "invalid shop_id or shop_secret"},
		{"contact before flags", "/subscriptions/manage", formType, credsForm + "&email_bulk=maybe", 404, "missing parameter: email or phone"},
		{"credentials before event", "/subscriptions/callback", formType, "shop_secret=" + testSecret + "&email=a%40b.c&event=nope", 404, "missing parameter: shop_id"},
		{"email before event", "/subscriptions/callback", formType, credsForm + "&event=nope", 404, "missing parameter: email"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, srv := newServer(t, testOptions())
			wantError(t, send(t, srv, http.MethodPost, tt.path, tt.ctype, tt.body), tt.status, tt.message)
		})
	}
}

// TestSecretNeverEchoed sends every call with the right secret and with a
// wrong one and checks that no answer carries either.
func TestSecretNeverEchoed(t *testing.T) {
	const wrong = "wrong-secret-93ad1f"
	_, srv := newServer(t, testOptions())
	for _, secret := range []string{testSecret, wrong} {
		form := "shop_id=" + testShopID + "&shop_secret=" + secret
		replies := []reply{
			send(t, srv, http.MethodPost, "/segments/add", jsonType, `{"shop_id":"`+testShopID+`","shop_secret":"`+secret+`","email":"a@b.c","segment_id":7}`),
			send(t, srv, http.MethodPost, "/segments/remove", jsonType, `{"shop_id":"`+testShopID+`","shop_secret":"`+secret+`","segment_id":true,"email":"a@b.c"}`),
			send(t, srv, http.MethodGet, "/segments/get?"+form+"&email=a%40b.c", "", ""),
			send(t, srv, http.MethodGet, "/segments/get?"+form, "", ""),
			send(t, srv, http.MethodPost, "/segments/get?"+form, "", ""),
			send(t, srv, http.MethodPost, "/subscriptions/manage", formType, form+"&email=a%40b.c&email_bulk=x"),
			send(t, srv, http.MethodPost, "/subscriptions/callback", formType, form+"&email=a%40b.c&event=x"),
		}
		for i, r := range replies {
			if strings.Contains(r.body, secret) || strings.Contains(fmt.Sprint(r.header), secret) {
				t.Errorf("answer %d echoes the secret: %d %s", i, r.status, r.body)
			}
		}
	}
}

func TestStats(t *testing.T) {
	e, srv := newServer(t, testOptions())
	wantSuccess(t, postJSON(t, srv, "/segments/add", `"email":"a@b.c","segment_id":1`))
	wantSuccess(t, postJSON(t, srv, "/segments/add", `"email":"a@b.c","segment_id":1`))
	postJSON(t, srv, "/segments/add", `"email":"a@b.c","segment_id":7`)
	getSegments(t, srv, "email=a%40b.c")
	postForm(t, srv, "/subscriptions/manage", "email=a%40b.c")
	send(t, srv, http.MethodGet, "/nowhere", "", "")

	st := e.Stats()
	if st.Requests != 6 {
		t.Errorf("Requests = %d, want 6", st.Requests)
	}
	if want := map[string]int64{"/segments/add": 2, "/segments/get": 1}; !maps.Equal(st.Applied, want) {
		t.Errorf("Applied = %v, want %v", st.Applied, want)
	}
	if want := map[int]int64{200: 3, 400: 1, 403: 1, 404: 1}; !maps.Equal(st.ByStatus, want) {
		t.Errorf("ByStatus = %v, want %v", st.ByStatus, want)
	}
}

func TestSandbox(t *testing.T) {
	opts := emulator.Sandbox()
	if opts.ShopID != emulator.SandboxShopID || opts.ShopSecret != emulator.SandboxShopSecret {
		t.Errorf("credentials = %q, %q", opts.ShopID, opts.ShopSecret)
	}
	want := map[string]string{"100500": "static", "7": "dynamic", "8": "rfm", "42": "static"}
	if !maps.Equal(opts.Segments, want) {
		t.Errorf("Segments = %v, want %v", opts.Segments, want)
	}
	opts.Segments["100500"] = "dynamic"
	if emulator.Sandbox().Segments["100500"] != "static" {
		t.Error("Sandbox shares its Segments map between calls")
	}

	_, srv := newServer(t, emulator.Sandbox())
	creds := `"shop_id":"` + emulator.SandboxShopID + `","shop_secret":"` + emulator.SandboxShopSecret + `"`
	for id, status := range map[string]int{"100500": 200, "42": 200, "7": 403, "8": 403} {
		r := send(t, srv, http.MethodPost, "/segments/add", jsonType, `{`+creds+`,"email":"a@b.c","segment_id":`+id+`}`)
		if r.status != status {
			t.Errorf("add to %s: status %d, want %d", id, r.status, status)
		}
	}
}

// TestNewCopiesSegments checks that the caller's map is not shared.
func TestNewCopiesSegments(t *testing.T) {
	opts := testOptions()
	e, srv := newServer(t, opts)
	opts.Segments["7"] = "static"
	wantError(t, postJSON(t, srv, "/segments/add", `"email":"a@b.c","segment_id":7`),
		http.StatusForbidden, "segment 7 is dynamic: only static segments accept contacts")
	if n := e.SegmentSize("7"); n != 0 {
		t.Errorf("SegmentSize(7) = %d", n)
	}
}

// TestConcurrent drives every call from many goroutines at once; run it
// with -race.
func TestConcurrent(t *testing.T) {
	const workers, rounds = 50, 8
	e, srv := newServer(t, testOptions())
	srv.Client().Transport.(*http.Transport).MaxIdleConnsPerHost = workers

	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			own := fmt.Sprintf(`"email":"w%d@example.com","phone":"%d"`, w, 1000+w)
			for i := range rounds {
				postJSON(t, srv, "/segments/add", own+`,"segment_id":100500`)
				postJSON(t, srv, "/segments/add", `"email":"shared@example.com","segment_id":"shared"`)
				postJSON(t, srv, "/segments/add", own+fmt.Sprintf(`,"segment_id":"r%d"`, i))
				postJSON(t, srv, "/segments/remove", own+fmt.Sprintf(`,"segment_id":"r%d"`, i))
				postForm(t, srv, "/subscriptions/manage", fmt.Sprintf("phone=%d&sms_bulk=true", 1000+w))
				getSegments(t, srv, fmt.Sprintf("phone=%d", 1000+w))
				e.Stats()
				e.Contact("shared@example.com", "")
			}
			postForm(t, srv, "/subscriptions/callback", fmt.Sprintf("email=w%d%%40example.com&event=unsubscribed", w))
		})
	}
	wg.Wait()

	if n := e.SegmentSize("100500"); n != workers {
		t.Errorf("SegmentSize(100500) = %d, want %d", n, workers)
	}
	if n := e.SegmentSize("shared"); n != 1 {
		t.Errorf("SegmentSize(shared) = %d, want 1", n)
	}
	for i := range rounds {
		if n := e.SegmentSize(fmt.Sprintf("r%d", i)); n != 0 {
			t.Errorf("SegmentSize(r%d) = %d, want 0", i, n)
		}
	}
	for w := range workers {
		c, ok := e.Contact("", fmt.Sprint(1000+w))
		if !ok || c.Email != fmt.Sprintf("w%d@example.com", w) || c.Status != "unsubscribed" || c.Subscriptions["sms_bulk"] {
			t.Errorf("worker %d's contact = %+v, %v", w, c, ok)
		}
	}
	st := e.Stats()
	if want := int64(workers * (rounds*6 + 1)); st.Requests != want || st.ByStatus[200] != want {
		t.Errorf("Requests = %d, 200s = %d; want %d of each", st.Requests, st.ByStatus[200], want)
	}
}
