package runner

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"strings"
	"syscall"
	"testing"

	"github.com/pcsync/pcsync/internal/csvsource"
	"github.com/pcsync/pcsync/internal/job"
	"github.com/pcsync/pcsync/internal/results"
	"github.com/pcsync/pcsync/internal/summary"
	"github.com/pcsync/pcsync/internal/worker"
)

// fullDisk takes room bytes, then fails as a full disk does.
type fullDisk struct {
	bytes.Buffer
	room int
}

func (d *fullDisk) Write(p []byte) (int, error) {
	if len(p) > d.room {
		n, _ := d.Buffer.Write(p[:d.room])
		d.room = 0
		return n, syscall.ENOSPC
	}
	d.room -= len(p)
	return d.Buffer.Write(p)
}

// TestDiskFullMidway: the results file fills up midway. The run stops;
// the summary counts every row (those not sent skipped), the error says at
// which row, and the failed-rows file lists every row not done.
func TestDiskFullMidway(t *testing.T) {
	t.Parallel()
	em, c := setup(t)
	const n = 3000
	src, err := csvsource.Open(strings.NewReader(input(n)), csvsource.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	res := &fullDisk{room: 20 << 10} // some hundreds of rows
	var fail bytes.Buffer
	w, err := results.NewWriter(res, &fail, src.Header(), results.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sum := summary.New(summary.Options{})
	err = Run(context.Background(), Config{Source: src, Pool: worker.New(c, worker.Options{Workers: 4}), Workers: 4,
		Sink: w, Summary: sum})
	var we *WriteError
	if !errors.Is(err, ErrSink) || !errors.Is(err, syscall.ENOSPC) || !errors.As(err, &we) {
		t.Fatalf("Run = %v, want ErrSink of ENOSPC", err)
	}
	if sum.Total() != n {
		t.Errorf("the summary counts %d rows of %d", sum.Total(), n)
	}
	skipped := sum.Status(job.StatusSkipped)
	if skipped < n/2 {
		t.Errorf("%d rows skipped; the disk filled up in the first few hundred", skipped)
	}
	if sent := em.Stats().Requests; sent+skipped+sum.Status(job.StatusInvalid) < n || sent > n-skipped {
		t.Errorf("%d sent, %d skipped, %d invalid, of %d", sent, skipped, sum.Status(job.StatusInvalid), n)
	}
	recs, err := csv.NewReader(&fail).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := int64(len(recs)-1), sum.Total()-sum.Done(); got != want {
		t.Errorf("the failed file lists %d rows, want every row not done (%d)", got, want)
	}
}
