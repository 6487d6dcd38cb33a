# pcsync: `make demo` runs the job on the built-in sandbox, `make test` runs
# every check CI runs.
GO      ?= go
BIN     := bin/pcsync
FUZZTIME ?= 5s

.PHONY: all build install test vet fmt-check race fuzz demo bench clean

all: build

# -buildvcs=auto: 'pcsync version' names the commit when built in a git
# clone, whatever GOFLAGS says.
build:
	$(GO) build -buildvcs=auto -o $(BIN) ./cmd/pcsync

# install puts pcsync in $(go env GOBIN), else $(go env GOPATH)/bin.
install:
	$(GO) install -buildvcs=auto ./cmd/pcsync

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l cmd internal); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

race:
	$(GO) test -race -count=1 ./...

# Each fuzz target runs briefly; its seed corpus under testdata/ also runs in `race`.
fuzz:
	@for target in $$(grep -rhoE '^func Fuzz[A-Za-z0-9_]+' --include='*_test.go' internal cmd | sed 's/func //'); do \
		pkg=$$(grep -rlE "^func $$target\(" --include='*_test.go' internal cmd | xargs -n1 dirname | head -1); \
		echo "fuzz $$target in ./$$pkg for $(FUZZTIME)"; \
		$(GO) test -run='^$$' -fuzz="^$$target$$" -fuzztime=$(FUZZTIME) ./$$pkg || exit 1; \
	done

test: fmt-check vet race fuzz

demo: build
	@mkdir -p out
	./$(BIN) run --sandbox --rate 50 --workers 4 --out out/demo.results.csv --failed out/demo.failed.csv testdata/demo.csv

clean:
	rm -rf bin out

# The numbers live here, not in `make test`: pcsync against baselines
# measured in the same run (see BENCHMARKS.md).
bench: build
	$(GO) run ./cmd/pcbench -bin $(BIN)
