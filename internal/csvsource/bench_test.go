package csvsource

import (
	"github.com/pcsync/pcsync/internal/job"

	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"sync"
	"testing"

	"github.com/gocarina/gocsv"
)

// benchRows is the number of rows of the benchmark input.
const benchRows = 100_000

// benchInput is a typical input: email, action, segment and a column pcsync
// does not know.
var benchInput = sync.OnceValue(func() []byte {
	var b bytes.Buffer
	b.WriteString("email,action,segment_id,note\n")
	for i := range benchRows {
		fmt.Fprintf(&b, "user%d@example.com,segments/add,%d,customer since %d\n", i, i%100, 2000+i%25)
	}
	return b.Bytes()
})

// BenchmarkSource streams the input through Source.
func BenchmarkSource(b *testing.B) {
	data := benchInput()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		s, err := Open(bytes.NewReader(data), Options{})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			_, err := s.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		s.Close()
		if n != benchRows {
			b.Fatalf("got %d rows", n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchRows), "ns/row")
}

// BenchmarkGocsvBaseline is gocsv's own streaming loop over the same input,
// the issue names as the baseline (a channel as deep as a Source's batch):
// the cost Source is measured against.
func BenchmarkGocsvBaseline(b *testing.B) {
	data := benchInput()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		ch := make(chan job.Record, rowBuffer)
		errc := make(chan error, 1)
		go func() {
			errc <- gocsv.UnmarshalDecoderToChan(gocsv.NewSimpleDecoderFromCSVReader(csv.NewReader(bytes.NewReader(data))), ch)
		}()
		n := 0
		for range ch {
			n++
		}
		if err := <-errc; err != nil {
			b.Fatal(err)
		}
		if n != benchRows {
			b.Fatalf("got %d rows", n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchRows), "ns/row")
}

// BenchmarkScan is the structural pass over the same input.
func BenchmarkScan(b *testing.B) {
	data := benchInput()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		n, err := Scan(bytes.NewReader(data), Options{})
		if err != nil || n != benchRows {
			b.Fatalf("Scan = %d, %v", n, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchRows), "ns/row")
}
