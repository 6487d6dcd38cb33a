package runner

import (
	"cmp"
	"errors"
	"strings"

	"github.com/pcsync/pcsync/internal/api"
	"github.com/pcsync/pcsync/internal/worker"
)

// Target is where a run sends, and how.
type Target struct {
	URL       string          // the API's base URL ("": api.DefaultBaseURL)
	Creds     api.Credentials // the shop; a dry run needs no secret
	UserAgent string          // "": the API client's
	Pool      worker.Options  // the pool's; its OnPace is the run's (the summary reads the pace)
}

// Placeholders of the example requests of a dry run, which needs no
// credentials; the secret is redacted in any case.
const (
	PlaceholderShopID = "YOUR_SHOP_ID"
	PlaceholderSecret = "not-a-secret"
)

// client is the API client of t; for a dry run's examples (which never
// send), with placeholders for the shop ID when there is none and for the
// secret. A refused URL is a *UsageError.
func (t Target) client(examples bool, opts ...api.Option) (*api.Client, error) {
	url, creds := cmp.Or(t.URL, api.DefaultBaseURL), t.Creds
	if examples {
		creds.ShopID, creds.ShopSecret = cmp.Or(strings.TrimSpace(creds.ShopID), PlaceholderShopID), PlaceholderSecret
	}
	if t.UserAgent != "" {
		opts = append(opts, api.WithUserAgent(t.UserAgent))
	}
	c, err := api.NewClient(url, creds, opts...)
	switch {
	case errors.Is(err, api.ErrInsecureURL):
		return nil, Usagef("--api-url %s: %w", api.RedactUserinfo(url), err)
	case err != nil:
		return nil, Usagef("API: %w", err)
	}
	return c, nil
}
