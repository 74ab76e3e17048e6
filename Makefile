# SPDX-License-Identifier: GPL-2.0
# pidctl: top-level commands. See README.md.

.PHONY: all setup tree kernel headers selftests lib demo check check-vm \
	install clean help kernel-debug check-debug bench \
	kernel-arm64 headers-arm64 check-arm64 series series-check kernel-hostroot

BZIMAGE := build/kernel/arch/x86/boot/bzImage

all: kernel headers lib

help:
	@echo "make demo      build the patched kernel and libpidctl, boot it, show pidctl at work"
	@echo "make check     run every test; ends with 'N passed, N failed, N skipped'"
	@echo "make check-debug  the VM tests, a long fuzz, race and leak run, on a KASAN/lockdep/kmemleak kernel"
	@echo "make check-arm64  the runner tests and the selftests on the arm64 kernel (QEMU virt, TCG)"
	@echo "make kernel    $(BZIMAGE)"
	@echo "make kernel-hostroot  build/kernel-hostroot, the kernel of vm/run --host-root"
	@echo "make kernel-arm64  build/kernel-arm64/arch/arm64/boot/Image (cross-built)"
	@echo "make headers   UAPI headers of the patched tree in build/headers/include"
	@echo "make lib       libpidctl and the pidctl CLI in build/libpidctl"
	@echo "make install   libpidctl, CLI and man pages (PREFIX=/usr/local DESTDIR=)"
	@echo "make bench     pidctl against the alternatives in the VM: table, build/bench/"
	@echo "make series    the series as mailed: cover letter and patches in build/series/"
	@echo "make series-check  checkpatch, git am, every prefix builds, same tree as make kernel"
	@echo "make clean     remove build/ (the ccache stays)"

# Installs missing Debian packages; a no-op when everything is there.
setup:
	@mk/setup

tree: setup
	@mk/assemble

kernel: setup
	@mk/kernel

# The debug kernel (KASAN, lockdep, kmemleak...) in its own output tree.
# After the normal one: both assemble build/src, which must not race.
kernel-debug: kernel
	@mk/kernel --out build/kernel-debug --fragment mk/kernel-debug.config

# The host-root variant (mk/kernel-hostroot.config), seeded from the normal
# one; vm/run --host-root also builds it when it is missing or stale.
kernel-hostroot: kernel
	@mk/kernel --out build/kernel-hostroot --fragment mk/kernel-hostroot.config --seed build/kernel

# The arm64 kernel, cross-built from the same tree (mk/kernel-arm64.config).
kernel-arm64: setup
	@mk/kernel --arch arm64

headers: kernel
	@echo "headers: installing UAPI headers in build/headers/include"
	@$(MAKE) -s -C build/src O=$(CURDIR)/build/kernel \
		INSTALL_HDR_PATH=$(CURDIR)/build/headers headers_install

# For the cross-built selftests (mk/selftests --arch arm64).
headers-arm64: kernel-arm64
	@echo "headers: installing arm64 UAPI headers in build/headers-arm64/include"
	@$(MAKE) -s -C build/src O=$(CURDIR)/build/kernel-arm64 ARCH=arm64 \
		CROSS_COMPILE=aarch64-linux-gnu- \
		INSTALL_HDR_PATH=$(CURDIR)/build/headers-arm64 headers_install

selftests: headers
	@mk/selftests

# The library needs only libpidctl/DEPENDS, not the kernel's toolchain.
lib:
	@mk/setup --lib
	@if [ -f libpidctl/Makefile ]; then $(MAKE) -s -C libpidctl; fi

demo: kernel headers lib
	@mk/demo

check: kernel headers
	@mk/check

check-debug: kernel kernel-debug headers
	@mk/check --debug

check-arm64: kernel-arm64 headers-arm64
	@mk/check --arm64

# The kernel series as mailed (patches/README.md): git format-patch output.
series: setup
	@mk/series

# series-check compares the series with build/src, hence 'tree'.
series-check: series tree
	@mk/series-check

install: lib
	@$(MAKE) -s -C libpidctl install

clean:
	@# mk/fresh-check bind-mounts /dev, /proc and /sys under build/fresh.
	rm -rf --one-file-system build

# Not a test: measures pidctl() against what userspace has without it (bench/).
bench: kernel headers lib
	@$(MAKE) -s -C bench
	@bench/run
