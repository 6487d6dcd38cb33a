package results

import (
	"strings"

	"github.com/pcsync/pcsync/internal/api"
)

// FormatSegments renders a contact's segments as "id:type" pairs separated
// by spaces ("100500:static 7:dynamic"), the form of the segments column.
func FormatSegments(segs []api.Segment) string {
	if len(segs) == 0 {
		return ""
	}
	var b strings.Builder
	for i, s := range segs {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s.ID)
		b.WriteByte(':')
		b.WriteString(s.Type)
	}
	return b.String()
}
