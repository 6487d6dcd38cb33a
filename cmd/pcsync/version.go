package main

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// version is set at build time with -ldflags "-X main.version=..."; left
// at "dev", the module's own version from the build information stands in.
var version = "dev"

// versionText is what 'pcsync version' and 'pcsync --version' print after
// "pcsync ": the version, then the commit it was built from and when that
// commit was made, when the build recorded them (go build and go install
// in a git checkout do; -buildvcs=false or a copy without .git does not).
// ldVersion is main.version; info is the binary's build information, nil
// when there is none.
func versionText(ldVersion string, info *debug.BuildInfo) string {
	v := ldVersion
	if info == nil {
		return v + "\n"
	}
	if v == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
		v = info.Main.Version
	}
	set := map[string]string{}
	for _, s := range info.Settings {
		set[s.Key] = s.Value
	}
	var b strings.Builder
	b.WriteString(v + "\n")
	if rev := set["vcs.revision"]; rev != "" {
		if set["vcs.modified"] == "true" {
			rev += " (with uncommitted changes)"
		}
		fmt.Fprintf(&b, "commit: %s\n", rev)
	}
	if t := set["vcs.time"]; t != "" {
		fmt.Fprintf(&b, "commit time: %s\n", t)
	}
	if info.GoVersion != "" {
		fmt.Fprintf(&b, "built with: %s\n", info.GoVersion)
	}
	return b.String()
}

// buildVersion is versionText of this binary.
func buildVersion() string {
	info, _ := debug.ReadBuildInfo()
	return versionText(version, info)
}
