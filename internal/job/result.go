package job

import "github.com/pcsync/pcsync/internal/api"

// Task is a validated row waiting to be sent: the row and the call it
// makes.
type Task struct {
	Row Row
	Job Job
}

// Result is what happened to one row.
type Result struct {
	Row        Row
	Action     Action // "" when the row has no valid action
	Status     Status
	HTTPStatus int           // status of the last answer, 0 when none came
	Attempts   int           // requests sent for the row
	Error      string        // why the row did not end ok
	Segments   []api.Segment // segments/get: the contact's segments
	Job        Job           // the call made, for a row that was sent
}
