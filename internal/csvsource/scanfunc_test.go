package csvsource

import (
	"errors"
	"strings"
	"testing"
)

func TestScanFuncVisitsEveryRecord(t *testing.T) {
	t.Parallel()
	in := "\uFEFFid;Notes ;email\n1;x;a@example.com\n\n2;y;\"b@\nexample.com\"\n3;z;c@example.com\n"
	var got []string
	n, err := ScanFunc(strings.NewReader(in), Options{}, func(h *Header, fields []string) {
		got = append(got, fields[h.Index("email")]+"/"+fields[0])
	})
	want := "a@example.com/1|b@\nexample.com/2|c@example.com/3"
	if err != nil || n != 3 || strings.Join(got, "|") != want {
		t.Errorf("ScanFunc = %d, %v, visited %q; want 3, nil, %q", n, err, got, want)
	}
}

func TestScanFuncStopsAtABrokenRecordLikeScan(t *testing.T) {
	t.Parallel()
	in := "email,action\na,b\nc,d\ne\n"
	visited := 0
	n, err := ScanFunc(strings.NewReader(in), Options{}, func(*Header, []string) { visited++ })
	wantN, wantErr := Scan(strings.NewReader(in), Options{})
	var e, we *Error
	if !errors.As(err, &e) || !errors.As(wantErr, &we) || e.Line != we.Line || n != wantN || visited != n {
		t.Errorf("ScanFunc = %d, %v (visited %d); Scan = %d, %v", n, err, visited, wantN, wantErr)
	}
}
