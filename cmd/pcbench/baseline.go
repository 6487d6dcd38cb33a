package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/http/httptrace"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/gocarina/gocsv"

	"github.com/pcsync/pcsync/internal/emulator"
	"github.com/pcsync/pcsync/internal/worker"
)

// writeRows writes a segments/add file of n distinct emails with one extra
// column.
func writeRows(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintln(w, "email,action,segment_id,note")
	for i := range n {
		fmt.Fprintf(w, "user%d@example.com,segments/add,100500,row %d\n", i, i)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// bareLoop sends n segments/add requests with the given concurrency and a
// keep-alive client sized to it (as many idle connections kept as
// workers; with capped, also no more opened, as pcsync's own): the least
// any tool could do. When pace is
// not nil, every request first waits on it.
func bareLoop(url string, n, workers int, capped bool, pace *worker.Pacer) (time.Duration, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost, tr.MaxIdleConns = workers, workers
	if capped {
		tr.MaxConnsPerHost = workers
	}
	client := &http.Client{Transport: tr}
	next := make(chan int, workers)
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, 0, 256)
			for i := range next {
				buf = fmt.Appendf(buf[:0], `{"shop_id":%q,"shop_secret":%q,"email":"user%d@example.com","segment_id":100500}`,
					emulator.SandboxShopID, emulator.SandboxShopSecret, i)
				var resp *http.Response
				var err error
				if pace == nil {
					resp, err = client.Post(url+"/segments/add", "application/json", bytes.NewReader(buf))
				} else {
					resp, err = pacedPost(pace, client, url+"/segments/add", buf)
				}
				if err == nil {
					_, err = bytes.NewBuffer(nil).ReadFrom(resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						err = fmt.Errorf("status %d", resp.StatusCode)
					}
				}
				if err != nil {
					once.Do(func() { firstErr = err })
				}
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return time.Since(start), firstErr
}

// pacedPost posts body after pace lets it start, and tells pace when the
// request was written, as pcsync's pool does.
func pacedPost(pace *worker.Pacer, client *http.Client, url string, body []byte) (*http.Response, error) {
	send, err := pace.Start(context.Background())
	if err != nil {
		return nil, err
	}
	defer send.Sent()
	ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
		WroteRequest: func(httptrace.WroteRequestInfo) { send.Sent() },
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	return client.Do(req)
}

// row is what the gocsv baseline decodes.
type row struct {
	Email     string `csv:"email"`
	Action    string `csv:"action"`
	SegmentID string `csv:"segment_id"`
}

// gocsvPass streams the file through gocsv's own decoder and nothing else.
func gocsvPass(path string) (time.Duration, error) {
	runtime.GC()
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	start := time.Now()
	ch := make(chan row)
	errc := make(chan error, 1)
	go func() {
		errc <- gocsv.UnmarshalDecoderToChan(gocsv.NewSimpleDecoderFromCSVReader(csv.NewReader(bufio.NewReaderSize(f, 64<<10))), ch)
	}()
	n := 0
	for range ch {
		n++
	}
	if err := <-errc; err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

func numCPU() int { return runtime.NumCPU() }
