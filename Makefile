# gst-bitnet: convenience entry points around meson.
#   make check   install what is missing, build, run every test
#   make bench   install what is missing, build, run the whole benchmark flow
#   make crossval-deps   fetch the pinned llama.cpp build and build its llama-bench (also done by make check)
#   make hostile the hostile campaign: ~2,400 generated hostile cases against the
#                built tools, then a table (tests/hostile/campaign.sh; ~15 min)
BUILDDIR ?= build
MESON ?= meson
MESON_ARGS ?=
# CI and `make check` build the introspection data (GIR, typelib) the Python
# scripts and tests use; meson alone builds it only when it finds the tools.
INTROSPECTION ?= enabled

.PHONY: all deps setup build check bench shell install docs clean crossval-deps hostile

all: build

deps:
	@sh build-aux/install-deps.sh

$(BUILDDIR)/build.ninja:
	$(MESON) setup $(BUILDDIR) -Dintrospection=$(INTROSPECTION) $(MESON_ARGS)

setup: deps $(BUILDDIR)/build.ninja

build: setup
	$(MESON) compile -C $(BUILDDIR)

# llama.cpp (the C++ reference) from the npm registry into ~/.cache, never the tree
crossval-deps:
	@sh build-aux/fetch-llama-cpp.sh
	@sh build-aux/build-llama-bench.sh

check: build
	@sh build-aux/fetch-llama-cpp.sh || echo "make check: llama.cpp unavailable; the crossval tests will be skipped"
	@sh build-aux/build-llama-bench.sh 2>/dev/null || echo "make check: llama-bench not built; its live test will be skipped"
	$(MESON) test -C $(BUILDDIR) --print-errorlogs --no-rebuild $(TEST_ARGS)

# the whole flow: benchmark, strict validation, receipt, reports, regression
# verdict against this platform's baseline, and where each file went
bench: build
	BUILDDIR=$(BUILDDIR) sh scripts/run-performance-benchmarks.sh $(BENCH_ARGS)

# not part of check: it takes minutes; check runs tests/hostile/cases.txt, where
# every failure the campaign found stays as a case
hostile: build
	sh tests/hostile/campaign.sh $(BUILDDIR)

shell: build
	$(MESON) devenv -C $(BUILDDIR)

docs: deps
	@sh build-aux/install-deps.sh gtk-doc-tools
	$(MESON) setup $(BUILDDIR)-docs -Ddocs=true -Dtests=false $(MESON_ARGS) 2>/dev/null || true
	ninja -C $(BUILDDIR)-docs gst-bitnet-doc

install: build
	$(MESON) install -C $(BUILDDIR)

clean:
	rm -rf $(BUILDDIR) $(BUILDDIR)-docs
