package pcsync_test

import (
	"bufio"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/pcsync/pcsync/"

// TestArchitectureArrows checks ARCHITECTURE.md's table of packages against
// what `go list` says each package imports of pcsync's own (test files
// aside): a row for every package, and the same arrows, no more, no fewer.
func TestArchitectureArrows(t *testing.T) {
	t.Parallel()
	want := readArrows(t, "ARCHITECTURE.md")
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	got := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 || !strings.HasPrefix(fields[0], module) {
			continue
		}
		pkg := strings.TrimPrefix(strings.TrimPrefix(fields[0], module), "internal/")
		got[pkg] = []string{}
		for _, imp := range fields[1:] {
			if strings.HasPrefix(imp, module+"internal/") {
				got[pkg] = append(got[pkg], strings.TrimPrefix(imp, module+"internal/"))
			}
		}
	}
	for pkg, imports := range got {
		w, ok := want[pkg]
		if !ok {
			t.Errorf("package %s is not in ARCHITECTURE.md's table (it imports %v)", pkg, imports)
			continue
		}
		slices.Sort(imports)
		if !slices.Equal(imports, w) {
			t.Errorf("%s imports %v; ARCHITECTURE.md says %v", pkg, imports, w)
		}
	}
	for pkg := range want {
		if _, ok := got[pkg]; !ok {
			t.Errorf("ARCHITECTURE.md's table has %s, which is not a package", pkg)
		}
	}
}

// readArrows reads the table rows "| `pkg` | what | `imp` `imp` |" of the
// file at path: each package and its imports of internal packages, sorted.
func readArrows(t *testing.T, path string) map[string][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	row := regexp.MustCompile("^\\| `([a-z/]+)` \\|[^|]*\\|([^|]*)\\|$")
	code := regexp.MustCompile("`([a-z/]+)`")
	arrows := map[string][]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m := row.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if m == nil {
			continue
		}
		imports := []string{}
		for _, c := range code.FindAllStringSubmatch(m[2], -1) {
			imports = append(imports, c[1])
		}
		slices.Sort(imports)
		arrows[m[1]] = imports
	}
	if len(arrows) == 0 {
		t.Fatalf("%s has no table of packages", path)
	}
	return arrows
}
