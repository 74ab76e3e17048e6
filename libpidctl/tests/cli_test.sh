#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Tests of the pidctl CLI: results, --json, exit codes, one-line errors that
# name the errno. Prints TAP. Usage: cli_test.sh PATH/TO/pidctl
set -u
PIDCTL=${1:?usage: cli_test.sh PATH/TO/pidctl}
here=$(cd "$(dirname "$0")" && pwd)
SRCDIR=$(dirname "$here")
MAN=$SRCDIR/man/pidctl.1
. "$here/tap.sh"

tmp=$(mktemp -d)
started=()
cleanup() {
    local pid
    for pid in "${started[@]}"; do kill -KILL "$pid" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

# A FIFO as NS used to block pidctl forever: every run is bounded. The
# wrapper is an executable, for env, unshare and setpriv (as nobody). It
# runs a copy of the CLI (linked statically to libpidctl) from $tmp, which
# nobody can reach wherever the project is, in /root for one.
chmod 755 "$tmp"
cp "$PIDCTL" "$tmp/pidctl.bin"
printf '#!/bin/sh\nexec timeout 20 "%s" "$@"\n' "$tmp/pidctl.bin" >"$tmp/pidctl"
chmod 755 "$tmp/pidctl"
PIDCTL=$tmp/pidctl

# run CMD...: sets OUT, ERR, RC.
run() {
    OUT=$("$@" 2>"$tmp/err")
    RC=$?
    ERR=$(cat "$tmp/err")
}

json_get() { # json_get EXPR TEXT: python expression on the parsed object `j`
    python3 -c 'import json,sys; j=json.loads(sys.argv[2]); print(eval(sys.argv[1]))' "$1" "$2"
}

# json_file EXPR FILE: as json_get, on the bytes of FILE (json.loads of
# bytes: they must be valid UTF-8 JSON, whatever the input was).
json_file() {
    python3 -c 'import json,sys; j=json.loads(open(sys.argv[2],"rb").read()); print(eval(sys.argv[1]))' "$1" "$2"
}

# The keys of a JSON object, nested ones too, one a line.
json_keys() {
    python3 -c '
import json, sys
def walk(o):
    for k, v in o.items():
        print(k)
        if isinstance(v, dict):
            walk(v)
walk(json.loads(sys.argv[1]))' "$1"
}

# Whether every key of the JSON object $1 is documented in pidctl(1).
keys_in_man() {
    local key missing=
    for key in $(json_keys "$1"); do
        grep -q "^\.B[RI]* \"\?$key\b\|\\fB$key\\fR" "$MAN" || missing="$missing $key"
    done
    [ -z "$missing" ] || diag "not in pidctl(1):$missing"
    [ -z "$missing" ]
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

version=$(sed -n 's/^#define PIDCTL_VERSION_STRING "\(.*\)"/\1/p' "$SRCDIR/include/pidctl/config.hpp")
for opt in --version -V; do
    run "$PIDCTL" $opt
    check "$opt prints the version, $version" test "$RC" -eq 0 -a "$OUT" = "pidctl from libpidctl $version"
done
check "pidctl(1) is of the same version" grep -q "^\.TH PIDCTL 1 .* \"libpidctl $version\"" "$MAN"
run "$PIDCTL" -J --version
check "-J --version is JSON" test "$RC" -eq 0 -a "$(json_get 'j["version"]' "$OUT")" = "$version"

# Every exit status is documented alike in --help and pidctl(1).
run "$PIDCTL" --help
help_codes=$(printf '%s\n' "$OUT" | sed -n '/^Exit status:/,$p' | sed -n 's/^  \([0-9]\)  .*/\1/p' | tr '\n' ' ')
man_codes=$(sed -n '/^\.SH EXIT STATUS/,/^\.SH /p' "$MAN" | sed -n 's/^\.B \([0-9]\)$/\1/p' | tr '\n' ' ')
check "exit statuses 0-7 in --help" test "$help_codes" = "0 1 2 3 4 5 6 7 "
check "the same exit statuses in pidctl(1)" test "$man_codes" = "$help_codes"
[ "$man_codes" = "$help_codes" ] || diag "help: $help_codes" "man: $man_codes"
for opt in -J --json -V --version -h --help --backend --from --to --ns; do
    check "$opt is in --help and pidctl(1)" sh -c \
        "'$PIDCTL' --help | grep -q -- '$opt\b' && grep -q -- '$(printf '%s' "$opt" | sed 's/-/\\\\-/g')' '$MAN'"
done

run "$PIDCTL" status
check "status names the backend and kernel" \
    test "$RC" -eq 0 -a -n "$(printf '%s' "$OUT" | grep '^backend:')" \
    -a -n "$(printf '%s' "$OUT" | grep "$(uname -r)")"
run "$PIDCTL" status --json
check "status --json parses" test "$(json_get 'j["kernel"]["release"]' "$OUT")" = "$(uname -r)"
check "status: every JSON key is in pidctl(1)" keys_in_man "$OUT"
status_json=$OUT
run "$PIDCTL" status -J
check "-J is --json" test "$RC" -eq 0 -a "$(json_get 'j["backend"]' "$OUT")" = "$(json_get 'j["backend"]' "$status_json")"
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

fifo=$tmp/fifo
mkfifo "$fifo"

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
    check "[$b] ... namespace ids are integers, the type in its own key" \
        test "$(json_get 'repr((j["from"]["ns"], j["from"]["type"], j["to"]["ns"]))' "$OUT")" \
        = "($(stat -L -c %i "/proc/$child/ns/pid"), 'pid', $(stat -L -c %i /proc/self/ns/pid))"
    check "[$b] ... every key is in pidctl(1)" keys_in_man "$OUT"
    run "$PIDCTL" --backend "$b" relation self "$child"
    check "[$b] relation self CHILD" test "$RC" -eq 0 -a "$OUT" = source_is_ancestor
    run "$PIDCTL" --backend "$b" relation "$child" self
    check "[$b] relation CHILD self" test "$RC" -eq 0 -a "$OUT" = target_is_ancestor
    run "$PIDCTL" --backend "$b" relation "$child" "$other"
    check "[$b] relation of sibling namespaces" test "$RC" -eq 0 -a "$OUT" = unrelated
    run "$PIDCTL" --backend "$b" --json relation self "/proc/$$/ns/pid_for_children"
    check "[$b] relation --json parses" \
        test "$RC" -eq 0 -a "$(json_get 'j["relation"]' "$OUT")" = equal
    check "[$b] ... every key is in pidctl(1)" keys_in_man "$OUT"
    run "$PIDCTL" --backend "$b" translate 1 --from "$fifo" --to self
    check "[$b] a FIFO as NS fails at once: exit 6, EINVAL" \
        test "$RC" -eq 6 -a -n "$(printf '%s' "$ERR" | grep EINVAL)"
done

# --- errors: one line, errno named, documented exit codes ---------------------

run "$PIDCTL" translate 4194305
check "no such process: exit 3, ESRCH, one line" \
    test "$RC" -eq 3 -a -n "$(printf '%s' "$ERR" | grep ESRCH)" -a -z "$OUT"
check "... with a hint" test -n "$(printf '%s' "$ERR" | grep 'hint:')"
one_line && ok "... on one line" || not_ok "... on one line"
run "$PIDCTL" translate $$ --from self --to "$child"
check "no number in the target: exit 5, ENOENT" \
    test "$RC" -eq 5 -a -n "$(printf '%s' "$ERR" | grep ENOENT)"
run "$PIDCTL" relation self /dev/null
check "not a pid namespace: exit 6, EINVAL" \
    test "$RC" -eq 6 -a -n "$(printf '%s' "$ERR" | grep EINVAL)"
run "$PIDCTL" relation self /nonexistent/ns
check "a missing namespace file: exit 6 (not 3, no such process), ENOENT" \
    test "$RC" -eq 6 -a -n "$(printf '%s' "$ERR" | grep ENOENT)"
run "$PIDCTL" relation self 4194305
check "NS naming a missing process: exit 3, ESRCH" \
    test "$RC" -eq 3 -a -n "$(printf '%s' "$ERR" | grep ESRCH)"
run "$PIDCTL" --json translate 4194305
check "--json errors are JSON on stderr" \
    test "$RC" -eq 3 -a "$(json_get 'j["errno"] + "/" + j["error"]' "$ERR")" = ESRCH/no_such_process \
    -a -z "$OUT"
check "... with the exit status" test "$(json_get 'j["exit_status"]' "$ERR")" = 3
one_line && ok "... on one line" || not_ok "... on one line"
run "$PIDCTL" -J relation self /nonexistent/ns
check "-J errors are JSON, errno named" test "$RC" -eq 6 -a "$(json_get 'j["errno"]' "$ERR")" = ENOENT

# Bytes that are no UTF-8 (and some that are) in an argument end up in
# the JSON: it must still parse.
odd=$tmp/$(printf 'caf\xc3\xa9-\xff\xfe-\xe2\x82')
touch "$odd"
"$PIDCTL" -J relation self "$odd" 2>"$tmp/odd.json"
check "JSON of a path with invalid UTF-8 parses (json.loads on bytes)" \
    test "$(json_file 'j["errno"]' "$tmp/odd.json")" = EINVAL
kept="j['context'].endswith('caf\\u00e9-\\ufffd\\ufffd-\\ufffd\\ufffd\\x27')"
check "... valid UTF-8 is kept, invalid bytes become U+FFFD" \
    test "$(json_file "$kept" "$tmp/odd.json")" = True
[ "$(json_file "$kept" "$tmp/odd.json")" = True ] || diag "$(json_file 'ascii(j["context"])' "$tmp/odd.json")"

# Hints speak of the failed operation.
run "$PIDCTL" translate 4194305
check "a translate's ESRCH hint does not speak of signals" \
    test -z "$(printf '%s' "$ERR" | grep -i signal)"
for b in nsfs native; do
    [ "$b" = native ] && [ "$native" != True ] && continue
    run unshare --pid --fork "$PIDCTL" --backend "$b" relation self "/proc/$other/ns/pid"
    check "[$b] relation to a namespace beside the caller's line: exit 7, EPERM" \
        test "$RC" -eq 7 -a -n "$(printf '%s' "$ERR" | grep EPERM)"
    check "[$b] ... its hint speaks of relations, not signals" \
        test -n "$(printf '%s' "$ERR" | grep 'hint: .*line')" -a -z "$(printf '%s' "$ERR" | grep -i signal)"
done
if setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
    run setpriv --reuid=65534 --regid=65534 --clear-groups "$PIDCTL" signal 1 0
    check "signal to a process of another user: exit 7, EPERM, a hint on signalling" \
        test "$RC" -eq 7 -a -n "$(printf '%s' "$ERR" | grep 'EPERM.*hint: .*signalling')"
else
    skip "setpriv cannot drop to nobody here"
fi

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
run "$PIDCTL" --backend native status
by_option="$RC:$(printf '%s\n' "$OUT" | sed 's/(chosen by .*)//')"
run env PIDCTL_BACKEND=native "$PIDCTL" status
by_env="$RC:$(printf '%s\n' "$OUT" | sed 's/(chosen by .*)//')"
check "--backend native status is PIDCTL_BACKEND=native status" test "$by_option" = "$by_env"
check "... both show native" test -n "$(printf '%s' "$by_env" | grep '^0:backend: *native')"
[ "$by_option" = "$by_env" ] || diag "--backend: $by_option" "env: $by_env"
run env PIDCTL_BACKEND=procfs "$PIDCTL" status --json
check "PIDCTL_BACKEND chooses the backend" \
    test "$(json_get 'j["backend"] + "/" + j["chosen_by"]' "$OUT")" = procfs/PIDCTL_BACKEND
run env PIDCTL_BACKEND=bogus "$PIDCTL" translate 1 --from "$child"
check "an invalid PIDCTL_BACKEND warns and falls back to auto" \
    test "$RC" -eq 0 -a "$OUT" = "$child" -a -n "$(printf '%s' "$ERR" | grep warning)"

for args in "bogus" "translate" "translate abc" "translate 0" "translate 1 2" \
    "translate 1 --ns self" "translate 1 --from" "relation self" "signal 1" \
    "signal 1 NOSUCHSIGNAL" "--backend bogus status" "status extra" "--frobnicate status" \
    "--json --json status" "-J --json status" "status -V -V" \
    "translate 1 --from self --from self" "translate 1 --to=self --to self" \
    "--backend nsfs --backend nsfs status" "signal 1 -9 -KILL" "signal 1 9 -KILL" \
    "translate 99999999999" "relation self 99999999999"; do
    # shellcheck disable=SC2086
    run "$PIDCTL" $args
    check "usage error exits 2: pidctl $args" test "$RC" -eq 2 -a -n "$ERR" -a -z "$OUT"
    # shellcheck disable=SC2086
    run "$PIDCTL" -J $args
    check "... in JSON with errno EINVAL" test "$(json_get 'j["errno"] + "/" + j["error"]' "$ERR")" = EINVAL/usage
done
run "$PIDCTL" translate 1 --from self --from self
check "a repeated option is named as such" test -n "$(printf '%s' "$ERR" | grep "'--from' given more than once")"
run "$PIDCTL" translate 99999999999
check "a PID beyond pid_t says 'out of range'" test -n "$(printf '%s' "$ERR" | grep 'out of range')"
run "$PIDCTL" relation self 99999999999
check "... also as NS" test -n "$(printf '%s' "$ERR" | grep 'out of range')"
run "$PIDCTL" translate -- -5
check "a negative PID must be positive" test "$RC" -eq 2 -a -n "$(printf '%s' "$ERR" | grep 'positive')"

# --- signal -------------------------------------------------------------------

sleep 300 >/dev/null 2>&1 </dev/null &
victim=$!
started+=("$victim")
run "$PIDCTL" signal "$victim" 0
check "signal PID 0 checks existence" test "$RC" -eq 0
run "$PIDCTL" --json signal "$victim" SIGTERM
check "signal --json parses" test "$RC" -eq 0 -a "$(json_get 'j["signal"]' "$OUT")" = 15
check "... every key is in pidctl(1)" keys_in_man "$OUT"
check "... the namespace as lsns has it" \
    test "$(json_get 'j["ns"]["ns"]' "$OUT")" = "$(stat -L -c %i /proc/self/ns/pid)"
wait "$victim"
check "the signal arrived (TERM)" test $? -eq 143
# kill(1) syntax: -9, -KILL, before or after the PID.
for form in "VICTIM -9" "VICTIM -KILL" "-SIGKILL VICTIM"; do
    sleep 300 >/dev/null 2>&1 </dev/null &
    victim=$!
    started+=("$victim")
    run "$PIDCTL" signal ${form/VICTIM/$victim}
    { wait "$victim"; } 2>/dev/null
    status=$?
    check "signal $form (kill(1) syntax) kills it" test "$RC" -eq 0 -a "$status" -eq 137
done
# pidctl(1)'s example: a namespace's init gets from outside only KILL, STOP
# and what it handles; sleep handles nothing.
run "$PIDCTL" signal 1 TERM --ns "$child"
sleep 0.3
check "signal 1 TERM --ns CHILD is sent (exit 0), and the init ignores it" \
    test "$RC" -eq 0 -a -d "/proc/$child"
run "$PIDCTL" signal 1 KILL --ns "$child"
check "signal 1 KILL --ns CHILD kills the child namespace's init" test "$RC" -eq 0
for _ in $(seq 100); do [ -d "/proc/$child" ] || break; sleep 0.05; done
check "... which is gone" test ! -d "/proc/$child"
check "pidctl(1)'s example is the KILL one" grep -q 'pidctl signal 1 KILL \\-\\-ns 4243' "$MAN"
run "$PIDCTL" signal 4194305 TERM
check "signal to a missing process: exit 3, ESRCH" \
    test "$RC" -eq 3 -a -n "$(printf '%s' "$ERR" | grep ESRCH)"
run "$PIDCTL" signal 1 RTMIN+1 --ns 4194305
check "signal with a missing NS: exit 3" test "$RC" -eq 3

tap_done
