package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestSecret_formatting(t *testing.T) {
	s := Secret(testSecret)
	creds := testCreds
	tests := []struct {
		format string
		arg    any
		want   string
	}{
		{"%v", s, "[REDACTED]"},
		{"%s", s, "[REDACTED]"},
		{"%q", s, `"[REDACTED]"`},
		{"%#v", s, "[REDACTED]"},
		{"%+v", s, "[REDACTED]"},
		{"%x", s, "[REDACTED]"},
		{"%X", s, "[REDACTED]"},
		{"%d", s, "[REDACTED]"},
		{"%20s", s, "[REDACTED]"},
		{"%v", creds, "{" + testShopID + " [REDACTED]}"},
		{"%+v", creds, "{ShopID:" + testShopID + " ShopSecret:[REDACTED]}"},
		{"%#v", creds, `api.Credentials{ShopID:"` + testShopID + `", ShopSecret:[REDACTED]}`},
		{"%v", &creds, "&{" + testShopID + " [REDACTED]}"},
		{"%s", []Secret{s}, "[[REDACTED]]"},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			got := fmt.Sprintf(tt.format, tt.arg)
			if got != tt.want {
				t.Errorf("Sprintf(%q) = %q, want %q", tt.format, got, tt.want)
			}
		})
	}
	if got := s.String() + s.GoString(); strings.Contains(got, testSecret) {
		t.Errorf("String/GoString = %q", got)
	}
}

func TestSecret_slog(t *testing.T) {
	for _, handler := range []struct {
		name string
		new  func(*bytes.Buffer) slog.Handler
	}{
		{"text", func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) }},
		{"json", func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) }},
	} {
		t.Run(handler.name, func(t *testing.T) {
			var buf bytes.Buffer
			log := slog.New(handler.new(&buf))
			log.Info("creds", "secret", Secret(testSecret), "creds", testCreds, "ptr", &testCreds)
			log.Info("group", slog.Group("g", slog.Any("secret", Secret(testSecret))))
			if strings.Contains(buf.String(), testSecret) {
				t.Errorf("log holds the secret:\n%s", buf.String())
			}
			if !strings.Contains(buf.String(), "[REDACTED]") {
				t.Errorf("log does not say [REDACTED]:\n%s", buf.String())
			}
		})
	}
}

func TestSecret_marshal(t *testing.T) {
	b, err := json.Marshal(testCreds)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"ShopID":"` + testShopID + `","ShopSecret":"[REDACTED]"}`; string(b) != want {
		t.Errorf("json.Marshal = %s, want %s", b, want)
	}
	text, _ := Secret(testSecret).MarshalText()
	if string(text) != "[REDACTED]" {
		t.Errorf("MarshalText = %s", text)
	}
}
