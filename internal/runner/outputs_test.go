package runner

import "testing"

func TestResolveOutputsOfAFailedFile(t *testing.T) {
	t.Parallel()
	tests := []struct{ input, results, failed string }{
		{"c100.csv", "c100.results.csv", "c100.failed.csv"},
		{"c100.failed.csv", "c100.results-2.csv", "c100.failed-2.csv"},
		{"c100.failed-2.csv", "c100.results-3.csv", "c100.failed-3.csv"},
		{"dir.failed/c100.failed-9.tsv", "dir.failed/c100.results-10.csv", "dir.failed/c100.failed-10.csv"},
		{"c100.failed.failed.csv", "c100.failed.failed.results.csv", "c100.failed.failed.failed.csv"}, // an older name: left as it is
		{"c100.failedx.csv", "c100.failedx.results.csv", "c100.failedx.failed.csv"},
		{"c100.failed-1.csv", "c100.failed-1.results.csv", "c100.failed-1.failed.csv"},
		{"-", "pcsync.results.csv", "pcsync.failed.csv"},
	}
	for _, tt := range tests {
		t.Run(tt.input, func(t *testing.T) {
			t.Parallel()
			out := resolveOutputs(tt.input, "", "")
			if out.resultsPath != tt.results || out.failedPath != tt.failed {
				t.Errorf("%s gives %s and %s; want %s and %s", tt.input, out.resultsPath, out.failedPath, tt.results, tt.failed)
			}
		})
	}
}
