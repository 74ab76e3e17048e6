#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# `make check`: runs every host test, each part whatever the others did, and
# fails at the end if any part failed. gtest parts print gtest's own summary
# lines; the other parts print TAP.
# Environment (set by the Makefile): O, SRCDIR, MAKE, CLANG_FORMAT, FORMAT_FILES.
set -u
: "${O:?}" "${SRCDIR:?}"
MAKE=${MAKE:-make}
CLANG_FORMAT=${CLANG_FORMAT:-clang-format}

failed=()
parts=0

part() {
    local name=$1
    shift
    parts=$((parts + 1))
    echo
    echo "=== libpidctl check: $name"
    if ! "$@"; then
        failed+=("$name")
        echo "=== libpidctl check: $name FAILED"
    fi
}

format_check() {
    # shellcheck disable=SC2086
    . "$SRCDIR/tests/tap.sh"
    if ! command -v "$CLANG_FORMAT" >/dev/null; then
        skip "clang-format not installed"
    else
        local f
        for f in $FORMAT_FILES; do
            check "clang-format: ${f#"$SRCDIR"/}" \
                "$CLANG_FORMAT" --dry-run -Werror --style=file "$f"
        done
    fi
    tap_done
}

# The host has no pidctl(): native tests report themselves as skipped.
part "gtest (host backends)" "$O/tests/libpidctl_test"
part "difftest (host backends)" "$O/tests/libpidctl_difftest" --trees 4 --max-nodes 16 --max-depth 8
part "CLI" "$SRCDIR/tests/cli_test.sh" "$O/pidctl"
part "example" "$SRCDIR/tests/example_test.sh" "$O/examples/pid_chain"
part "install + pkg-config consumer" "$SRCDIR/tests/install_test.sh" "$SRCDIR" "$O" "$MAKE"
part "gtest under ASan+UBSan" env ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 "$O/asan/libpidctl_test"
part "difftest under ASan+UBSan" env ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$O/asan/libpidctl_difftest" --trees 2 --max-nodes 12 --max-depth 6
part "format" format_check

echo
if [ ${#failed[@]} -eq 0 ]; then
    echo "=== libpidctl check: all $parts parts passed"
    exit 0
fi
echo "=== libpidctl check: ${#failed[@]} of $parts parts FAILED: ${failed[*]}"
exit 1
