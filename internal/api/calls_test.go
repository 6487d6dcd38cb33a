package api

import (
	"context"
	"net/http"
	"reflect"
	"strconv"
	"testing"
)

// credsJSON and credsForm are how the test credentials appear on the wire.
const (
	credsJSON = `"shop_id":"` + testShopID + `","shop_secret":"` + testSecret + `"`
	credsForm = "shop_id=" + testShopID + "&shop_secret=" + testSecret
)

var (
	yes = true
	no  = false
)

func TestSegmentWrites(t *testing.T) {
	calls := []struct {
		path     string
		endpoint Endpoint
	}{
		{"/segments/add", SegmentsAdd},
		{"/segments/remove", SegmentsRemove},
	}
	tests := []struct {
		name string
		ct   Contact
		id   SegmentID
		want string
	}{
		{
			"documented example",
			Contact{Email: "john.doe@examplemail.com", Phone: "4400114527199"}, "100500",
			`{` + credsJSON + `,"email":"john.doe@examplemail.com","phone":"4400114527199","segment_id":100500}`,
		},
		{"email only", Contact{Email: "a@b.c"}, "7", `{` + credsJSON + `,"email":"a@b.c","segment_id":7}`},
		{"phone only", Contact{Phone: "+4400114527199"}, "0", `{` + credsJSON + `,"phone":"+4400114527199","segment_id":0}`},
		{"string id", Contact{Email: "a@b.c"}, "vip-2024", `{` + credsJSON + `,"email":"a@b.c","segment_id":"vip-2024"}`},
		{"leading zero id", Contact{Email: "a@b.c"}, "007", `{` + credsJSON + `,"email":"a@b.c","segment_id":"007"}`},
		{"max int64 id", Contact{Email: "a@b.c"}, "9223372036854775807", `{` + credsJSON + `,"email":"a@b.c","segment_id":9223372036854775807}`},
		{"id over int64", Contact{Email: "a@b.c"}, "9223372036854775808", `{` + credsJSON + `,"email":"a@b.c","segment_id":"9223372036854775808"}`},
		{"escaped", Contact{Email: `"q"\<x>@b.c`}, `a"b`, `{` + credsJSON + `,"email":"\"q\"\\\u003cx\u003e@b.c","segment_id":"a\"b"}`},
		{"unicode", Contact{Email: "jürgen@bücher.de"}, "1", `{` + credsJSON + `,"email":"jürgen@bücher.de","segment_id":1}`},
		{"control, separator, invalid UTF-8", Contact{Email: "a\tb\x01\xff\u2028&@b.c", Phone: "+1\n"}, "<1>",
			`{` + credsJSON + `,"email":"a\tb\u0001\ufffd\u2028\u0026@b.c","phone":"+1\n","segment_id":"\u003c1\u003e"}`},
	}
	for _, call := range calls {
		for _, tt := range tests {
			t.Run(call.path+"/"+tt.name, func(t *testing.T) {
				client, mux, _ := setup(t)
				mux.HandleFunc(call.path, func(w http.ResponseWriter, r *http.Request) {
					testMethod(t, r, "POST")
					testCommonHeaders(t, r)
					testHeader(t, r, "Content-Type", "application/json")
					testHeader(t, r, "Content-Length", strconv.Itoa(len(tt.want)))
					if r.URL.RawQuery != "" {
						t.Errorf("query = %q, want none", r.URL.RawQuery)
					}
					testBody(t, r, tt.want)
					success(w, r)
				})
				resp, err := client.Send(context.Background(), Call{Endpoint: call.endpoint, Contact: tt.ct, SegmentID: tt.id})
				if err != nil {
					t.Fatal(err)
				}
				if resp.StatusCode != 200 {
					t.Errorf("StatusCode = %d, want 200", resp.StatusCode)
				}
			})
		}
	}
}

