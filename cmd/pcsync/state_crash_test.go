package main

import (
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pcsync/pcsync/internal/emulator"
	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/state"
)

// okEmails returns the emails of the rows a results file records ok; a
// last record cut short by a kill is passed over.
func okEmails(t *testing.T, path string) map[string]bool {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ok := map[string]bool{}
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	for {
		rec, err := r.Read()
		if err != nil {
			return ok
		}
		if len(rec) == 9 && rec[4] == "ok" { // row,email,action,segment_id,status,...
			ok[rec[1]] = true
		}
	}
}

// TestStateAfterSIGKILL kills the binary mid-run with --state and checks
// that the state records no row the API did not apply, nor any row the
// results file does not say ok; then that the next run, plain or with
// --resume, finishes the job without sending a recorded row again.
func TestStateAfterSIGKILL(t *testing.T) {
	t.Parallel()
	for _, next := range []string{"plain", "resume"} {
		t.Run(next, func(t *testing.T) {
			bin := binary(t)
			em, env := shop(t, emulator.Faults{})
			in := writeFile(t, "big.csv", rows1500())
			results := strings.TrimSuffix(in, ".csv") + ".results.csv"
			stateFile := filepath.Join(t.TempDir(), "s.state")
			cmd := exec.Command(bin, "run", "--rate", "300", "--workers", "4", "--quiet", "--state", stateFile, in)
			for k, v := range env {
				cmd.Env = append(cmd.Env, k+"="+v)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// At 300/s, 600 requests take two seconds: the results were
			// synced, and the state committed, at least once (every second).
			deadline := time.Now().Add(30 * time.Second)
			for em.Stats().Requests < 600 && time.Now().Before(deadline) {
				time.Sleep(5 * time.Millisecond) // polling an external process; bounded
			}
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
			// Requests the killed process had already written may reach the
			// emulator's handlers a moment later: wait for the count to settle
			// before the next run's requests are counted.
			for n, settle := int64(-1), time.Now().Add(5*time.Second); time.Now().Before(settle); {
				if m := em.Stats().Requests; m != n {
					n = m
					time.Sleep(50 * time.Millisecond) // polling an external process's traffic; bounded
					continue
				}
				break
			}

			st, err := state.Open(stateFile, state.Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			ok := okEmails(t, results)
			recorded := 0
			err = st.Each(func(_ string, e state.Entry) error {
				recorded++
				c, found := em.Contact(e.Contact.Email, "")
				if e.Action != job.SegmentsAdd || !found || !slices.Contains(c.Segments, "100500") {
					t.Errorf("the state records %s %s, which the API did not apply", e.Action, e.Contact.Email)
				}
				if !ok[e.Contact.Email] {
					t.Errorf("the state records %s, which the results file does not say ok", e.Contact.Email)
				}
				return nil
			})
			st.Close()
			if err != nil {
				t.Fatal(err)
			}
			if recorded == 0 || recorded > len(ok) {
				t.Fatalf("%d rows recorded, %d ok in the results", recorded, len(ok))
			}

			before := em.Stats().Requests
			args := []string{"run", "--rate", "0", "--quiet", "--state", stateFile}
			if next == "resume" {
				args = append(args, "--resume")
			}
			args = append(args, in)
			r := pcsync(t, env, "", args...)
			if r.code != exitOK {
				t.Fatalf("next run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			st1 := checkOneResultPerRow(t, results, 1500)
			sent := em.Stats().Requests - before
			switch next {
			case "plain": // the recorded rows are unchanged; the rest is sent
				if st1["unchanged"] != recorded || st1["ok"] != 1500-recorded || sent != int64(1500-recorded) {
					t.Errorf("after the kill, %d recorded: %v, %d sent", recorded, st1, sent)
				}
			case "resume": // the rows ok in the results are not sent again
				if st1["ok"]+st1["unchanged"] != 1500 || sent != int64(1500-len(ok)) {
					t.Errorf("after the kill, %d ok: %v, %d sent", len(ok), st1, sent)
				}
			}
			if em.SegmentSize("100500") != 1500 {
				t.Errorf("segment holds %d", em.SegmentSize("100500"))
			}

			// Once finished, the same file sends nothing but what the state
			// could not know: rows a resumed run found done in the results.
			before = em.Stats().Requests
			if r := pcsync(t, env, "", "run", "--rate", "0", "--quiet", "--state", stateFile, in); r.code != exitOK {
				t.Fatalf("last run: exit %d\n%s", r.code, r.stderr)
			}
			want := int64(0)
			if next == "resume" {
				want = int64(len(ok) - recorded)
			}
			if sent := em.Stats().Requests - before; sent != want {
				t.Errorf("last run sent %d, want %d", sent, want)
			}
		})
	}
}
