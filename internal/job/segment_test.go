package job

import (
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/pcsync/pcsync/internal/api"
)

// TestParseSegmentID: segment ids are positive whole numbers fitting 64
// bits; what a spreadsheet makes of them is read back or refused with why.
func TestParseSegmentID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want, problem string
	}{
		{in: "100500", want: "100500"},
		{in: "100500.0", want: "100500"},
		{in: "100500.000", want: "100500"},
		{in: "007", want: "7"},
		{in: "9223372036854775807", want: "9223372036854775807"},
		{in: "abc", problem: "positive whole number"},
		{in: "1.005E+05", problem: "scientific notation"},
		{in: "1e5", problem: "scientific notation"},
		{in: "-1", problem: "without a sign"},
		{in: "+5", problem: "without a sign"},
		{in: "0", problem: "not 0"},
		{in: "0.0", problem: "not 0"},
		{in: "100500.5", problem: "not a decimal"},
		{in: `=HYPERLINK("x")`, problem: "formula"},
		{in: "99999999999999999999999", problem: "too large"},
		{in: "9223372036854775808", problem: "too large"},
		{in: "12 34", problem: "positive whole number"},
		{in: ".0", problem: "not a number"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseSegmentID(tt.in)
			if tt.problem != "" {
				if err == nil || !strings.Contains(err.Error(), tt.problem) {
					t.Fatalf("ParseSegmentID(%q) = %q, %v; want an error with %q", tt.in, got, err, tt.problem)
				}
				if strings.Contains(tt.problem, "formula") || strings.Contains(tt.problem, "scientific") {
					if !strings.Contains(err.Error(), spreadsheetHint) {
						t.Errorf("error %q lacks the spreadsheet hint", err)
					}
				}
				return
			}
			if err != nil || string(got) != tt.want {
				t.Fatalf("ParseSegmentID(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

// TestSegmentIDSentAsNumber: a spreadsheet's 100500.0 goes out as the JSON
// number 100500, as the API's example shows.
func TestSegmentIDSentAsNumber(t *testing.T) {
	t.Parallel()
	j, err := Build(&Record{Email: "a@b.co", Action: "segments/add", SegmentID: "100500.0"}, Defaults{})
	if err != nil {
		t.Fatal(err)
	}
	c, err := api.NewClient("https://api.example.invalid", api.Credentials{ShopID: "s", ShopSecret: "x"})
	if err != nil {
		t.Fatal(err)
	}
	req, err := c.NewCallRequest(context.Background(), j.Call())
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(req.Body)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if v["segment_id"] != float64(100500) || !strings.Contains(string(b), `"segment_id":100500`) {
		t.Fatalf("body %s: want \"segment_id\":100500", b)
	}
}
