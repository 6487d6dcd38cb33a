package job

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/pcsync/pcsync/internal/api"
)

func TestBuildValid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		rec  Record
		def  Defaults
		want Job
	}{
		{"add by email", Record{Email: " ada@example.com ", Action: "segments/add", SegmentID: "100500"}, Defaults{},
			Job{Action: SegmentsAdd, Contact: api.Contact{Email: "ada@example.com"}, SegmentID: "100500"}},
		{"add by phone, formatting stripped", Record{Phone: "+44 (7700) 900-123", Action: "Segments/Add", SegmentID: "0042"}, Defaults{},
			Job{Action: SegmentsAdd, Contact: api.Contact{Phone: "+447700900123"}, SegmentID: "42"}},
		{"defaults fill empty cells", Record{Email: "a@b.co"}, Defaults{Action: SegmentsRemove, SegmentID: "7"},
			Job{Action: SegmentsRemove, Contact: api.Contact{Email: "a@b.co"}, SegmentID: "7"}},
		{"cell beats default", Record{Email: "a@b.co", Action: "segments/get", SegmentID: "9"}, Defaults{Action: SegmentsAdd, SegmentID: "7"},
			Job{Action: SegmentsGet, Contact: api.Contact{Email: "a@b.co"}}},
		{"leading slash in action", Record{Email: "a@b.co", Action: "/segments/get"}, Defaults{},
			Job{Action: SegmentsGet, Contact: api.Contact{Email: "a@b.co"}}},
		{"callback keeps only the email", Record{Email: "a@b.co", Phone: "123456", Action: "subscriptions/callback", Event: " Hard_Bounced"}, Defaults{},
			Job{Action: SubscriptionsCallback, Contact: api.Contact{Email: "a@b.co"}, Event: api.EventHardBounced}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Build(&tt.rec, tt.def)
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			if got != tt.want {
				t.Errorf("Build = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestBuildSubscriptionFlags(t *testing.T) {
	t.Parallel()
	rec := Record{Email: "a@b.co", Action: "subscriptions/manage",
		EmailBulk: "TRUE", EmailChain: "0", EmailTransactional: "yes", SMSBulk: "No", SMSChain: " 1 "}
	j, err := Build(&rec, Defaults{})
	if err != nil {
		t.Fatal(err)
	}
	got := []*bool{j.Subs.EmailBulk, j.Subs.EmailChain, j.Subs.EmailTransactional, j.Subs.SMSBulk, j.Subs.SMSChain, j.Subs.SMSTransactional}
	want := []string{"true", "false", "true", "false", "true", "absent"}
	for i, b := range got {
		s := "absent"
		if b != nil {
			s = map[bool]string{true: "true", false: "false"}[*b]
		}
		if s != want[i] {
			t.Errorf("flag %d = %s, want %s", i, s, want[i])
		}
	}
}

func TestBuildInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		rec     Record
		def     Defaults
		column  string
		problem string
	}{
		{"no action", Record{Email: "a@b.co"}, Defaults{}, "action", "missing"},
		{"unknown action", Record{Email: "a@b.co", Action: "segments/delete"}, Defaults{}, "action", "unknown action"},
		{"no contact", Record{Action: "segments/get"}, Defaults{}, "email", "no contact"},
		{"bad email", Record{Email: "bob@", Action: "segments/get"}, Defaults{}, "email", "nothing after @"},
		{"email without at", Record{Email: "bob.example.com", Action: "segments/get"}, Defaults{}, "email", "no @"},
		{"email two ats", Record{Email: "a@b@c.com", Action: "segments/get"}, Defaults{}, "email", "more than one @"},
		{"email no dot in domain", Record{Email: "a@localhost", Action: "segments/get"}, Defaults{}, "email", "no dot"},
		{"email with space", Record{Email: "a b@c.com", Action: "segments/get"}, Defaults{}, "email", "not allowed"},
		{"email double dot", Record{Email: "a..b@c.com", Action: "segments/get"}, Defaults{}, "email", "misplaced dot"},
		{"email bad domain", Record{Email: "a@-c.com", Action: "segments/get"}, Defaults{}, "email", "not a valid host name"},
		{"phone letters", Record{Phone: "555-CALL-NOW", Action: "segments/get"}, Defaults{}, "phone", "not a phone number"},
		{"phone scientific notation", Record{Phone: "4.4001E+12", Action: "segments/get"}, Defaults{}, "phone", "scientific notation"},
		{"phone too short", Record{Phone: "12345", Action: "segments/get"}, Defaults{}, "phone", "6 to 15 digits"},
		{"phone too long", Record{Phone: "1234567890123456", Action: "segments/get"}, Defaults{}, "phone", "6 to 15 digits"},
		{"plus in the middle", Record{Phone: "12+34567", Action: "segments/get"}, Defaults{}, "phone", "not a phone number"},
		{"add without segment", Record{Email: "a@b.co", Action: "segments/add"}, Defaults{}, "segment_id", "required"},
		{"segment with space", Record{Email: "a@b.co", Action: "segments/remove", SegmentID: "1 2"}, Defaults{}, "segment_id", "positive whole number"},
		{"manage without flags", Record{Email: "a@b.co", Action: "subscriptions/manage"}, Defaults{}, "subscription flags", "at least one"},
		{"manage flag maybe", Record{Email: "a@b.co", Action: "subscriptions/manage", SMSBulk: "maybe"}, Defaults{}, "sms_bulk", "not a flag"},
		{"callback unknown event", Record{Email: "a@b.co", Action: "subscriptions/callback", Event: "exploded"}, Defaults{}, "event", "unknown event"},
		{"callback no event", Record{Email: "a@b.co", Action: "subscriptions/callback"}, Defaults{}, "event", "required"},
		{"callback by phone", Record{Phone: "+15550100199", Action: "subscriptions/callback", Event: "complained"}, Defaults{}, "email", "not a phone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Build(&tt.rec, tt.def)
			var p Problems
			if !errors.As(err, &p) {
				t.Fatalf("Build error = %v, want Problems", err)
			}
			if p[0].Column != tt.column || !strings.Contains(p[0].Problem, tt.problem) {
				t.Errorf("first problem = %q on %q, want %q on %q", p[0].Problem, p[0].Column, tt.problem, tt.column)
			}
		})
	}
}

