package emulator_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/pcsync/pcsync/internal/emulator"
)

// addBodies returns n segments/add bodies for n contacts.
func addBodies(n int) [][]byte {
	bodies := make([][]byte, n)
	for i := range bodies {
		bodies[i] = []byte(fmt.Sprintf(`{%s,"email":"contact%d@example.com","phone":"+44 7700 9%05d","segment_id":100500}`, credsJSON, i, i))
	}
	return bodies
}

// BenchmarkServeHTTP measures a segments/add, alone through a recorder (the
// emulator's own cost) and through a loopback server with parallel clients
// (what a benchmark of pcsync sees).
func BenchmarkServeHTTP(b *testing.B) {
	bodies := addBodies(1024)

	b.Run("recorder", func(b *testing.B) {
		e := emulator.New(testOptions())
		body := new(bytes.Reader)
		req := httptest.NewRequest(http.MethodPost, "/segments/add", body)
		req.Header.Set("Content-Type", jsonType)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			body.Reset(bodies[i%len(bodies)])
			req.Body = io.NopCloser(body)
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			i++
		}
	})

	b.Run("loopback", func(b *testing.B) {
		_, srv := newServer(b, testOptions())
		client := srv.Client()
		client.Transport.(*http.Transport).MaxIdleConnsPerHost = 64
		b.ReportAllocs()
		b.SetParallelism(16) // enough clients in flight to keep both ends busy
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				req, err := http.NewRequest(http.MethodPost, srv.URL+"/segments/add", bytes.NewReader(bodies[i%len(bodies)]))
				if err != nil {
					b.Error(err)
					return
				}
				req.Header.Set("Content-Type", jsonType)
				resp, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Errorf("status %d", resp.StatusCode)
					return
				}
				i++
			}
		})
	})
}