func TestGetSegments(t *testing.T) {
	tests := []struct {
		name      string
		ct        Contact
		wantQuery string
		answer    string
		want      []Segment
	}{
		{
			"numeric and string ids",
			Contact{Email: "john.doe@examplemail.com", Phone: "4400114527199"},
			"email=john.doe%40examplemail.com&phone=4400114527199&" + credsForm,
			`[{"id":100500,"type":"static"},{"id":"vip","type":"dynamic"},{"id":12345678901234567890123,"type":"rfm"}]`,
			[]Segment{{"100500", "static"}, {"vip", "dynamic"}, {"12345678901234567890123", "rfm"}},
		},
		{
			"phone only, escaped",
			Contact{Phone: "+44 001"},
			"phone=%2B44+001&" + credsForm,
			` [ {"type":"static", "id" : "a\"b"} ] `,
			[]Segment{{`a"b`, "static"}},
		},
		{"no segments", Contact{Email: "a@b.c"}, "email=a%40b.c&" + credsForm, `[]`, []Segment{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, mux, _ := setup(t)
			mux.HandleFunc("/segments/get", func(w http.ResponseWriter, r *http.Request) {
				testMethod(t, r, "GET")
				testCommonHeaders(t, r)
				testNoHeader(t, r, "Content-Type")
				if r.URL.RawQuery != tt.wantQuery {
					t.Errorf("query =\n%s\nwant\n%s", r.URL.RawQuery, tt.wantQuery)
				}
				testBody(t, r, "")
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(tt.answer))
			})
			resp, err := client.Send(context.Background(), Call{Endpoint: SegmentsGet, Contact: tt.ct})
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != 200 {
				t.Errorf("StatusCode = %d, want 200", resp.StatusCode)
			}
			if got := resp.Segments; !reflect.DeepEqual(got, tt.want) {
				t.Errorf("segments = %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestManageSubscriptions(t *testing.T) {
	tests := []struct {
		name string
		ct   Contact
		s    Subscriptions
		want string
	}{
		{
			"one flag",
			Contact{Email: "john.doe@examplemail.com"},
			Subscriptions{EmailBulk: &yes},
			"email=john.doe%40examplemail.com&email_bulk=true&" + credsForm,
		},
		{
			"all flags",
			Contact{Email: "a@b.c", Phone: "4400114527199"},
			Subscriptions{&yes, &no, &yes, &no, &yes, &no},
			"email=a%40b.c&email_bulk=true&email_chain=false&email_transactional=true&phone=4400114527199&" +
				credsForm + "&sms_bulk=false&sms_chain=true&sms_transactional=false",
		},
		{
			"phone only, false",
			Contact{Phone: "+4400114527199"},
			Subscriptions{SMSTransactional: &no},
			"phone=%2B4400114527199&" + credsForm + "&sms_transactional=false",
		},
		{"no flag: sent as given", Contact{Email: "a@b.c"}, Subscriptions{}, "email=a%40b.c&" + credsForm},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, mux, _ := setup(t)
			mux.HandleFunc("/subscriptions/manage", func(w http.ResponseWriter, r *http.Request) {
				testMethod(t, r, "POST")
				testCommonHeaders(t, r)
				testHeader(t, r, "Content-Type", "application/x-www-form-urlencoded")
				testBody(t, r, tt.want)
				success(w, r)
			})
			if _, err := client.Send(context.Background(), Call{Endpoint: SubscriptionsManage, Contact: tt.ct, Subscriptions: tt.s}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestSendEvent(t *testing.T) {
	for _, ev := range []Event{EventHardBounced, EventComplained, EventBlacklisted, EventUnsubscribed} {
		t.Run(string(ev), func(t *testing.T) {
			client, mux, _ := setup(t)
			mux.HandleFunc("/subscriptions/callback", func(w http.ResponseWriter, r *http.Request) {
				testMethod(t, r, "POST")
				testCommonHeaders(t, r)
				testHeader(t, r, "Content-Type", "application/x-www-form-urlencoded")
				testBody(t, r, "email=john.doe%40examplemail.com&event="+string(ev)+"&"+credsForm)
				success(w, r)
			})
			call := Call{Endpoint: SubscriptionsCallback, Contact: Contact{Email: "john.doe@examplemail.com"}, Event: ev}
			if _, err := client.Send(context.Background(), call); err != nil {
				t.Fatal(err)
			}
		})
	}
}