func TestBuildReportsEveryProblem(t *testing.T) {
	t.Parallel()
	rec := Record{Email: "x@", Phone: "abc", Action: "segments/add"}
	_, err := Build(&rec, Defaults{})
	want := `email "x@": not an email address (nothing after @); phone "abc": not a phone number (only digits, an optional leading +, spaces, dashes and brackets); segment_id: required`
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %v\nwant prefix %s", err, want)
	}
}

func TestErrorQuotesLongValuesShort(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 100) + "@x"
	rec := Record{Email: long, Action: "segments/get"}
	_, err := Build(&rec, Defaults{})
	if err == nil || len(err.Error()) > 200 || !strings.Contains(err.Error(), "…") {
		t.Errorf("error = %q: want a shortened quote", err)
	}
}

func TestParseAction(t *testing.T) {
	t.Parallel()
	for _, a := range Actions {
		if got, ok := ParseAction(" " + strings.ToUpper(string(a)) + " "); !ok || got != a {
			t.Errorf("ParseAction(%q) = %q, %v", a, got, ok)
		}
		if a.Index() < 0 || Actions[a.Index()] != a {
			t.Errorf("%q.Index() = %d", a, a.Index())
		}
	}
	if _, ok := ParseAction("segments"); ok {
		t.Error(`ParseAction("segments") accepted`)
	}
	if SegmentsGet.Writes() || !SegmentsAdd.Writes() {
		t.Error("Writes is wrong")
	}
}

func TestEmailProblem(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 63)
	for _, tt := range []struct{ in, want string }{
		{"ada@example.com", ""},
		{"o'neil+tag@mail.example.co.uk", ""},
		{"a@b.c", ""},
		{"a@xn--80ak6aa92e.com", ""},
		{"a@пример.рф", ""},
		{"a@" + long + ".com", ""},
		{"a@" + long + "a.com", "not a valid host name"},
		{"a@b", "has no dot"},
		{"a@b..c", "not a valid host name"},
		{"a@.b.c", "not a valid host name"},
		{"a@b.c.", "not a valid host name"},
		{"a@b-.c", "not a valid host name"},
		{"a@b.-c", "not a valid host name"},
		{"a@b_c.com", "not a valid host name"},
		{"a@b.c@d", "more than one @"},
		{"a b@c.com", `character " " not allowed before @`},
		{".a@b.com", "misplaced dot"},
		{"a..b@c.com", "misplaced dot"},
		{"@b.com", "nothing before @"},
		{"a@", "nothing after @"},
		{"ab.com", "no @"},
	} {
		got := emailProblem(tt.in)
		if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, tt.want) {
			t.Errorf("emailProblem(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func BenchmarkBuild(b *testing.B) {
	rec := Record{Email: "user12345@example.com", Action: "segments/add", SegmentID: "100500"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Build(&rec, Defaults{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestActionsOrder pins the order of Actions: state files record an action
// by its index, so a new call can only come at the end.
func TestActionsOrder(t *testing.T) {
	t.Parallel()
	want := [...]Action{"segments/add", "segments/remove", "segments/get", "subscriptions/manage", "subscriptions/callback"}
	if len(Actions) < len(want) || [len(want)]Action(Actions[:len(want)]) != want {
		t.Errorf("Actions = %q, want them to begin with %q", Actions, want)
	}
}

func TestJobCall(t *testing.T) {
	t.Parallel()
	yes := true
	tests := []struct {
		rec  Record
		want api.Call
	}{
		{Record{Email: "ada@example.com", Phone: "+15550100199", Action: "segments/add", SegmentID: "100500"},
			api.Call{Endpoint: api.SegmentsAdd, Contact: api.Contact{Email: "ada@example.com", Phone: "+15550100199"}, SegmentID: "100500"}},
		{Record{Phone: "+15550100199", Action: "segments/remove", SegmentID: "7"},
			api.Call{Endpoint: api.SegmentsRemove, Contact: api.Contact{Phone: "+15550100199"}, SegmentID: "7"}},
		{Record{Email: "ada@example.com", Action: "segments/get"},
			api.Call{Endpoint: api.SegmentsGet, Contact: api.Contact{Email: "ada@example.com"}}},
		{Record{Email: "ada@example.com", Action: "subscriptions/manage", EmailBulk: "yes"},
			api.Call{Endpoint: api.SubscriptionsManage, Contact: api.Contact{Email: "ada@example.com"}, Subscriptions: api.Subscriptions{EmailBulk: &yes}}},
		{Record{Email: "ada@example.com", Action: "subscriptions/callback", Event: "complained"},
			api.Call{Endpoint: api.SubscriptionsCallback, Contact: api.Contact{Email: "ada@example.com"}, Event: api.EventComplained}},
	}
	for _, tt := range tests {
		t.Run(tt.rec.Action, func(t *testing.T) {
			t.Parallel()
			j, err := Build(&tt.rec, Defaults{})
			if err != nil {
				t.Fatal(err)
			}
			got := j.Call()
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Call() = %+v, want %+v", got, tt.want)
			}
		})
	}
}
