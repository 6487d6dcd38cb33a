package csvsource

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
)

func TestHeaderFields(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		m        string // --map
		fields   []string
		mapped   []string // Name→Field of Mappings
		unused   []string // Name:Suggest of Unused
	}{
		{name: "own names", in: "Email,Phone,Segment ID,note\n",
			fields: []string{"email", "phone", "segment_id", ""}, unused: []string{"note:"}},
		{name: "excel synonyms", in: "\uFEFFE-mail Address;Mobile Phone;Segment;First Name\r\n",
			fields: []string{"email", "phone", "segment_id", ""},
			mapped: []string{"E-mail Address→email", "Mobile Phone→phone", "Segment→segment_id"}, unused: []string{"First Name:"}},
		{name: "every phone synonym", in: "Mobile Number,x\n", fields: []string{"phone", ""}, mapped: []string{"Mobile Number→phone"}, unused: []string{"x:"}},
		{name: "msisdn and mail", in: "MSISDN,mail\n", fields: []string{"phone", "email"}, mapped: []string{"MSISDN→phone", "mail→email"}},
		{name: "map", in: "Kontakt,Gruppe\n", m: "kontakt=email,GRUPPE = segment_id",
			fields: []string{"email", "segment_id"}, mapped: []string{"Kontakt→email", "Gruppe→segment_id"}},
		{name: "map beats a synonym", in: "Mobile,Tel\n", m: "Mobile=phone,Tel=event", fields: []string{"phone", "event"},
			mapped: []string{"Mobile→phone", "Tel→event"}},
		{name: "typo suggested", in: "emial,Segmnt\n", fields: []string{"", ""}, unused: []string{"emial:email", "Segmnt:segment_id"}},
		{name: "field inside a name", in: "Customer Email,crm_id\n", fields: []string{"", ""}, unused: []string{"Customer Email:email", "crm_id:"}},
		{name: "a column left unread", in: "Phone,Mobile\n", m: "mobile=", fields: []string{"phone", ""}, unused: []string{"Mobile:"}},
		{name: "no suggestion for a field already read", in: "email,emial\n", fields: []string{"email", ""}, unused: []string{"emial:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, err := ParseMap(tt.m)
			if err != nil {
				t.Fatal(err)
			}
			s, err := Open(strings.NewReader(tt.in), Options{Map: m})
			if err != nil {
				t.Fatal(err)
			}
			h := s.Header()
			if !reflect.DeepEqual(h.Fields, tt.fields) {
				t.Errorf("Fields %q, want %q", h.Fields, tt.fields)
			}
			var mapped, unused []string
			for _, c := range h.Mappings() {
				mapped = append(mapped, c.Name+"→"+c.Field)
				if c.ByMap != (tt.m != "") {
					t.Errorf("%s: ByMap %v", c.Name, c.ByMap)
				}
			}
			for _, u := range h.Unused() {
				unused = append(unused, u.Name+":"+u.Suggest)
			}
			if !reflect.DeepEqual(mapped, tt.mapped) || !reflect.DeepEqual(unused, tt.unused) {
				t.Errorf("Mappings %q, Unused %q; want %q, %q", mapped, unused, tt.mapped, tt.unused)
			}
			if got := h.Options(); !reflect.DeepEqual(got.Map, m) || got.Comma != h.Comma {
				t.Errorf("Options() = %+v", got)
			}
		})
	}
}

func TestHeaderTwoColumnsForOneField(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, m, want string }{
		{"Mobile,Phone Number\n", "", `"Phone Number" and "Mobile" (column 1) both map to phone`},
		{"email,E-mail\n", "", `"E-mail" and "email" (column 1) both map to email`},
		{"email,Other\n", "other=email", `"Other" and "email" (column 1) both map to email; keep one, or leave one unread with --map 'Other='`},
		{"Email,email \n", "", `"email " and "Email" (column 1) both map to email; keep one`},
	} {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			m, _ := ParseMap(tt.m)
			_, err := Open(strings.NewReader(tt.in), Options{Map: m})
			if !errors.Is(err, ErrDuplicateColumn) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Open: %v; want %q", err, tt.want)
			}
			if _, serr := Scan(strings.NewReader(tt.in), Options{Map: m}); serr == nil || serr.Error() != err.Error() {
				t.Errorf("Scan: %v", serr)
			}
		})
	}
}

