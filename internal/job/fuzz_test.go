package job

import (
	"strings"
	"testing"
)

// FuzzBuild checks that validation never panics and that whatever it lets
// through is sendable as documented, and keyed by SentContactKey as sent.
func FuzzBuild(f *testing.F) {
	f.Add("ada@example.com", "", "segments/add", "100500", "", "", "")
	f.Add("", "+1 (555) 010-0199", "segments/get", "", "", "", "")
	f.Add("a@b.co", "", "subscriptions/manage", "", "", "yes", "maybe")
	f.Add("a@b.co", "123", "subscriptions/callback", "", "hard_bounced", "", "")
	f.Add("x@", "abc", "segments/remove", " ", "", "", "")
	f.Add("a@b.co", "", "segments/add", "100500.0", "", "", "")
	f.Add("", "+44 (0) 7700 900123", "segments/get", "", "", "", "")
	f.Add("", "00 49 30 901820", "segments/get", "", "", "", "")
	f.Add("", "4.47701E+12", "segments/get", "", "", "", "")
	f.Add("a@b.co", "", "segments/add", "1.005E+05", "", "", "")
	f.Fuzz(func(t *testing.T, email, phone, action, segment, event, bulk, sms string) {
		rec := Record{Email: email, Phone: phone, Action: action, SegmentID: segment, Event: event, EmailBulk: bulk, SMSBulk: sms}
		j, err := Build(&rec, Defaults{})
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error text")
			}
			return
		}
		if j.Action.Index() < 0 {
			t.Fatalf("accepted unknown action %q", j.Action)
		}
		if j.Contact.Email == "" && j.Contact.Phone == "" {
			t.Fatal("accepted a row with no contact")
		}
		if j.Contact.Email != "" && emailProblem(j.Contact.Email) != "" {
			t.Fatalf("accepted bad email %q", j.Contact.Email)
		}
		if p := strings.TrimPrefix(j.Contact.Phone, "+"); p != "" && strings.Trim(p, "0123456789") != "" {
			t.Fatalf("accepted phone %q", j.Contact.Phone)
		}
		if ph := j.Contact.Phone; ph != "" {
			var p Problems
			if again, ok := checkPhone(ph, "", &p); !ok || again != ph {
				t.Fatalf("phone %q (from %q) reads again as %q, %v", ph, phone, again, p)
			}
		}
		if got, want := SentContactKey(email, phone, ""), ContactKey(j.Contact.Email, j.Contact.Phone); got != want {
			t.Fatalf("SentContactKey(%q, %q) = %q, the job sends %q", email, phone, got, want)
		}
		switch j.Action {
		case SegmentsAdd, SegmentsRemove:
			s := string(j.SegmentID)
			if s == "" || s[0] == '0' || strings.Trim(s, "0123456789") != "" || len(s) > 19 {
				t.Fatalf("accepted segment %q", j.SegmentID)
			}
			if again, err := ParseSegmentID(s); err != nil || again != j.SegmentID {
				t.Fatalf("segment %q reads back as %q, %v", s, again, err)
			}
		case SubscriptionsCallback:
			if j.Contact.Email == "" || j.Contact.Phone != "" || j.Event == "" {
				t.Fatalf("accepted callback %+v", j)
			}
		case SubscriptionsManage:
			if j.Subs.EmailBulk == nil && j.Subs.SMSBulk == nil {
				t.Fatal("accepted manage with no flag")
			}
		}
	})
}
