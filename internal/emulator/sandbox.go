package emulator

// The sandbox's credentials: they open only the emulator.
const (
	SandboxShopID     = "sandbox-shop"
	SandboxShopSecret = "sandbox-secret-not-real"
)

// Sandbox returns the options of the sandbox that pcsync sandbox and
// pcsync run --sandbox serve: the sandbox credentials and four segments,
// "100500" and "42" static, "7" dynamic and "8" rfm, so that a newcomer can
// see both a write accepted and one refused with 403.
func Sandbox() Options {
	return Options{
		ShopID:     SandboxShopID,
		ShopSecret: SandboxShopSecret,
		Segments: map[string]string{
			"100500": "static",
			"7":      "dynamic",
			"8":      "rfm",
			"42":     "static",
		},
	}
}
