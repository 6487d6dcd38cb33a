package csvsource

// knownKeys is the package's own copy of KnownKeys, safe from callers
// modifying the exported slice.
var knownKeys = [...]string{
	"email",
	"phone",
	"action",
	"segment_id",
	"event",
	"email_bulk",
	"email_chain",
	"email_transactional",
	"sms_bulk",
	"sms_chain",
	"sms_transactional",
}

// KnownKeys lists the normalized names job.Record understands, in a fixed order:
// the order of job.Record's fields. It is a copy: changing it changes nothing here.
var KnownKeys = append([]string(nil), knownKeys[:]...)

// knownIndex returns the position of a normalized key in KnownKeys, or -1.
func knownIndex(key string) int {
	for i, k := range knownKeys {
		if k == key {
			return i
		}
	}
	return -1
}
