package runner

import (
	"fmt"
	"strings"

	"github.com/pcsync/pcsync/internal/csvsource"
	"github.com/pcsync/pcsync/internal/results"
)

// ColumnNotes says how the run reads the input's columns, before it reads
// a row: info lists the columns read under another name than their
// field's ("E-mail Address → email") and the columns no field reads;
// warn names the unused columns whose name is close to a field ("did you
// mean segment_id?"), above all when a default (--segment-id, --action)
// is applied while such a column exists.
func (s *Session) ColumnNotes() (info, warn []string) {
	h := s.src.Header()
	if m := h.Mappings(); len(m) > 0 {
		parts := make([]string, len(m))
		for i, c := range m {
			parts[i] = csvsource.Printable(c.Name) + " → " + c.Field
			if c.ByMap {
				parts[i] += " (--map)"
			}
		}
		info = append(info, "columns read as fields: "+strings.Join(parts, ", "))
	}
	unused := h.Unused()
	var names []string
	for _, u := range unused {
		if !failedFileColumn(h.Keys[u.Column-1]) {
			names = append(names, csvsource.Quote(u.Name))
		}
	}
	if len(names) > 0 {
		info = append(info, "columns not used (carried into the results untouched): "+strings.Join(names, ", "))
	}
	d := s.opt.Defaults
	defaults := map[string]string{}
	if d.SegmentID != "" {
		defaults["segment_id"] = "--segment-id " + d.SegmentID
	}
	if d.Action != "" {
		defaults["action"] = "--action " + string(d.Action)
	}
	for _, u := range unused {
		if u.Suggest == "" {
			continue
		}
		fix := fmt.Sprintf("--map '%s=%s'", csvsource.Printable(u.Name), u.Suggest)
		if flag, ok := defaults[u.Suggest]; ok {
			warn = append(warn, fmt.Sprintf("%s is applied to every row while column %s is not used: did you mean %s? %s",
				flag, csvsource.Quote(u.Name), u.Suggest, fix))
			continue
		}
		warn = append(warn, fmt.Sprintf("column %s is not used: did you mean %s? %s", csvsource.Quote(u.Name), u.Suggest, fix))
	}
	for _, field := range []string{"action", "segment_id"} {
		if i, flag := h.Field(field), defaults[field]; flag != "" && i >= 0 {
			info = append(info, fmt.Sprintf("%s applies only to the rows whose %s cell is empty", flag, csvsource.Quote(h.Names[i])))
		}
	}
	return info, warn
}

// failedFileColumn reports whether key names a column pcsync adds to the
// failed-rows file: it is pcsync's own when such a file is fed back in,
// not a column left unread (the results carry the original numbers and
// replace the error).
func failedFileColumn(key string) bool {
	return key == results.ColOriginalRow || key == results.ColOriginalLine || key == results.ColError
}
