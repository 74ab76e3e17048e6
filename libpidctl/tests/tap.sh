# SPDX-License-Identifier: LGPL-2.1-or-later
# For the shell tests: the results go through the kernel tree's KTAP
# helpers (ktap_helpers.sh, in the tree 'make tree' assembles); this adds
# check, which keeps a command's arguments whole, the diagnostics, and a
# plan at the end, where the count is known. Source it; finish with
# tap_done, which returns non-zero on failure.

ktap_helpers=$(dirname "${BASH_SOURCE[0]}")/../../build/src/tools/testing/selftests/kselftest/ktap_helpers.sh
if [ ! -f "$ktap_helpers" ]; then
    echo "tests: no $ktap_helpers: run 'make tree' in the project first" >&2
    exit 1
fi
. "$ktap_helpers"
ktap_print_header

ok() { ktap_test_pass "$*"; }
not_ok() { ktap_test_fail "$*"; }
skip() { ktap_test_skip "$*"; }

# check DESCRIPTION COMMAND...: ok if COMMAND succeeds.
check() {
    local what=$1
    shift
    if "$@"; then ok "$what"; else not_ok "$what"; fi
}

# Diagnostics for the last failure.
diag() {
    printf '%s\n' "$@" | sed 's/^/# /'
}

# The pid (in our namespace) of a child of process $1.
child_of() {
    local parent=$1 stat pid
    for _ in $(seq 100); do
        for stat in /proc/[0-9]*/stat; do
            pid=${stat#/proc/}
            pid=${pid%/stat}
            if [ "$(awk '{print $4}' "$stat" 2>/dev/null)" = "$parent" ]; then
                echo "$pid"
                return 0
            fi
        done
        sleep 0.05
    done
    return 1
}

tap_done() {
    ktap_set_plan $((KTAP_TESTNO - 1))
    ktap_print_totals
    [ "$KTAP_CNT_FAIL" -eq 0 ]
}
