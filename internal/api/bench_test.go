package api

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"
)

// BenchmarkAddToSegment measures a whole call against a local server:
// building, sending, reading and classifying.
func BenchmarkAddToSegment(b *testing.B) {
	client, mux, _ := setup(b)
	mux.HandleFunc("/segments/add", success)
	ctx := context.Background()
	ct := Contact{Email: "john.doe@examplemail.com", Phone: "4400114527199"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := client.AddToSegment(ctx, ct, "100500"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNewRequestAddToSegment measures the client's own share of a
// call: building the request.
func BenchmarkNewRequestAddToSegment(b *testing.B) {
	client, _, _ := setup(b)
	ctx := context.Background()
	body := SegmentBody{Contact{Email: "john.doe@examplemail.com", Phone: "4400114527199"}, "100500"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := client.NewRequest(ctx, "POST", pathSegmentsAdd, nil, body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSegmentBodyEncode measures the hand-written JSON body.
func BenchmarkSegmentBodyEncode(b *testing.B) {
	body := SegmentBody{Contact{Email: "john.doe@examplemail.com", Phone: "4400114527199"}, "100500"}
	b.ReportAllocs()
	for b.Loop() {
		body.Encode(testCreds)
	}
}

// BenchmarkBaselineRawPost is the same exchange made with net/http alone
// (a prebuilt body, the answer read and dropped): what AddToSegment costs
// beyond it is the client's share.
func BenchmarkBaselineRawPost(b *testing.B) {
	client, mux, srvURL := setup(b)
	mux.HandleFunc("/segments/add", success)
	body := SegmentBody{Contact{Email: "john.doe@examplemail.com", Phone: "4400114527199"}, "100500"}.Encode(testCreds)
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
