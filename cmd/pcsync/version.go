package main

import (
	"runtime/debug"

	"github.com/pcsync/pcsync/internal/proc"
)

// version is set at build time with -ldflags "-X main.version=..."; left
// at "dev", the module's own version from the build information stands in.
var version = "dev"

// buildVersion is proc.Version of this binary.
func buildVersion() string {
	info, _ := debug.ReadBuildInfo()
	return proc.Version(version, info)
}
