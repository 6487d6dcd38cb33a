package proc

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// Version is what 'pcsync version' and 'pcsync --version' print after
// "pcsync ": the version, then the commit it was built from and when that
// commit was made, when the build recorded them (go build and go install
// in a git checkout do; -buildvcs=false or a copy without .git does not).
// ldVersion is the version set at build time; info is the binary's build information, nil
// when there is none.
func Version(ldVersion string, info *debug.BuildInfo) string {
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
