package state

import (
	"path/filepath"
	"reflect"
	"testing"

	"github.com/pcsync/pcsync/internal/api"
)

// keys yields the given contact keys, as a keysort.Iter does.
func keys(ks ...string) func() (string, bool) {
	return func() (string, bool) {
		if len(ks) == 0 {
			return "", false
		}
		k := ks[0]
		ks = ks[1:]
		return k, true
	}
}

func TestRemovals(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "s.db"), Options{})
	mirrored, plain := s.Run("100500"), s.Run("")
	defer mirrored.Close()
	defer plain.Close()
	apply(t, mirrored,
		add("a@example.com", "", "100500"),
		add("B@example.com", "", "100500"),
		add("c@example.com", "+15550100003", "100500"),
		add("", "+15550100004", "100500"),
		add("f@example.com", "", "100500"),
	)
	apply(t, plain,
		add("e@example.com", "", "100500"),    // not added by a mirrored run: never removed
		remove("f@example.com", "", "100500"), // already removed
		add("g@example.com", "", "1005"),      // another segment, sharing a prefix
		add("h@example.com", "", "1005000"),
	)
	tests := []struct {
		name    string
		present []string
		want    []api.Contact
	}{
		{"all present", []string{"e:a@example.com", "e:b@example.com", "e:c@example.com", "p:+15550100004"}, nil},
		{"some absent", []string{"e:b@example.com", "e:x@example.com", "p:+15550100004"},
			[]api.Contact{{Email: "a@example.com"}, {Email: "c@example.com", Phone: "+15550100003"}}},
		{"an empty file", nil, []api.Contact{{Email: "a@example.com"}, {Email: "B@example.com"},
			{Email: "c@example.com", Phone: "+15550100003"}, {Phone: "+15550100004"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []api.Contact
			members, err := s.Removals("100500", keys(tt.present...), func(c api.Contact) error {
				got = append(got, c)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if members != 5 {
				t.Errorf("%d members, want 5 (a, B, c, the phone, e)", members)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("removals %v, want %v", got, tt.want)
			}
		})
	}
	if members, err := s.Removals("999", keys(), func(api.Contact) error { return nil }); members != 0 || err != nil {
		t.Errorf("an unknown segment: %d members, %v", members, err)
	}
}

func TestAMirroredRunResendsAddsItDidNotMake(t *testing.T) {
	s := openTest(t, filepath.Join(t.TempDir(), "s.db"), Options{})
	plain := s.Run("")
	defer plain.Close()
	j := add("a@example.com", "", "100500")
	apply(t, plain, j)
	mirrored := s.Run("100500")
	defer mirrored.Close()
	if unchanged(t, mirrored, j) {
		t.Fatal("an add of a plain run counts as unchanged for a mirrored run: it would never be removed")
	}
	apply(t, mirrored, j)
	if !unchanged(t, mirrored, j) || !unchanged(t, plain, j) {
		t.Error("a mirrored add is not unchanged for both kinds of run")
	}
}
