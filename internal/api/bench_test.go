package api

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"
)

// benchCall is the call the benchmarks make.
var benchCall = Call{Endpoint: SegmentsAdd, Contact: Contact{Email: "john.doe@examplemail.com", Phone: "4400114527199"}, SegmentID: "100500"}

// BenchmarkSend measures a whole call against a local server: building,
// sending, reading and classifying.
func BenchmarkSend(b *testing.B) {
	client, mux, _ := setup(b)
	mux.HandleFunc("/segments/add", success)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := client.Send(ctx, benchCall); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNewCallRequest measures the client's own share of a call:
// building the request.
func BenchmarkNewCallRequest(b *testing.B) {
	client, _, _ := setup(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := client.NewCallRequest(ctx, benchCall); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSegmentJSON measures the JSON body.
func BenchmarkSegmentJSON(b *testing.B) {
	a := newAuth(testCreds)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := segmentJSON(benchCall, a); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBaselineRawPost is the same exchange made with net/http alone
// (a prebuilt body, the answer read and dropped): what Send costs beyond
// it is the client's share.
func BenchmarkBaselineRawPost(b *testing.B) {
	client, mux, srvURL := setup(b)
	mux.HandleFunc("/segments/add", success)
	body, err := segmentJSON(benchCall, client.auth)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		resp, err := (&http.Client{Transport: client.rt}).Post(srvURL+"/segments/add", "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
