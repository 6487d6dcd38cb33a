package emulator

import "sync/atomic"

// Stats counts the requests an Emulator has seen.
type Stats struct {
	Requests int64            // all requests seen
	Applied  map[string]int64 // per path ("/segments/add", ...): successful calls, including those whose answer was then dropped or delayed
	ByStatus map[int]int64    // answers per HTTP status; connections closed with no answer count under 0
}

// counters are the live counts behind Stats.
type counters struct {
	requests atomic.Int64
	applied  [numRoutes]atomic.Int64
	byStatus [600]atomic.Int64 // indexed by HTTP status
}

// answered counts an answer of the given status, 0 for none.
func (c *counters) answered(status int) {
	if status >= 0 && status < len(c.byStatus) {
		c.byStatus[status].Add(1)
	}
}

// Stats returns the counts so far. Each count is read atomically, but
// requests in flight may show in some counts and not yet in others. Only
// the paths and statuses seen are in the maps.
func (e *Emulator) Stats() Stats {
	st := Stats{
		Requests: e.stats.requests.Load(),
		Applied:  make(map[string]int64),
		ByStatus: make(map[int]int64),
	}
	for rt := range e.stats.applied {
		if n := e.stats.applied[rt].Load(); n > 0 {
			st.Applied[routes[rt].path] = n
		}
	}
	for status := range e.stats.byStatus {
		if n := e.stats.byStatus[status].Load(); n > 0 {
			st.ByStatus[status] = n
		}
	}
	return st
}
