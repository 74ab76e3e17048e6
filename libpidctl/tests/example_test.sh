#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs examples/pid_chain against processes whose numbers we know. Prints TAP.
# Usage: example_test.sh PATH/TO/pid_chain
set -u
EXAMPLE=${1:?usage: example_test.sh PATH/TO/pid_chain}
. "$(dirname "$0")/tap.sh"

out=$("$EXAMPLE" $$)
check "pid_chain of ourselves: one namespace, our pid" \
    test "$out" = "pid:[$(stat -L -c %i /proc/self/ns/pid)] depth 0: $$"

"$EXAMPLE" >/dev/null 2>&1
check "pid_chain without arguments: usage, exit 2" test $? -eq 2

"$EXAMPLE" 4194305 >/dev/null 2>"${TMPDIR:-/tmp}/pid_chain.err.$$"
rc=$?
check "pid_chain of a missing process: exit 1, says why" \
    test $rc -eq 1 -a -n "$(grep -i 'no such process' "${TMPDIR:-/tmp}/pid_chain.err.$$")"
rm -f "${TMPDIR:-/tmp}/pid_chain.err.$$"

if [ "$(id -u)" -eq 0 ] && unshare --pid --fork true 2>/dev/null; then
    # init of a namespace two levels down: pid 1 there, 2 in the middle one
    unshare --pid --fork unshare --pid --fork sleep 300 >/dev/null 2>&1 </dev/null &
    outer=$!
    middle=$(child_of $outer)
    inner=$(child_of "$middle")
    out=$("$EXAMPLE" "$inner" | sed 's/^pid:\[[0-9]*\] //')
    expected=$(printf 'depth 2: 1\ndepth 1: 2\ndepth 0: %s' "$inner")
    check "pid_chain across two nested namespaces" test "$out" = "$expected"
    [ "$out" = "$expected" ] || diag "got:" "$out"
    kill -KILL "$middle" 2>/dev/null # init of the outer namespace: takes all along
    wait $outer 2>/dev/null
else
    skip "nested namespaces need root"
fi
tap_done
