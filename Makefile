# QEMU-style entry points; the real build is meson + ninja in $(BUILD).
#   make              configure (if needed) and build
#   make check        install missing packages (as root), build, run every test
#   make check-sanitizers  the unit and functional tests on an ASan+UBSan build
#   make install      install the helper (setuid root), the sample ACL and docs

BUILD ?= build
PYTHON = /usr/bin/python3
# Tests run in parallel, one worker per core (python3-pytest-xdist); tests
# that share a booted guest carry the same xdist_group mark and stay on one
# worker.
PYTEST_ARGS ?= -rs -n auto --dist loadgroup

.PHONY: all deps check check-unit check-fuzz check-sanitizers check-functional install clean distclean bench help

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BUILD)/build.ninja:
	./configure --builddir=$(BUILD)

deps:
	scripts/install-deps

check: deps all check-unit check-fuzz check-sanitizers check-functional

check-unit: all
	meson test -C $(BUILD) --suite unit --print-errorlogs

# The fuzz targets need clang; they live in their own build directory.
check-fuzz:
	test -e $(BUILD)-fuzz/build.ninja || \
	    ./configure --builddir=$(BUILD)-fuzz --cc=clang --enable-fuzzing --disable-docs
	ninja -C $(BUILD)-fuzz
	meson test -C $(BUILD)-fuzz --suite fuzz --print-errorlogs

# The same tests on a build with AddressSanitizer and UBSan, in its own
# build directory; the first report fails the test that caused it.
check-sanitizers:
	test -e $(BUILD)-san/build.ninja || \
	    ./configure --builddir=$(BUILD)-san --enable-sanitizers --disable-docs
	ninja -C $(BUILD)-san
	meson test -C $(BUILD)-san --suite unit --print-errorlogs
	QEMU_BUILD_DIR=$(abspath $(BUILD)-san) $(PYTHON) -m pytest $(PYTEST_ARGS) tests/functional

# Last, so that pytest's summary line is the last line of `make check`.
check-functional: all
	QEMU_BUILD_DIR=$(abspath $(BUILD)) $(PYTHON) -m pytest $(PYTEST_ARGS) tests/functional

install: all
	meson install -C $(BUILD)

bench: all
	$(PYTHON) bench/helper

clean:
	test ! -e $(BUILD)/build.ninja || ninja -C $(BUILD) clean

distclean:
	rm -rf $(BUILD) $(BUILD)-fuzz $(BUILD)-san

help:
	@sed -n 's/^#   //p' Makefile
