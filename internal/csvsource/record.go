package csvsource

// Record holds the columns pcsync understands, mapped by gocsv from the
// normalized header. Columns missing from the input leave their field empty.
type Record struct {
	Email              string `csv:"email"`
	Phone              string `csv:"phone"`
	Action             string `csv:"action"`
	SegmentID          string `csv:"segment_id"`
	Event              string `csv:"event"`
	EmailBulk          string `csv:"email_bulk"`
	EmailChain         string `csv:"email_chain"`
	EmailTransactional string `csv:"email_transactional"`
	SMSBulk            string `csv:"sms_bulk"`
	SMSChain           string `csv:"sms_chain"`
	SMSTransactional   string `csv:"sms_transactional"`
}

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

// KnownKeys lists the normalized names Record understands, in a fixed order:
// the order of Record's fields. It is a copy: changing it changes nothing here.
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
