# stlview. The two commands a new user needs:
#   make run    build the viewer and open it on the bundled sample parts
#   make test   install what the tests need (Xvfb), then vet and test everything
# and to put it on the desktop (menus, file types, thumbnails, icons):
#   make install [PREFIX=/usr/local] [DESTDIR=]   and   make uninstall
GO       ?= go
BIN      := bin/stlview
XVFB     := xvfb-run -a -s "-screen 0 1280x800x24"
FUZZTIME ?= 10m

.PHONY: all build run test vet cross deps bench bench-cli fuzz clean install uninstall

all: build

build:
	$(GO) build -o $(BIN) ./cmd/stlview

# The binary as a file: install builds it only when it is missing or older
# than a source, so that "sudo make install" after "make" needs no Go as
# root (sudo's PATH seldom has it).
GO_SOURCES := $(shell find cmd internal assets -type f -not -name '*_test.go' -not -path '*/testdata/*' 2>/dev/null) go.mod go.sum

$(BIN): $(GO_SOURCES)
	$(GO) build -o $(BIN) ./cmd/stlview

run: build
	./$(BIN)

# Tests that draw run inside Ebitengine's loop and need a display: the whole
# suite runs under a virtual one. The others need none.
test: deps vet cross
	$(XVFB) $(GO) test -race -shuffle=on -timeout 15m ./...

vet:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

# cross builds every package for Windows and macOS, so that nothing
# Linux-only creeps into shared code. Ebitengine needs no cgo there.
CROSS := windows/amd64 darwin/arm64

cross:
	@set -e; for t in $(CROSS); do \
		echo "CGO_ENABLED=0 GOOS=$${t%/*} GOARCH=$${t#*/} $(GO) build ./..."; \
		CGO_ENABLED=0 GOOS=$${t%/*} GOARCH=$${t#*/} $(GO) build ./...; \
	done

# deps installs what the tests need and this machine lacks, with apt-get,
# as root or with sudo: Xvfb for the tests that draw (make test stops
# without it), and desktop-file-utils, bubblewrap and shared-mime-info for
# the tests of the desktop files and the sandboxed thumbnailer (which skip,
# saying why, without them). Each is COMMAND:PACKAGE.
DEPS := xvfb-run:xvfb xauth:xauth desktop-file-validate:desktop-file-utils bwrap:bubblewrap update-mime-database:shared-mime-info

deps:
	@missing=""; for d in $(DEPS); do \
		command -v $${d%%:*} >/dev/null 2>&1 || missing="$$missing $${d#*:}"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then sudo=; elif command -v sudo >/dev/null 2>&1; then sudo=sudo; else sudo=no; fi; \
	if [ "$$sudo" != no ] && command -v apt-get >/dev/null 2>&1; then \
		echo "make: installing$$missing (what the tests need)"; \
		$$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	elif ! command -v xvfb-run >/dev/null 2>&1; then \
		echo "make test needs Xvfb and cannot install it without root: run 'apt-get install$$missing' as root, then make test again" >&2; \
		exit 1; \
	else \
		echo "make: cannot install$$missing without root (run 'apt-get install$$missing' as root); the tests that need them will skip" >&2; \
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

# Installation. PREFIX is where stlview goes (PREFIX=~/.local for one
# user); DESTDIR, when set, is put in front of every path, to stage the
# files for a package. The caches the desktop reads are brought up to date
# where their tools exist, except under DESTDIR: a package runs them where
# it is installed.
PREFIX  ?= /usr/local
DESTDIR ?=
override PREFIX := $(patsubst ~%,$(HOME)%,$(PREFIX))
BINDIR     = $(PREFIX)/bin
DATADIR    = $(PREFIX)/share
ICONDIR    = $(DATADIR)/icons/hicolor
ICON_SIZES := 16 24 32 48 64 128 256 512

# INSTALLED is every file install puts in place, which uninstall removes.
INSTALLED = $(BINDIR)/stlview \
	$(DATADIR)/applications/stlview.desktop \
	$(DATADIR)/mime/packages/stlview.xml \
	$(DATADIR)/thumbnailers/stlview.thumbnailer \
	$(ICONDIR)/scalable/apps/stlview.svg \
	$(foreach s,$(ICON_SIZES),$(ICONDIR)/$(s)x$(s)/apps/stlview.png)

install: $(BIN)
	install -Dm755 "$(BIN)" "$(DESTDIR)$(BINDIR)/stlview"
	install -Dm644 dist/stlview.desktop "$(DESTDIR)$(DATADIR)/applications/stlview.desktop"
	install -Dm644 dist/stlview.xml "$(DESTDIR)$(DATADIR)/mime/packages/stlview.xml"
	install -Dm644 dist/stlview.thumbnailer "$(DESTDIR)$(DATADIR)/thumbnailers/stlview.thumbnailer"
	install -Dm644 assets/icons/stlview.svg "$(DESTDIR)$(ICONDIR)/scalable/apps/stlview.svg"
	@for s in $(ICON_SIZES); do \
		echo "install -Dm644 assets/icons/stlview-$$s.png \"$(DESTDIR)$(ICONDIR)/$${s}x$$s/apps/stlview.png\""; \
		install -Dm644 "assets/icons/stlview-$$s.png" "$(DESTDIR)$(ICONDIR)/$${s}x$$s/apps/stlview.png" || exit 1; \
	done
	$(update-caches)

uninstall:
	rm -f $(foreach f,$(INSTALLED),"$(DESTDIR)$(f)")
	$(update-caches)

# update-caches refreshes the MIME database, the desktop files' MIME cache
# and the icon cache of DATADIR, each where its tool and its folder exist
# (uninstall from a PREFIX never installed to is quiet); the icon cache
# only where the theme has an index or a cache already (a user's
# ~/.local/share/icons/hicolor has neither, and a cache that nothing keeps
# up to date would hide icons installed later). Nothing under DESTDIR.
define update-caches
@if [ -z "$(DESTDIR)" ]; then \
	if command -v update-mime-database >/dev/null 2>&1 && [ -d "$(DATADIR)/mime/packages" ]; then \
		echo "update-mime-database $(DATADIR)/mime"; update-mime-database "$(DATADIR)/mime" || exit 1; \
	fi; \
	if command -v update-desktop-database >/dev/null 2>&1 && [ -d "$(DATADIR)/applications" ]; then \
		echo "update-desktop-database $(DATADIR)/applications"; update-desktop-database -q "$(DATADIR)/applications" || exit 1; \
	fi; \
	if command -v gtk-update-icon-cache >/dev/null 2>&1 && \
		{ [ -f "$(ICONDIR)/index.theme" ] || [ -f "$(ICONDIR)/icon-theme.cache" ]; }; then \
		echo "gtk-update-icon-cache $(ICONDIR)"; gtk-update-icon-cache -q -t -f "$(ICONDIR)" || exit 1; \
	fi; \
fi
endef
