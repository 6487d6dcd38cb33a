package main

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/pcsync/pcsync/internal/emulator"
)

// echoForms are the ways the echoing server below writes the secret back,
// each computed with the standard library alone (not with api's list).
func echoForms(secret string) []string {
	std, _ := json.Marshal(secret)
	var plain strings.Builder
	enc := json.NewEncoder(&plain)
	enc.SetEscapeHTML(false)
	enc.Encode(secret)
	inner := func(s string) string { return strings.TrimSuffix(strings.TrimSpace(s), `"`)[1:] }
	q := url.QueryEscape(secret)
	return []string{
		secret,
		q,                                 // %2B, + for a space
		strings.ReplaceAll(q, "+", "%20"), // %20
		regexp.MustCompile(`%[0-9A-F]{2}`).ReplaceAllStringFunc(q, strings.ToLower), // %2b
		url.PathEscape(secret),
		inner(string(std)),    // \u0026 \u003c \u003e
		inner(plain.String()), // \" \\ only
		html.EscapeString(secret),
		strings.NewReplacer("&#34;", "&quot;", "&#39;", "&#x27;").Replace(html.EscapeString(secret)),
		html.EscapeString(q),
		"http://admin:" + secret + "@pcsync-test.invalid/callback", // user-info
		"https://" + url.PathEscape(secret) + "@pcsync-test.invalid/",
	}
}

// echoServer is the emulator behind a front that answers the rows whose
// email is echoN@example.com with an error whose message holds the secret
// in echoForms' form N (a JSON error for even N, an HTML page for odd).
func echoServer(t testing.TB, secret string) (*httptest.Server, *emulator.Emulator) {
	opts := emulator.Sandbox()
	opts.ShopSecret = secret
	em := emulator.New(opts)
	forms := echoForms(secret)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body := r.URL.RawQuery
		if r.Body != nil {
			b := make([]byte, 1<<16)
			n, _ := r.Body.Read(b)
			body += string(b[:n])
			r.Body = readerCloser{strings.NewReader(string(b[:n]))}
		}
		for i, f := range forms {
			if strings.Contains(body, fmt.Sprintf("echo%d%%40example.com", i)) || strings.Contains(body, fmt.Sprintf(`"echo%d@example.com"`, i)) {
				if i%2 == 0 {
					msg, _ := json.Marshal(map[string]string{"status": "error", "message": "bad credentials: " + f})
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(http.StatusBadRequest)
					w.Write(msg)
				} else {
					w.Header().Set("Content-Type", "text/html")
					w.WriteHeader(http.StatusBadRequest)
					fmt.Fprintf(w, "<html><body>bad shop_secret %s</body></html>", f)
				}
				return
			}
		}
		em.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, em
}

type readerCloser struct{ *strings.Reader }

func (readerCloser) Close() error { return nil }

// FuzzSecretNeverWritten runs pcsync with a secret the server echoes back
// in every form echoForms knows: no form reaches the results, the failed
// file, standard output or error, or the summary JSON.
func FuzzSecretNeverWritten(f *testing.F) {
	for _, s := range []string{
		`s3cr+t/=&<>"'é-0123456789`,
		`a+b+c+d/e=f&g<h>i"j'k é`,
		"plus+slash/equals=amp&lt<gt>quot\"apos'e\u0301",
		"0123456789abcdef0123456789abcdef",
		"ünïcødé+sécret/with=&all<>\"'",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, middle string) {
		// A marker at each end keeps a secret from being text pcsync
		// writes anyway ("segments/add"), which would be no leak.
		secret := "Zq" + middle + "qZ"
		if len(secret) < 12 || len(secret) > 200 || !utf8.ValidString(secret) || secret != strings.TrimSpace(secret) ||
			strings.IndexFunc(secret, func(r rune) bool { return unicode.IsControl(r) || r == utf8.RuneError }) >= 0 ||
			strings.Contains(strings.ToLower(secret), "redacted") {
			t.Skip("not a secret a shop has")
		}
		srv, _ := echoServer(t, secret)
		forms := echoForms(secret)
		var in strings.Builder
		in.WriteString("email,action,segment_id,note\n")
		for i := range forms {
			fmt.Fprintf(&in, "echo%d@example.com,segments/add,100500,n%d\n", i, i)
		}
		in.WriteString("ok@example.com,segments/add,100500,fine\n")
		dir := t.TempDir()
		input := filepath.Join(dir, "in.csv")
		os.WriteFile(input, []byte(in.String()), 0o644)
		sumFile := filepath.Join(dir, "sum.json")
		env := map[string]string{envAPIURL: srv.URL, envShopID: emulator.Sandbox().ShopID, envShopSecret: secret}
		r := pcsync(t, env, "", "run", "--rate", "0", "--retries", "0", "--summary-json", sumFile, input)
		if r.code != exitRowsFailed {
			t.Fatalf("exit %d, want %d\n%s%s", r.code, exitRowsFailed, r.stdout, r.stderr)
		}
		outputs := map[string]string{"stdout": r.stdout, "stderr": r.stderr}
		for _, name := range []string{"in.results.csv", "in.failed.csv", "sum.json"} {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			outputs[name] = string(b)
		}
		for where, text := range outputs {
			for i, form := range forms {
				if strings.Contains(text, form) || strings.Contains(text, strings.TrimPrefix(form, "http://admin:")) {
					t.Errorf("%s holds the secret in form %d (%q)", where, i, form)
				}
			}
		}
		if !strings.Contains(outputs["in.results.csv"], "REDACTED") {
			t.Errorf("the results show no redaction: the echoes did not come back?\n%s", outputs["in.results.csv"])
		}
	})
}

// TestPlainHTTPRefusalHidesUserinfo: refusing a plain-http --api-url never
// prints the URL's user-info (a user name or password may be the secret).
func TestPlainHTTPRefusalHidesUserinfo(t *testing.T) {
	t.Parallel()
	in := writeFile(t, "in.csv", "email,action,segment_id\na@example.com,segments/add,1\n")
	for _, u := range []string{
		"http://user:" + testSecret + "@pcsync-test.invalid",
		"http://" + testSecret + "@pcsync-test.invalid/api",
		"http://user:" + testSecret + "@pcsync-test.invalid:99999999", // does not parse
		"ftp://user:" + testSecret + "@pcsync-test.invalid",
	} {
		t.Run(u[:8], func(t *testing.T) {
			t.Parallel()
			env := map[string]string{envShopID: "shop", envShopSecret: testSecret, envAPIURL: u}
			r := pcsync(t, env, "", "run", "--quiet", in)
			if r.code != exitUsage || strings.Contains(r.stdout+r.stderr, testSecret) || strings.Contains(r.stderr, "user:") {
				t.Errorf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
			}
		})
	}
}
