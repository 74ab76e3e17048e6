#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Tests of the pidctl CLI: results, --json, exit codes, one-line errors that
# name the errno. Prints TAP. Usage: cli_test.sh PATH/TO/pidctl
set -u
PIDCTL=${1:?usage: cli_test.sh PATH/TO/pidctl}
. "$(dirname "$0")/tap.sh"

tmp=$(mktemp -d)
started=()
cleanup() {
    local pid
    for pid in "${started[@]}"; do kill -KILL "$pid" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

# run CMD...: sets OUT, ERR, RC.
run() {
    OUT=$("$@" 2>"$tmp/err")
    RC=$?
    ERR=$(cat "$tmp/err")
}

json_get() { # json_get EXPR TEXT: python expression on the parsed object `j`
    python3 -c 'import json,sys; j=json.loads(sys.argv[2]); print(eval(sys.argv[1]))' "$1" "$2"
}

one_line() { [ "$(printf '%s\n' "$ERR" | wc -l)" -eq 1 ]; }

# Starts a process that is init of a new pid namespace; sets INIT to its pid.
# Both are killed at the end: killing unshare alone leaves its child, the
# namespace's init, running for the rest of its 300 s.
new_namespace_init() {
    unshare --pid --fork sleep 300 >/dev/null 2>&1 </dev/null &
    started+=($!)
    INIT=$(child_of $!)
    started+=("$INIT")
}

# --- help and status ----------------------------------------------------------

run "$PIDCTL" --help
check "--help exits 0 and documents exit codes" \
    test "$RC" -eq 0 -a -n "$(printf '%s' "$OUT" | grep 'Exit status')"
for cmd in translate relation signal status; do
    run "$PIDCTL" "$cmd" --help
    check "$cmd --help shows its usage" \
        test "$RC" -eq 0 -a -n "$(printf '%s' "$OUT" | grep "Usage: pidctl $cmd")"
done
run "$PIDCTL" help relation
check "help COMMAND" test "$RC" -eq 0 -a -n "$(printf '%s' "$OUT" | grep 'pidctl relation NS NS')"

run "$PIDCTL" status
check "status names the backend and kernel" \
    test "$RC" -eq 0 -a -n "$(printf '%s' "$OUT" | grep '^backend:')" \
    -a -n "$(printf '%s' "$OUT" | grep "$(uname -r)")"
run "$PIDCTL" status --json
check "status --json parses" test "$(json_get 'j["kernel"]["release"]' "$OUT")" = "$(uname -r)"
backend=$(json_get 'j["backend"]' "$OUT")
native=$(json_get 'j["available"]["native"]' "$OUT")
check "status --json names a concrete backend" \
    test "$backend" = native -o "$backend" = nsfs -o "$backend" = procfs

# --- translate and relation, with every backend that works here --------------

if [ "$(id -u)" -ne 0 ] || ! unshare --pid --fork true 2>/dev/null; then
    skip "namespace tests need root and unshare --pid"
    tap_done
    exit
fi
new_namespace_init
child=$INIT
new_namespace_init
other=$INIT
check "started two child pid namespaces" test -n "$child" -a -n "$other"

backends="nsfs procfs auto"
[ "$native" = True ] && backends="native $backends"
for b in $backends; do
    run "$PIDCTL" --backend "$b" translate 1 --from "$child" --to self
    check "[$b] translate 1 --from CHILD --to self prints the child init's pid" \
        test "$RC" -eq 0 -a "$OUT" = "$child"
    run "$PIDCTL" translate "$child" --from self --to "/proc/$child/ns/pid" --backend "$b"
    check "[$b] translate CHILD --from self --to PATH prints 1" test "$RC" -eq 0 -a "$OUT" = 1
    run "$PIDCTL" --json --backend "$b" translate 1 --from "$child"
    check "[$b] translate --json parses, --to defaults to self" \
        test "$RC" -eq 0 -a "$(json_get 'j["result"]' "$OUT")" = "$child"
    run "$PIDCTL" --backend "$b" relation self "$child"
    check "[$b] relation self CHILD" test "$RC" -eq 0 -a "$OUT" = source_is_ancestor
    run "$PIDCTL" --backend "$b" relation "$child" self
    check "[$b] relation CHILD self" test "$RC" -eq 0 -a "$OUT" = target_is_ancestor
    run "$PIDCTL" --backend "$b" relation "$child" "$other"
    check "[$b] relation of sibling namespaces" test "$RC" -eq 0 -a "$OUT" = unrelated
    run "$PIDCTL" --backend "$b" --json relation self "/proc/$$/ns/pid_for_children"
    check "[$b] relation --json parses" \
        test "$RC" -eq 0 -a "$(json_get 'j["relation"]' "$OUT")" = equal
done

# --- errors: one line, errno named, documented exit codes ---------------------

run "$PIDCTL" translate 4194305
check "no such process: exit 3, ESRCH, one line" \
    test "$RC" -eq 3 -a -n "$(printf '%s' "$ERR" | grep ESRCH)" -a -z "$OUT"
check "... with a hint" test -n "$(printf '%s' "$ERR" | grep 'hint:')"
one_line && ok "... on one line" || not_ok "... on one line"
run "$PIDCTL" translate $$ --from self --to "$child"
check "no number in the target: exit 3, ENOENT" \
    test "$RC" -eq 3 -a -n "$(printf '%s' "$ERR" | grep ENOENT)"
run "$PIDCTL" relation self /dev/null
check "not a pid namespace: exit 1, EINVAL" \
    test "$RC" -eq 1 -a -n "$(printf '%s' "$ERR" | grep EINVAL)"
run "$PIDCTL" relation self /nonexistent/ns
check "missing path: exit 3, ENOENT" test "$RC" -eq 3 -a -n "$(printf '%s' "$ERR" | grep ENOENT)"
run "$PIDCTL" relation self 4194305
check "NS naming a missing process: exit 3, ESRCH" \
    test "$RC" -eq 3 -a -n "$(printf '%s' "$ERR" | grep ESRCH)"
run "$PIDCTL" --json translate 4194305
check "--json errors are JSON on stderr" \
    test "$RC" -eq 3 -a "$(json_get 'j["error"]' "$ERR")" = ESRCH -a -z "$OUT"
one_line && ok "... on one line" || not_ok "... on one line"

if [ "$native" = True ]; then
    skip "--backend native works on this kernel: no ENOSYS to see"
    skip "PIDCTL_BACKEND=native works on this kernel"
else
    run "$PIDCTL" --backend native translate 1 --from "$child"
    check "--backend native without pidctl(): exit 4, ENOSYS" \
        test "$RC" -eq 4 -a -n "$(printf '%s' "$ERR" | grep ENOSYS)"
    run env PIDCTL_BACKEND=native "$PIDCTL" translate 1 --from "$child"
    check "PIDCTL_BACKEND=native without pidctl(): exit 4, ENOSYS" \
        test "$RC" -eq 4 -a -n "$(printf '%s' "$ERR" | grep ENOSYS)"
fi
run env PIDCTL_BACKEND=procfs "$PIDCTL" status --json
check "PIDCTL_BACKEND chooses the backend" \
    test "$(json_get 'j["backend"] + "/" + j["chosen_by"]' "$OUT")" = procfs/PIDCTL_BACKEND
run env PIDCTL_BACKEND=bogus "$PIDCTL" translate 1 --from "$child"
check "an invalid PIDCTL_BACKEND warns and falls back to auto" \
    test "$RC" -eq 0 -a "$OUT" = "$child" -a -n "$(printf '%s' "$ERR" | grep warning)"

for args in "bogus" "translate" "translate abc" "translate 0" "translate 1 2" \
    "translate 1 --ns self" "translate 1 --from" "relation self" "signal 1" \
    "signal 1 NOSUCHSIGNAL" "--backend bogus status" "status extra" "--frobnicate status"; do
    # shellcheck disable=SC2086
    run "$PIDCTL" $args
    check "usage error exits 2: pidctl $args" test "$RC" -eq 2 -a -n "$ERR" -a -z "$OUT"
done

# --- signal -------------------------------------------------------------------

sleep 300 >/dev/null 2>&1 </dev/null &
victim=$!
started+=("$victim")
run "$PIDCTL" signal "$victim" 0
check "signal PID 0 checks existence" test "$RC" -eq 0
run "$PIDCTL" --json signal "$victim" SIGTERM
check "signal --json parses" test "$RC" -eq 0 -a "$(json_get 'j["signal"]' "$OUT")" = 15
wait "$victim"
check "the signal arrived (TERM)" test $? -eq 143
run "$PIDCTL" signal 1 kill --ns "$child"
check "signal 1 KILL --ns CHILD kills the child namespace's init" test "$RC" -eq 0
for _ in $(seq 100); do [ -d "/proc/$child" ] || break; sleep 0.05; done
check "... which is gone" test ! -d "/proc/$child"
run "$PIDCTL" signal 4194305 TERM
check "signal to a missing process: exit 3, ESRCH" \
    test "$RC" -eq 3 -a -n "$(printf '%s' "$ERR" | grep ESRCH)"
run "$PIDCTL" signal 1 RTMIN+1 --ns 4194305
check "signal with a missing NS: exit 3" test "$RC" -eq 3

tap_done
