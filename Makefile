# SPDX-License-Identifier: GPL-2.0
# pidctl: every build and every test suite is a target here. See README.md.
#
# The kernel trees, the selftests and the UAPI headers are file targets
# that also depend on FORCE: kbuild and the selftests' Makefiles know what
# is out of date, make only orders them, and runs each once per
# invocation. Parallel runs share make's jobserver (the '+' lines).
# Test suites are the suite-NAME targets; mk/check runs them, two at a
# time, and counts them (mk/tally).

.PHONY: all help setup setup-lib tree kernel kernel-debug kernel-hostroot kernel-nopidns \
	kernel-arm64 headers headers-arm64 selftests selftests-m32 selftests-arm64 \
	stress lib vm-tests demo check check-debug check-arm64 install clean bench \
	series series-check FORCE

image = build/$(1)/$(shell mk/arch $(2) image_path)
KERNEL := $(call image,kernel,x86_64)
KERNEL_DEBUG := $(call image,kernel-debug,x86_64)
KERNEL_HOSTROOT := $(call image,kernel-hostroot,x86_64)
KERNEL_NOPIDNS := $(call image,kernel-nopidns,x86_64)
KERNEL_ARM64 := $(call image,kernel-arm64,arm64)
HEADERS := build/headers/include/linux/pidctl.h
HEADERS_ARM64 := build/headers-arm64/include/linux/pidctl.h
SELFTESTS := build/selftests/pidfd/pidctl_test
SELFTESTS_M32 := build/selftests-m32/pidfd/pidctl_test
SELFTESTS_ARM64 := build/selftests-arm64/pidfd/pidctl_test

all: kernel headers lib

help:
	@echo "make demo      build the patched kernel and libpidctl, boot it, show pidctl at work"
	@echo "make check     run every test; ends with 'N passed, N failed, N skipped'"
	@echo "make check-debug  the VM suites on a KASAN/lockdep/kmemleak kernel, long stress runs"
	@echo "make check-arm64  the runner tests and the selftests on the arm64 kernel (QEMU virt, TCG)"
	@echo "make kernel    $(KERNEL)"
	@echo "make kernel-debug, kernel-hostroot, kernel-nopidns, kernel-arm64  the other kernels"
	@echo "make headers   UAPI headers of the patched tree in build/headers/include"
	@echo "make selftests the pidfd and nsfs selftests (also selftests-m32, selftests-arm64)"
	@echo "make lib       libpidctl and the pidctl CLI in build/libpidctl"
	@echo "make install   libpidctl, CLI and man pages (PREFIX=/usr/local DESTDIR=)"
	@echo "make bench     pidctl against the alternatives in the VM: table, build/bench/"
	@echo "make series    the series as mailed: cover letter and patches in build/series/"
	@echo "make series-check  checkpatch, git am, every prefix builds, same tree as make kernel"
	@echo "make clean     remove build/ (the ccache stays)"
	@echo "mk/check --list  the test suites; mk/check SUITE... runs some"

# Install missing Debian packages; a no-op when everything is there. The
# library's first, on their own: a library user needs no kernel toolchain.
setup-lib:
	@mk/setup --lib

setup: setup-lib
	@mk/setup

# The base tree with the overlay and patches/ applied, in build/src.
tree: setup
	@mk/assemble

# ---- kernels ----------------------------------------------------------

kernel: $(KERNEL)
$(KERNEL): tree FORCE
	+@mk/kernel

# The debug kernel (KASAN, lockdep, kmemleak...) of make check-debug and
# of make check's debug-short suite.
kernel-debug: $(KERNEL_DEBUG)
$(KERNEL_DEBUG): tree FORCE
	+@mk/kernel --out build/kernel-debug --fragment mk/kernel-debug.config

# vm/run --host-root's kernel, seeded from the normal one.
kernel-hostroot: $(KERNEL_HOSTROOT)
$(KERNEL_HOSTROOT): $(KERNEL) FORCE
	+@mk/kernel --out build/kernel-hostroot --fragment mk/kernel-hostroot.config \
		--seed build/kernel

# A kernel without CONFIG_PID_NS, seeded from the normal one.
kernel-nopidns: $(KERNEL_NOPIDNS)
$(KERNEL_NOPIDNS): $(KERNEL) FORCE
	+@mk/kernel --out build/kernel-nopidns --fragment mk/kernel-nopidns.config \
		--seed build/kernel

kernel-arm64: $(KERNEL_ARM64)
$(KERNEL_ARM64): tree FORCE
	+@mk/kernel --arch arm64

# ---- headers, selftests, stress programs, libpidctl --------------------

headers: $(HEADERS)
$(HEADERS): $(KERNEL) FORCE
	+@$(MAKE) -s -C build/src O=$(CURDIR)/build/kernel \
		INSTALL_HDR_PATH=$(CURDIR)/build/headers headers_install

headers-arm64: $(HEADERS_ARM64)
$(HEADERS_ARM64): $(KERNEL_ARM64) FORCE
	+@$(MAKE) -s -C build/src O=$(CURDIR)/build/kernel-arm64 \
		$(shell mk/arch arm64 kbuild) INSTALL_HDR_PATH=$(CURDIR)/build/headers-arm64 \
		headers_install

selftests: $(SELFTESTS)
$(SELFTESTS): $(HEADERS) FORCE
	+@mk/selftests

selftests-m32: $(SELFTESTS_M32)
$(SELFTESTS_M32): $(HEADERS) FORCE
	+@mk/selftests --m32

selftests-arm64: $(SELFTESTS_ARM64)
$(SELFTESTS_ARM64): $(HEADERS_ARM64) FORCE
	+@mk/selftests --arch arm64

stress: $(HEADERS)
	+@$(MAKE) -s -C stress

# The library needs only libpidctl/DEPENDS, not the kernel's toolchain.
lib: setup-lib
	+@$(MAKE) -s -C libpidctl

# libpidctl's static test programs for the VM. After lib-tests
# (mk/suites.mk): both build the host's gtest binary.
vm-tests: $(HEADERS) lib-tests
	+@$(MAKE) -s -C libpidctl vm-tests

install: lib
	+@$(MAKE) -s -C libpidctl install

# ---- the two commands, and the other runs ------------------------------

# The second part of the demo boots the host-root kernel, for a container.
demo: $(KERNEL) $(KERNEL_HOSTROOT) $(HEADERS) lib
	@mk/demo

# setup first: mk/check is Python, which a fresh machine may not have yet.
check: setup
	@mk/check

check-debug: setup
	@mk/check --debug

check-arm64: setup
	@mk/check --arm64

# Not a test: measures pidctl() against what userspace has without it (bench/).
bench: $(KERNEL) $(HEADERS) lib
	+@$(MAKE) -s -C bench
	@bench/run

# The kernel series as mailed (patches/README.md): git format-patch output.
# After tree, which unpacks the base tree both read.
series: tree
	@mk/series

# series-check compares the series with build/src, hence 'tree'.
series-check: series tree
	+@mk/series-check

clean:
	@# mk/fresh-check bind-mounts /dev, /proc and /sys under build/fresh.
	rm -rf --one-file-system build

FORCE:

include mk/suites.mk
