# SPDX-License-Identifier: LGPL-2.1-or-later
# Minimal TAP producer for the shell tests: source it, call ok/not_ok/check,
# finish with tap_done (prints the plan, returns non-zero on failure).

tap_count=0
tap_failed=0

ok() {
    tap_count=$((tap_count + 1))
    echo "ok $tap_count - $*"
}

not_ok() {
    tap_count=$((tap_count + 1))
    tap_failed=$((tap_failed + 1))
    echo "not ok $tap_count - $*"
}

skip() {
    tap_count=$((tap_count + 1))
    echo "ok $tap_count - $* # SKIP"
}

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
    echo "1..$tap_count"
    [ "$tap_failed" -eq 0 ]
}
