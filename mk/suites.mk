# SPDX-License-Identifier: GPL-2.0
# The test suites, one target each: suite-NAME needs what the suite tests
# and runs its command under mk/tally, which logs it to
# build/check/NAME.log and counts it. mk/check runs them (make check,
# check-debug, check-arm64); 'mk/check --list' names them.

# make check's, longest first: with two at a time, the last to end is short.
CHECK_SUITES := debug-short series runtimes kernel-selftests vm-runner kernel-selftests-m32 \
	syscall-tables stress libpidctl libpidctl-vm kernel-nopidns man-page
CHECK_DEBUG_SUITES := stress-debug libpidctl-vm-debug kernel-selftests-debug vm-runner-debug
CHECK_ARM64_SUITES := kernel-selftests-arm64 vm-runner-arm64 syscall-tables-arm64

.PHONY: lib-tests $(addprefix suite-,$(CHECK_SUITES) $(CHECK_DEBUG_SUITES) $(CHECK_ARM64_SUITES))

# mk/check reads these.
print-suites-check:
	@echo $(CHECK_SUITES)
print-suites-check-debug:
	@echo $(CHECK_DEBUG_SUITES)
print-suites-check-arm64:
	@echo $(CHECK_ARM64_SUITES)

RUN_SUITE = +@mk/tally $(if $(V),-v) --run $(@:suite-%=%) --

# How vm/run boots the debug kernel: KASAN and kmemleak want memory, a
# warning is a panic, and the leak test counts the pid slab on its own.
DEBUG_VM := --kernel $(KERNEL_DEBUG) --mem 1024 --append "panic_on_warn=1 slab_nomerge"

# The stress programs in one boot, each counted on its own; on two CPUs,
# for their races.
STRESS_RUN = vm/run --smp 2 --add build/stress:/stress
FUZZ = /stress/pidctl_fuzz --calls
RACE = /stress/pidctl_race --seconds
LEAK = /stress/pidctl_leak --rounds
SECURITY = /stress/pidctl_security

lib-tests: lib
	+@$(MAKE) -s -C libpidctl check-build

# ---- make check --------------------------------------------------------

# The reduced debug run: pidctl's own selftest and shorter stress runs on
# the debug kernel.
suite-debug-short: $(KERNEL_DEBUG) selftests stress
	$(RUN_SUITE) vm/run $(DEBUG_VM) --timeout 1800 --add build/stress:/stress \
		--add build/selftests:/st -- /stress/run-guest --debug --scan-once \
		/st/pidfd/pidctl_test -- $(FUZZ) 100000 -- $(RACE) 8 -- $(LEAK) 5000 -- $(SECURITY)

# The mailed series: checkpatch, git am, a kernel build per prefix.
suite-series: series tree
	$(RUN_SUITE) mk/series-check

suite-kernel-selftests: $(KERNEL) selftests
	$(RUN_SUITE) vm/run-selftests build/selftests -- --timeout 900

# The i386 binaries on the x86_64 kernel's compat entry: pidctl_test only,
# the compat entry being what this variant is for.
suite-kernel-selftests-m32: $(KERNEL) selftests-m32
	$(RUN_SUITE) vm/run-selftests build/selftests-m32 --only pidfd/pidctl_test -- --timeout 900

suite-vm-runner: $(KERNEL) $(KERNEL_HOSTROOT)
	$(RUN_SUITE) vm/test-run

# Both pidctl_test builds on kernels with one table line left out.
suite-syscall-tables: $(KERNEL) selftests selftests-m32
	$(RUN_SUITE) mk/table-check

suite-stress: stress
	$(RUN_SUITE) $(STRESS_RUN) --timeout 300 -- /stress/run-guest \
		$(FUZZ) 200000 -- $(RACE) 5 -- $(LEAK) 20000 -- $(SECURITY) -- $(RACE) 3 --self-test

# Its shell tests print through the kernel tree's ktap_helpers.sh.
suite-libpidctl: lib-tests tree
	$(RUN_SUITE) $(MAKE) -s -C libpidctl check

suite-libpidctl-vm: vm-tests lib-tests $(KERNEL) $(KERNEL_HOSTROOT)
	$(RUN_SUITE) libpidctl/vm-check

# pidctl_test on a kernel without CONFIG_PID_NS: its namespace tests skip,
# the rest runs against the one pid namespace. The kernel must really
# have none, or the skips would hide tests.
suite-kernel-nopidns: $(KERNEL_NOPIDNS) selftests
	$(RUN_SUITE) vm/run --kernel $(KERNEL_NOPIDNS) --add build/selftests/pidfd:/t/pidfd \
		-- sh -c 'if [ -e /proc/self/ns/pid ]; then \
		echo "not ok 1 - the kernel has pid namespaces"; else \
		echo "ok 1 - no pid namespace files: CONFIG_PID_NS is off"; fi; \
		run-tests /t/pidfd/pidctl_test'

# Namespaces that real container software makes (unshare, bwrap, crun,
# runc), asked about by the installed CLI and a pkg-config consumer, in a
# --host-root boot (runtimes/README.md). After lib: runtimes/Makefile
# installs the library it built.
suite-runtimes: $(KERNEL_HOSTROOT) tree lib
	$(RUN_SUITE) runtimes/check

# pidctl(2): groff, man -l, the example program run in the VM.
suite-man-page: $(KERNEL) $(HEADERS)
	$(RUN_SUITE) mk/man-check

# ---- make check-debug: the VM suites on the debug kernel ---------------

suite-vm-runner-debug: $(KERNEL) $(KERNEL_DEBUG) $(KERNEL_HOSTROOT)
	$(RUN_SUITE) vm/test-run -- $(DEBUG_VM)

# pidfd_poll_test's 10,000 forks are too many under the debug kernel:
# stress-debug runs it with 1000.
suite-kernel-selftests-debug: $(KERNEL_DEBUG) selftests
	$(RUN_SUITE) vm/run-selftests build/selftests --except pidfd/pidfd_poll_test \
		-- $(DEBUG_VM) --timeout 2700

# The difftest on trees up to 8 deep: under KASAN and TCG a 32-deep one
# would take the better part of an hour.
suite-libpidctl-vm-debug: vm-tests lib-tests $(KERNEL_DEBUG) $(KERNEL_HOSTROOT)
	$(RUN_SUITE) libpidctl/vm-check --debug -- $(DEBUG_VM) --timeout 4500

suite-stress-debug: $(KERNEL_DEBUG) selftests stress
	$(RUN_SUITE) $(STRESS_RUN) $(DEBUG_VM) --timeout 3600 --add build/selftests:/st \
		-- /stress/run-guest --debug $(FUZZ) 1000000 -- $(RACE) 60 -- $(LEAK) 100000 \
		-- $(SECURITY) -- /st/pidfd/pidfd_poll_test 1000

# ---- make check-arm64 --------------------------------------------------

suite-vm-runner-arm64: $(KERNEL_ARM64)
	$(RUN_SUITE) vm/test-run --arch arm64

suite-kernel-selftests-arm64: $(KERNEL_ARM64) selftests-arm64
	$(RUN_SUITE) vm/run-selftests build/selftests-arm64 -- --arch arm64 --timeout 1800

suite-syscall-tables-arm64: $(KERNEL_ARM64) selftests-arm64
	$(RUN_SUITE) mk/table-check --arch arm64
