package job

import "testing"

// TestFingerprintAgreesWithContactKey: --dedupe's fingerprint treats two
// rows as one contact exactly when ContactKey does (emails compared with
// their ASCII letters lower-cased), all else equal.
func TestFingerprintAgreesWithContactKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		a, b string
		same bool
	}{
		{"same", "ada@example.com", "ada@example.com", true},
		{"case", "ADA@Example.COM", "ada@example.com", true},
		{"other address", "ada@example.com", "adb@example.com", false},
		{"non-ASCII case kept", "JOSÉ@example.com", "josé@example.com", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ja, err := Build(&Record{Email: tt.a, Action: "segments/add", SegmentID: "1"}, Defaults{})
			if err != nil {
				t.Fatal(err)
			}
			jb, err := Build(&Record{Email: tt.b, Action: "segments/add", SegmentID: "1"}, Defaults{})
			if err != nil {
				t.Fatal(err)
			}
			if got := ja.Fingerprint() == jb.Fingerprint(); got != tt.same {
				t.Errorf("same fingerprint: %v, want %v", got, tt.same)
			}
			if keys := ContactKey(tt.a, "") == ContactKey(tt.b, ""); keys != tt.same {
				t.Errorf("ContactKey agrees: %v, want %v", keys, tt.same)
			}
		})
	}
	other, _ := Build(&Record{Email: "ada@example.com", Action: "segments/add", SegmentID: "2"}, Defaults{})
	one, _ := Build(&Record{Email: "ADA@example.com", Action: "segments/add", SegmentID: "1"}, Defaults{})
	if other.Fingerprint() == one.Fingerprint() {
		t.Error("another segment, same fingerprint")
	}
}
