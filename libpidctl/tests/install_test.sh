#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# make install into a scratch DESTDIR, then build and run a two-line
# consumer with nothing but pkg-config's flags. Prints TAP.
# Usage: install_test.sh SRCDIR O MAKE
set -u
SRCDIR=${1:?usage: install_test.sh SRCDIR O MAKE}
O=${2:?}
MAKE=${3:-make}
. "$(dirname "$0")/tap.sh"

dest=$O/install-test
rm -rf "$dest"
mkdir -p "$dest"
prefix=/usr/local
if $MAKE -s -C "$SRCDIR" install DESTDIR="$dest/root" PREFIX=$prefix >"$dest/install.log" 2>&1; then
    ok "make install DESTDIR=... PREFIX=$prefix"
else
    not_ok "make install DESTDIR=... PREFIX=$prefix"
    diag "$(tail -20 "$dest/install.log")"
fi
root=$dest/root
for f in include/pidctl/pidctl.hpp include/pidctl/pid_namespace.hpp lib/libpidctl.a \
    lib/libpidctl.so lib/libpidctl.so.0 lib/pkgconfig/libpidctl.pc bin/pidctl \
    share/man/man1/pidctl.1; do
    check "installed $prefix/$f" test -e "$root$prefix/$f"
done
if [ -f "$SRCDIR/../man2/pidctl.2" ]; then
    check "installed $prefix/share/man/man2/pidctl.2" test -e "$root$prefix/share/man/man2/pidctl.2"
fi

cat >"$dest/consumer.cpp" <<'CPP'
#include <pidctl/pidctl.hpp>
int main() { auto self = pidctl::pid_namespace::current(); return pidctl::relation(self, self) == pidctl::ns_relation::equal ? 0 : 1; }
CPP
export PKG_CONFIG_SYSROOT_DIR=$root PKG_CONFIG_PATH=$root$prefix/lib/pkgconfig
flags=$(pkg-config --cflags --libs libpidctl)
check "pkg-config --cflags --libs libpidctl" test -n "$flags"
# No -std option: the public headers are also C++17 clean.
if g++ -o "$dest/consumer" "$dest/consumer.cpp" $flags 2>"$dest/build.log"; then
    ok "the consumer compiles and links with pkg-config's flags ($flags)"
else
    not_ok "the consumer compiles and links with pkg-config's flags ($flags)"
    diag "$(cat "$dest/build.log")"
fi
LD_LIBRARY_PATH=$root$prefix/lib "$dest/consumer"
check "the consumer runs against the installed shared library" test $? -eq 0
check "it uses the shared library" test -n "$(LD_LIBRARY_PATH=$root$prefix/lib ldd "$dest/consumer" | grep "$root")"
if g++ -o "$dest/consumer-static" "$dest/consumer.cpp" $(pkg-config --cflags libpidctl) \
    "$root$prefix/lib/libpidctl.a" 2>>"$dest/build.log" && "$dest/consumer-static"; then
    ok "the consumer links the static library and runs"
else
    not_ok "the consumer links the static library and runs"
fi
"$root$prefix/bin/pidctl" status >/dev/null
check "the installed CLI runs" test $? -eq 0
if command -v groff >/dev/null; then
    warnings=$(groff -man -ww -z "$root$prefix/share/man/man1/pidctl.1" 2>&1)
    check "pidctl(1) is groff -man -ww clean" test -z "$warnings"
    [ -z "$warnings" ] || diag "$warnings"
else
    skip "groff not installed"
fi
tap_done
