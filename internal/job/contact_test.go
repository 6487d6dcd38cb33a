package job

import "testing"

// TestSentContactKey: the key of a row is its contact as Build sends it,
// and its cells as written when they do not validate.
func TestSentContactKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		email, phone, country, want string
	}{
		{" Ann@Example.COM ", "+44 (0) 7700 900123", "", "e:ann@example.com"},
		{"bob@", "+447700900123", "", "e:bob@"}, // an invalid email keys the row as written
		{"", "+44 (0) 7700 900123", "", "p:+447700900123"},
		{"", "0044 7700 900123", "", "p:+447700900123"},
		{"", "00 44 7700 900123", "GB", "p:+447700900123"},
		{" \t", "+447700900123", "", "p:+447700900123"},
		{"", "07700 900123", "GB", "p:+447700900123"},
		{"", "07700 900123", "", "p:07700900123"},       // national, no country: as written
		{"", "+1 (555) 010-0001", "", "p:+15550100001"}, // E.164 with punctuation: as ContactKey
		{"", "4400114527199", "", "p:4400114527199"},
		{"", "555-CALL-NOW", "", "p:555CALLNOW"},
		{"", "4.47701E+12", "", "p:447701E+12"},
		{"", "+44 123", "", "p:+44123"},
		{"", "", "GB", ""},
	}
	for _, tt := range tests {
		got := SentContactKey(tt.email, tt.phone, tt.country)
		if got != tt.want {
			t.Errorf("SentContactKey(%q, %q, %q) = %q, want %q", tt.email, tt.phone, tt.country, got, tt.want)
		}
		if j, err := Build(&Record{Email: tt.email, Phone: tt.phone, Action: "segments/get"}, Defaults{Country: tt.country}); err == nil {
			if sent := ContactKey(j.Contact.Email, j.Contact.Phone); got != sent {
				t.Errorf("SentContactKey(%q, %q, %q) = %q, the job sends %q", tt.email, tt.phone, tt.country, got, sent)
			}
		}
	}
}
