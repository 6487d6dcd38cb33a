package proc

import (
	"runtime/debug"
	"testing"
)

func TestVersionText(t *testing.T) {
	t.Parallel()
	vcs := []debug.BuildSetting{
		{Key: "vcs", Value: "git"},
		{Key: "vcs.revision", Value: "0b3fb2776db96b51a03d62081942ceafabe3e76d"},
		{Key: "vcs.time", Value: "2026-11-28T18:32:44Z"},
		{Key: "vcs.modified", Value: "false"},
	}
	tests := []struct {
		name string
		ld   string
		info *debug.BuildInfo
		want string
	}{
		{"no build info", "dev", nil, "dev\n"},
		{"go build in a checkout", "dev", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: vcs},
			"dev\ncommit: 0b3fb2776db96b51a03d62081942ceafabe3e76d\ncommit time: 2026-11-28T18:32:44Z\nbuilt with: go1.26.8\n"},
		{"go install of a tag", "dev", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.0"}},
			"v1.2.0\nbuilt with: go1.26.8\n"},
		{"-ldflags -X main.version wins", "1.3.0-rc1", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.0"}, Settings: vcs[:2]},
			"1.3.0-rc1\ncommit: 0b3fb2776db96b51a03d62081942ceafabe3e76d\nbuilt with: go1.26.8\n"},
		{"uncommitted changes", "dev", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261128183244-0b3fb2776db9+dirty"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0b3fb27"}, {Key: "vcs.modified", Value: "true"}}},
			"v0.0.0-20261128183244-0b3fb2776db9+dirty\ncommit: 0b3fb27 (with uncommitted changes)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Version(tt.ld, tt.info); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}
