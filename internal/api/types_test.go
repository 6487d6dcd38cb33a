package api

import (
	"encoding/json"
	"testing"
)

func TestSegmentID_MarshalJSON(t *testing.T) {
	tests := []struct {
		id   SegmentID
		want string
	}{
		{"100500", `100500`},
		{"0", `0`},
		{"9223372036854775807", `9223372036854775807`},
		{"9223372036854775808", `"9223372036854775808"`},
		{"99999999999999999999", `"99999999999999999999"`},
		{"1000000000000000000", `1000000000000000000`},
		{"007", `"007"`},
		{"00", `"00"`},
		{"-1", `"-1"`},
		{"+1", `"+1"`},
		{"1e3", `"1e3"`},
		{"1.5", `"1.5"`},
		{" 1", `" 1"`},
		{"vip", `"vip"`},
		{`a"b\c`, `"a\"b\\c"`},
		{"", `""`},
		{"١٢٣", `"١٢٣"`}, // Arabic-Indic digits are not ASCII digits
	}
	for _, tt := range tests {
		t.Run(string(tt.id), func(t *testing.T) {
			b, err := json.Marshal(tt.id)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Errorf("Marshal(%q) = %s, want %s", tt.id, b, tt.want)
			}
		})
	}
}

func TestSegment_UnmarshalJSON(t *testing.T) {
	tests := []struct {
		in      string
		want    Segment
		wantErr bool
	}{
		{`{"id":100500,"type":"static"}`, Segment{"100500", "static"}, false},
		{`{"id":"100500","type":"dynamic"}`, Segment{"100500", "dynamic"}, false},
		{`{"id":"vip \u00e9","type":"rfm"}`, Segment{"vip é", "rfm"}, false},
		{`{"type":"rfm","id":12345678901234567890123}`, Segment{"12345678901234567890123", "rfm"}, false},
		{`{"id":-1,"type":"static"}`, Segment{"-1", "static"}, false},
		{`{"id":1.5e3,"type":"static"}`, Segment{"1.5e3", "static"}, false},
		{`{"id":7}`, Segment{"7", ""}, false},
		{`{"id":7,"type":"static","extra":[1]}`, Segment{"7", "static"}, false},
		{`{"type":"static"}`, Segment{}, true},
		{`{"id":null,"type":"static"}`, Segment{}, true},
		{`{"id":true,"type":"static"}`, Segment{}, true},
		{`{"id":[1],"type":"static"}`, Segment{}, true},
		{`{"id":1,"type":5}`, Segment{}, true},
		{`[]`, Segment{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var got Segment
			err := json.Unmarshal([]byte(tt.in), &got)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error: %v", err, tt.wantErr)
			}
			if !tt.wantErr && got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// jsonStringSeeds are strings hard to write as JSON, on which
// appendJSONString is checked.
var jsonStringSeeds = []string{
	"", "plain", `"quoted"`, `back\slash`, "<script>&amp;</script>",
	"\x00\x01\b\f\n\r\t\x1f\x7f", "jürgen", "日本語", "emoji 🎉",
	"\u2028\u2029", "bad \xff utf8 \xc3", "\xed\xa0\x80 surrogate", "tail\xe2\x82",
}

func TestAppendJSONString(t *testing.T) {
	for _, s := range jsonStringSeeds {
		checkJSONString(t, s)
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range jsonStringSeeds {
		f.Add(s)
	}
	f.Fuzz(checkJSONString)
}

// checkJSONString checks appendJSONString against encoding/json.
func checkJSONString(t *testing.T, s string) {
	want, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if got := appendJSONString([]byte("x"), s); string(got) != "x"+string(want) {
		t.Errorf("appendJSONString(%q) = %s, want %s", s, got[1:], want)
	}
}

// TestSegmentJSON checks the segments body against encoding/json's
// reading of it.
func TestSegmentJSON(t *testing.T) {
	a := newAuth(testCreds)
	for _, s := range jsonStringSeeds {
		b, err := segmentJSON(Call{Contact: Contact{Email: s, Phone: s}, SegmentID: SegmentID(s)}, a)
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]any
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("segmentJSON(%q) = %s: %v", s, b, err)
		}
		if got["shop_secret"] != testSecret || got["shop_id"] != testShopID {
			t.Errorf("segmentJSON(%q) = %s: credentials wrong", s, b)
		}
	}
	b, err := segmentJSON(Call{}, a)
	if want := `{"shop_id":"` + testShopID + `","shop_secret":"` + testSecret + `"}`; err != nil || string(b) != want {
		t.Errorf("empty call = %s, %v; want %s", b, err, want)
	}
}
