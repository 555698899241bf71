# gst-bitnet: convenience entry points around meson.
#   make check   install what is missing, build, run every test
#   make bench   install what is missing, build, run the benchmark pipeline
#   make crossval-deps   fetch the pinned llama.cpp build (also done by make check)
BUILDDIR ?= build
MESON ?= meson
MESON_ARGS ?=
# CI and `make check` build the introspection data (GIR, typelib) the Python
# scripts and tests use; meson alone builds it only when it finds the tools.
INTROSPECTION ?= enabled
BENCH_PIPELINE ?= pipelines/benchmark.bnp

.PHONY: all deps setup build check bench shell install docs clean crossval-deps

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

check: build
	@sh build-aux/fetch-llama-cpp.sh || echo "make check: llama.cpp unavailable; the crossval tests will be skipped"
	$(MESON) test -C $(BUILDDIR) --print-errorlogs --no-rebuild $(TEST_ARGS)

bench: build
	@echo "Running $(BENCH_PIPELINE) (results in benchmark-results/)"
	cd $(CURDIR) && BN_PLUGIN_PATH=$(CURDIR)/$(BUILDDIR)/elements BN_PLUGIN_SYSTEM_PATH= \
	  $(BUILDDIR)/gst-bitnet/tools/bn-launch -f $(BENCH_PIPELINE) $(BENCH_ARGS)

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
