# stlview. The two commands a new user needs:
#   make run    build the viewer and open it on the bundled sample parts
#   make test   install what the tests need (Xvfb), then vet and test everything
GO       ?= go
BIN      := bin/stlview
XVFB     := xvfb-run -a -s "-screen 0 1280x800x24"
FUZZTIME ?= 10m

.PHONY: all build run test vet deps bench bench-cli fuzz clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/stlview

run: build
	./$(BIN)

# Tests that draw run inside Ebitengine's loop and need a display: the whole
# suite runs under a virtual one. The others need none.
test: deps vet
	$(XVFB) $(GO) test -race -shuffle=on -timeout 15m ./...

vet:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

# deps installs Xvfb when it is missing: as root, or with sudo.
deps:
	@if ! command -v xvfb-run >/dev/null 2>&1; then \
		echo "make: installing xvfb (the drawing tests need a virtual display)"; \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xvfb xauth; \
		elif command -v sudo >/dev/null 2>&1; then \
			sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xvfb xauth; \
		else \
			echo "make test needs Xvfb and cannot install it without root: run 'apt-get install xvfb' as root, then make test again" >&2; \
			exit 1; \
		fi; \
	fi

# Go benchmarks of every hot path (decoding, welding, loading, rasterizing).
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# Every fuzz target of internal/mesh, for $(FUZZTIME) each, one after another.
MESH_FUZZ := FuzzDecode FuzzDecodeHeader FuzzParseFloat FuzzRoundTrip

fuzz:
	@set -e; for f in $(MESH_FUZZ); do \
		echo "fuzz: $$f for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) ./internal/mesh; \
	done

clean:
	rm -rf bin