func TestParseMap(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, want, err string }{
		{in: "", want: ""},
		{in: "Kontakt=email", want: "kontakt=email"},
		{in: " Work Mail = E-Mail? ", err: "not a field"},
		{in: "Work Mail=email, Gruppe=Segment ID", want: "gruppe=segment_id,work_mail=email"},
		{in: "a=email,A=phone", err: "mapped twice"},
		{in: "noequals", err: "not Header=field"},
		{in: "=email", err: "not Header=field"},
		{in: "x=segment", err: "not a field"},
		{in: "Mobile=, Tel = ", want: "mobile=,tel="},
	} {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			m, err := ParseMap(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("ParseMap(%q) = %v, %v; want %q", tt.in, m, err, tt.err)
				}
				return
			}
			if err != nil || m.String() != tt.want {
				t.Fatalf("ParseMap(%q) = %q, %v; want %q", tt.in, m.String(), err, tt.want)
			}
		})
	}
}

// TestBlankRowsAndSepLine: blank rows are skipped, counted and keep their
// number; Excel's sep= line sets the delimiter and keeps line numbers.
func TestBlankRowsAndSepLine(t *testing.T) {
	t.Parallel()
	in := "sep=;\r\nemail;action,note\r\n;\r\na@b.co;get,x\r\n ; \t\r\nc@d.co;get\r\n;\r\n"
	s, err := Open(strings.NewReader(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if h := s.Header(); h.Comma != ';' || !h.SepLine || h.Names[1] != "action,note" {
		t.Fatalf("header %+v", h)
	}
	var got []string
	for {
		row, err := s.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s/%d/%d", row.Record.Email, row.Index, row.Line))
	}
	if want := []string{"a@b.co/2/4", "c@d.co/4/6"}; !reflect.DeepEqual(got, want) {
		t.Errorf("rows %q, want %q", got, want)
	}
	if s.Blank() != 3 {
		t.Errorf("Blank() = %d, want 3", s.Blank())
	}
	if n, err := Scan(strings.NewReader(in), Options{}); n != 2 || err != nil {
		t.Errorf("Scan = %d, %v; want 2 rows", n, err)
	}
	// --delimiter wins over the sep= line, which is still skipped.
	s, err = Open(strings.NewReader("sep=;\nemail,action\na,b\n"), Options{Comma: ','})
	if err != nil || s.Header().Comma != ',' || s.Header().Names[0] != "email" {
		t.Fatalf("forced comma: %v, %+v", err, s.Header())
	}
}

// FuzzMapping: any --map and header give unique known fields, consistent
// with Mappings and Unused, or a refusal; never a panic.
func FuzzMapping(f *testing.F) {
	f.Add("E-mail Address;Mobile Phone;Segment\n", "")
	f.Add("Kontakt,Gruppe,x\n", "kontakt=email,gruppe=segment_id")
	f.Add("Mobile,Phone\n", "")
	f.Add("emial,segmnt,customer_email\n", "a=b")
	f.Fuzz(func(t *testing.T, header, mapArg string) {
		m, err := ParseMap(mapArg)
		if err != nil {
			return
		}
		if again, err := ParseMap(m.String()); err != nil || !reflect.DeepEqual(again, m) {
			t.Fatalf("ParseMap(%q) = %v; its String %q reads back as %v, %v", mapArg, m, m.String(), again, err)
		}
		s, err := Open(strings.NewReader(header), Options{Map: m})
		if err != nil {
			return
		}
		h := s.Header()
		seen := map[string]bool{}
		for i, f := range h.Fields {
			if f == "" {
				continue
			}
			if knownIndex(f) < 0 || seen[f] {
				t.Fatalf("column %d read as %q (seen %v)", i, f, seen[f])
			}
			seen[f] = true
		}
		for _, c := range h.Mappings() {
			if h.Fields[c.Column-1] != c.Field || h.Keys[c.Column-1] == c.Field {
				t.Fatalf("mapping %+v", c)
			}
		}
		for _, u := range h.Unused() {
			if h.Fields[u.Column-1] != "" || (u.Suggest != "" && (knownIndex(u.Suggest) < 0 || seen[u.Suggest])) {
				t.Fatalf("unused %+v", u)
			}
		}
	})
}
