package worker

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// ParseRate reads a request rate as --rate takes it: "10", "10/s",
// "600/m", "36000/h"; 0 means no limit. It returns requests per second.
func ParseRate(v string) (float64, error) {
	num, unit, _ := strings.Cut(strings.TrimSpace(strings.ToLower(v)), "/")
	per := time.Second
	switch unit {
	case "", "s", "sec", "second":
	case "m", "min", "minute":
		per = time.Minute
	case "h", "hour":
		per = time.Hour
	default:
		return 0, fmt.Errorf("unknown unit %q (want /s, /m or /h)", unit)
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f < 0 || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("not a rate: %q (want a number of requests, like 10 or 600/m; 0 for no limit)", v)
	}
	return f / per.Seconds(), nil
}

// FormatRate renders requests per second as ParseRate reads them: "10/s",
// or "0" for no limit.
func FormatRate(perSecond float64) string {
	if perSecond == 0 {
		return "0"
	}
	return strconv.FormatFloat(perSecond, 'f', -1, 64) + "/s"
}
