package api

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSanitize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Bad Gateway", "Bad Gateway"},
		{"empty", "", ""},
		{"white space squeezed and trimmed", "\n\t  a \r\n\n b  \n", "a b"},
		{"control characters", "a\x00b\x1b[31mc\x7fd", "a b [31mc d"},
		{"bidi override", "abc\u202edef", "abc def"},
		{"invalid UTF-8", "a\xffb", "a b"},
		{"exactly 200", strings.Repeat("x", 200), strings.Repeat("x", 200)},
		{"201", strings.Repeat("x", 201), strings.Repeat("x", 197) + "…"},
		{"multibyte cut", strings.Repeat("é", 150), strings.Repeat("é", 98) + "…"},
		{"cut after a space", strings.Repeat("x", 196) + " yyyyyy", strings.Repeat("x", 196) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sanitize(tt.in)
			if got != tt.want {
				t.Errorf("sanitize = %q, want %q", got, tt.want)
			}
			if len(got) > maxSnippet || !utf8.ValidString(got) {
				t.Errorf("sanitize gave %d bytes, valid UTF-8 %v", len(got), utf8.ValidString(got))
			}
		})
	}
}
