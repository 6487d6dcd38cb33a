package job

import (
	"strings"
	"testing"
)

// TestPhones: phones go out in full international format (E.164), by
// libphonenumber's rules; what cannot be made so is invalid with why.
func TestPhones(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, country, want, problem string
	}{
		{in: "+44 (0) 7700 900123", want: "+447700900123"},
		{in: "+44 7700 900123", want: "+447700900123"},
		{in: "00447700900123", want: "+447700900123"},
		{in: "00 44 7700 900123", want: "+447700900123"},
		{in: "07700 900123", country: "GB", want: "+447700900123"},
		{in: "030 901820", country: "DE", want: "+4930901820"},
		{in: "+1 (555) 010-0199", want: "+15550100199"},
		{in: "+1 (555) 010-0199", country: "GB", want: "+15550100199"},
		{in: "4400114527199", want: "4400114527199"},
		{in: "07700 900123", problem: "a national number: give --default-country"},
		{in: "+44 123", problem: "too short for a number of its country (+44)"},
		{in: "+44 7700 900123 999999", problem: "too long"},
		{in: "+999 1234567", problem: "unknown country code"},
		{in: "4.47701E+12", problem: "scientific notation"},
		{in: "4.4001e12", problem: "format the column as Text"},
		{in: "555-CALL-NOW", problem: "not a phone number"},
		{in: "12345", problem: "6 to 15 digits"},
		{in: "0049000000", problem: "its leading zeros do not make a number"}, // found by FuzzBuild: +4900000 read back as +490000
	}
	for _, tt := range tests {
		t.Run(tt.in+"/"+tt.country, func(t *testing.T) {
			t.Parallel()
			var p Problems
			got, ok := checkPhone(tt.in, tt.country, &p)
			if tt.problem != "" {
				if ok || len(p) != 1 || !strings.Contains(p[0].Problem, tt.problem) {
					t.Fatalf("checkPhone(%q, %q) = %q, %v (%v); want %q", tt.in, tt.country, got, ok, p, tt.problem)
				}
				return
			}
			if !ok || got != tt.want {
				t.Fatalf("checkPhone(%q, %q) = %q, %v (%v); want %q", tt.in, tt.country, got, ok, p, tt.want)
			}
		})
	}
	if !ValidCountry("GB") || ValidCountry("XX") || ValidCountry("gb") {
		t.Error("ValidCountry")
	}
}

// BenchmarkPhone is the cost of a phone cell, as validation pays it.
func BenchmarkPhone(b *testing.B) {
	for _, in := range []string{"+44 7700 900123", "4400114527199"} {
		b.Run(in, func(b *testing.B) {
			for b.Loop() {
				var p Problems
				checkPhone(in, "", &p)
			}
		})
	}
}
