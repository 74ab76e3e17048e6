#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# After a plain build (PREFIX /usr/local): make install into scratch
# DESTDIRs with other prefixes, then build and run a consumer with nothing
# but pkg-config's flags, shared and static. Prints TAP.
# Usage: install_test.sh SRCDIR O MAKE
set -u
SRCDIR=${1:?usage: install_test.sh SRCDIR O MAKE}
O=${2:?}
MAKE=${3:-make}
. "$(dirname "$0")/tap.sh"
version=$(sed -n 's/^#define PIDCTL_VERSION_STRING "\(.*\)"/\1/p' "$SRCDIR/include/pidctl/config.hpp")
soversion=${version%%.*}

dest=$O/install-test
rm -rf "$dest"
mkdir -p "$dest"

cat >"$dest/consumer.cpp" <<'CPP'
#include <pidctl/pidctl.hpp>
int main() { auto self = pidctl::pid_namespace::current(); return pidctl::relation(self, self) == pidctl::ns_relation::equal ? 0 : 1; }
CPP

# install_into PREFIX: make install DESTDIR=$dest/PREFIX-without-slashes.
install_into() {
    local prefix=$1 root=$dest/root${1//\//_}
    if $MAKE -s -C "$SRCDIR" install DESTDIR="$root" PREFIX="$prefix" >"$root.log" 2>&1; then
        ok "make install DESTDIR=... PREFIX=$prefix"
    else
        not_ok "make install DESTDIR=... PREFIX=$prefix"
        diag "$(tail -20 "$root.log")"
    fi
}

# The check target built everything with the default PREFIX (/usr/local).
# The .pc file used to be made then, and installed as it was.
prefix=/usr
root=$dest/root${prefix//\//_}
install_into $prefix
for f in include/pidctl/pidctl.hpp include/pidctl/pid_namespace.hpp lib/libpidctl.a \
    lib/libpidctl.so lib/libpidctl.so.$soversion lib/libpidctl.so.$version \
    lib/pkgconfig/libpidctl.pc bin/pidctl share/man/man1/pidctl.1; do
    check "installed $prefix/$f" test -e "$root$prefix/$f"
done
if [ -f "$SRCDIR/../man2/pidctl.2" ]; then
    check "installed $prefix/share/man/man2/pidctl.2" test -e "$root$prefix/share/man/man2/pidctl.2"
fi
pc=$root$prefix/lib/pkgconfig/libpidctl.pc
check "libpidctl.pc has the PREFIX of the install (prefix=$prefix), not of the build" \
    grep -qx "prefix=$prefix" "$pc"
check "... and its libdir and includedir" \
    sh -c "grep -qx 'libdir=$prefix/lib' '$pc' && grep -qx 'includedir=$prefix/include' '$pc'"
grep -qx "prefix=$prefix" "$pc" || diag "$(cat "$pc")"
check "libpidctl.pc says version $version" grep -qx "Version: $version" "$pc"

export PKG_CONFIG_SYSROOT_DIR=$root PKG_CONFIG_LIBDIR=$root$prefix/lib/pkgconfig PKG_CONFIG_PATH=
flags=$(pkg-config --cflags --libs libpidctl)
check "pkg-config --cflags --libs libpidctl" test -n "$flags"
# No -std option: the public headers are also C++17 clean.
# shellcheck disable=SC2086
if g++ -o "$dest/consumer" "$dest/consumer.cpp" $flags 2>"$dest/build.log"; then
    ok "the consumer compiles and links with pkg-config's flags ($flags)"
else
    not_ok "the consumer compiles and links with pkg-config's flags ($flags)"
    diag "$(cat "$dest/build.log")"
fi
LD_LIBRARY_PATH=$root$prefix/lib "$dest/consumer"
check "the consumer runs against the installed shared library" test $? -eq 0
check "it uses the installed libpidctl.so.$soversion" \
    test -n "$(LD_LIBRARY_PATH=$root$prefix/lib ldd "$dest/consumer" | grep "libpidctl.so.$soversion => $root")"

# README, "Static linking": pkg-config --static and -static, or libpidctl
# alone with -Wl,-Bstatic.
static_flags=$(pkg-config --static --cflags --libs libpidctl)
# shellcheck disable=SC2086
if g++ -static -o "$dest/consumer-static" "$dest/consumer.cpp" $static_flags 2>>"$dest/build.log" &&
    "$dest/consumer-static"; then
    ok "g++ -static ... \$(pkg-config --static --cflags --libs libpidctl) links and runs"
else
    not_ok "g++ -static ... \$(pkg-config --static --cflags --libs libpidctl) links and runs"
    diag "$(tail -5 "$dest/build.log")"
fi
check "... a static executable" sh -c "readelf -d '$dest/consumer-static' 2>&1 | grep -q 'no dynamic section'"
# shellcheck disable=SC2086
if g++ -o "$dest/consumer-bstatic" "$dest/consumer.cpp" $(pkg-config --cflags libpidctl) \
    -Wl,-Bstatic $(pkg-config --static --libs libpidctl) -Wl,-Bdynamic 2>>"$dest/build.log" &&
    "$dest/consumer-bstatic"; then
    ok "-Wl,-Bstatic \$(pkg-config --static --libs libpidctl) -Wl,-Bdynamic links and runs"
else
    not_ok "-Wl,-Bstatic \$(pkg-config --static --libs libpidctl) -Wl,-Bdynamic links and runs"
fi
check "... without libpidctl.so" test -z "$(ldd "$dest/consumer-bstatic" | grep libpidctl)"
unset PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_LIBDIR PKG_CONFIG_PATH

"$root$prefix/bin/pidctl" status >/dev/null
check "the installed CLI runs" test $? -eq 0
if command -v groff >/dev/null; then
    warnings=$(groff -man -ww -z "$root$prefix/share/man/man1/pidctl.1" 2>&1)
    check "pidctl(1) is groff -man -ww clean" test -z "$warnings"
    [ -z "$warnings" ] || diag "$warnings"
else
    skip "groff not installed"
fi

# Another prefix right after: nothing of the previous install lingers.
install_into /opt/pidctl
check "a second install with PREFIX=/opt/pidctl writes prefix=/opt/pidctl" \
    grep -qx "prefix=/opt/pidctl" "$dest/root_opt_pidctl/opt/pidctl/lib/pkgconfig/libpidctl.pc"
install_into /usr/local
check "... and the default PREFIX /usr/local" \
    grep -qx "prefix=/usr/local" "$dest/root_usr_local/usr/local/lib/pkgconfig/libpidctl.pc"

# GNU conventions: CXXFLAGS and LDFLAGS on every link line, CXXFLAGS and
# CPPFLAGS on every compile line. A dry run of a full build shows them.
dry=$($MAKE -s -n -B -C "$SRCDIR" O="$dest/flags" CXXFLAGS="-O1 -DCXXFLAGS_MARK" \
    CPPFLAGS=-DCPPFLAGS_MARK LDFLAGS=-Wl,-z,now all tests vm-tests 2>&1)
links=$(printf '%s\n' "$dry" | grep '^g++ ' | grep -v ' -c ')
compiles=$(printf '%s\n' "$dry" | grep '^g++ ' | grep ' -c ' | grep -v fsanitize)
check "a full build has link lines" test -n "$links"
check "every link line has CXXFLAGS" test -z "$(printf '%s\n' "$links" | grep -v CXXFLAGS_MARK)"
check "every link line has LDFLAGS" test -z "$(printf '%s\n' "$links" | grep -v -- '-Wl,-z,now')"
[ -z "$(printf '%s\n' "$links" | grep -v -- '-Wl,-z,now')" ] ||
    diag "$(printf '%s\n' "$links" | grep -v -- '-Wl,-z,now' | head -3)"
check "a full build has compile lines" test -n "$compiles"
check "every compile line has CXXFLAGS and CPPFLAGS" \
    test -z "$(printf '%s\n' "$compiles" | grep -v CXXFLAGS_MARK)$(printf '%s\n' "$compiles" | grep -v CPPFLAGS_MARK)"
check "CXXFLAGS replaces the default -O2 -g" test -z "$(printf '%s\n' "$compiles" | grep -- ' -O2 ')"

# Installing just the library: make lib and make install set up only
# libpidctl/DEPENDS, not the kernel toolchain of mk/packages.
top=$(cd "$SRCDIR/.." && pwd)
if [ -x "$top/mk/setup" ] && [ -f "$top/Makefile" ]; then
    steps=$($MAKE -n -C "$top" lib install 2>&1 | grep 'mk/setup')
    check "make lib and make install run mk/setup --lib, and only that" \
        test -n "$steps" -a -z "$(printf '%s\n' "$steps" | grep -v 'mk/setup --lib')"
    [ -n "$steps" ] || diag "$($MAKE -n -C "$top" lib install 2>&1 | head -5)"
    fake=$dest/fake-bin
    mkdir -p "$fake"
    # Every package missing; apt-get records what it is asked for.
    printf '#!/bin/sh\necho not-installed\n' >"$fake/dpkg-query"
    printf '#!/bin/sh\necho "$*" >>"%s"\n' "$dest/apt-get.log" >"$fake/apt-get"
    printf '#!/bin/sh\necho 0\n' >"$fake/id"
    chmod 755 "$fake"/*
    PATH=$fake:$PATH "$top/mk/setup" --lib >"$dest/setup.log" 2>&1
    asked=$(sed -n 's/^install -y -qq --no-install-recommends //p' "$dest/apt-get.log" 2>/dev/null |
        tr ' ' '\n' | sort | tr '\n' ' ')
    wanted=$(sed 's/#.*//' "$SRCDIR/DEPENDS" | tr -s ' \t' '\n' | sed '/^$/d' | sort | tr '\n' ' ')
    check "mk/setup --lib installs exactly libpidctl/DEPENDS ($(echo $wanted | wc -w) packages)" \
        test -n "$asked" -a "$asked" = "$wanted"
    [ "$asked" = "$wanted" ] || diag "asked: $asked" "DEPENDS: $wanted" "$(cat "$dest/setup.log")"
    check "... no kernel toolchain among them" \
        test -z "$(printf '%s' "$asked" | grep -E 'linux-source|qemu|aarch64|multilib|busybox')"
else
    skip "not in the pidctl repository: no mk/setup"
fi
tap_done
