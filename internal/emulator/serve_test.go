package emulator

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestListenServesUntilClose(t *testing.T) {
	t.Parallel()
	s, err := Listen("127.0.0.1:0", Sandbox())
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"shop_id": {SandboxShopID}, "shop_secret": {SandboxShopSecret}, "email": {"ada@example.com"}, "event": {"complained"}}
	resp, err := http.Post(s.URL+"/subscriptions/callback", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status %d, want 200", resp.StatusCode)
	}
	if err := s.Close(time.Second); err != nil {
		t.Fatal(err)
	}
	if err := <-s.Failed(); err != http.ErrServerClosed {
		t.Errorf("after Close, Failed yields %v, want http.ErrServerClosed", err)
	}
	if _, err := http.Get(s.URL + "/segments/get"); err == nil {
		t.Errorf("the server still answers after Close")
	}
}
