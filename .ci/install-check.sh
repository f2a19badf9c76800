#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Checks what `make install` installs, and that `make uninstall` takes it
# all away again.
#
#   .ci/install-check.sh BUILDDIR
#
# BUILDDIR is a configured (and usually built) build directory, in-tree or
# not, configured with any --prefix (and --libdir, --mandir, ...).  The
# script runs `make install DESTDIR=$tmp` there and compares every file and
# symlink under $tmp with the expected list, exactly (an extra or a missing
# file fails):
#
#   $libdir/libfastbump.so.C.A.R and the symlinks .so.C and .so (shared
#       library, version from -version-info C:R:A; .so.C -> .so.C.A.R)
#   $libdir/libfastbump.la   libtool installs it by default; it stays
#   $libdir/libfastbump.a    upstream's default builds it (LT_INIT): expected
#                            unless configured --disable-static
#   $includedir/fastbump.h
#   $libdir/pkgconfig/fastbump.pc
#   $mandir/man3/NAME.3      one for each man/*.3 of the source tree
#
# (--disable-shared drops the shared library and its symlinks.)  It also
# checks that fastbump.pc names the configured prefix and that no installed
# file mentions the DESTDIR.  Then `make uninstall DESTDIR=$tmp` must leave
# nothing but (empty) directories.
set -euo pipefail
die() { printf 'install-check: FAIL: %s\n' "$*" >&2; exit 1; }

[ $# -eq 1 ] || { echo "usage: $0 BUILDDIR" >&2; exit 2; }
build=$(cd "$1" && pwd)
[ -f "$build/Makefile" ] && [ -x "$build/libtool" ] ||
	die "$build is not a configured libfastbump build directory"

# the build's own idea of its directories, expanded by make
mkvar() {
	printf 'print-var:\n\t@echo $(%s)\n' "$1" |
		make -s --no-print-directory -C "$build" -f Makefile -f - print-var
}
prefix=$(mkvar prefix)
libdir=$(mkvar libdir)
includedir=$(mkvar includedir)
mandir=$(mkvar mandir)
pkgconfigdir=$(mkvar pkgconfigdir)
srcdir=$(cd "$build" && cd "$(mkvar srcdir)" && pwd)
ltver=$(mkvar LT_VERSION_INFO)
IFS=: read -r current revision age <<<"$ltver"
major=$((current - age))
echo "build $build (source $srcdir), prefix $prefix, libdir $libdir"

ltconfig=$("$build/libtool" --config)
shared=no static=no
if grep -qx 'build_libtool_libs=yes' <<<"$ltconfig"; then shared=yes; fi
if grep -qx 'build_old_libs=yes' <<<"$ltconfig"; then static=yes; fi
echo "shared library: $shared, static library: $static"

tmp=$(mktemp -d /tmp/fastbump-install.XXXXXX)
log=$(mktemp /tmp/fastbump-install-log.XXXXXX)
trap 'rm -rf "$tmp" "$log"' EXIT

expected=$(
	if [ "$shared" = yes ]; then
		echo "$libdir/libfastbump.so.$major.$age.$revision"
		echo "$libdir/libfastbump.so.$major"
		echo "$libdir/libfastbump.so"
	fi
	echo "$libdir/libfastbump.la"
	if [ "$static" = yes ]; then echo "$libdir/libfastbump.a"; fi
	echo "$includedir/fastbump.h"
	echo "$pkgconfigdir/fastbump.pc"
	for m in "$srcdir"/man/*.3; do echo "$mandir/man3/${m##*/}"; done
)
expected=$(printf '%s\n' "$expected" | LC_ALL=C sort)

echo "== make install DESTDIR=$tmp"
make -s -C "$build" install DESTDIR="$tmp" >"$log" 2>&1 ||
	{ cat "$log"; die "make install failed"; }
actual=$(cd "$tmp" && find . -mindepth 1 ! -type d | sed 's|^\.||' | LC_ALL=C sort)
printf '%s\n' "$actual" | sed 's/^/  /'
if [ "$actual" != "$expected" ]; then
	echo "installed files differ from the expected list (- expected, + installed):"
	diff -u <(printf '%s\n' "$expected") <(printf '%s\n' "$actual") | tail -n +3 || true
	die "make install installs the wrong set of files"
fi
echo "$(printf '%s\n' "$actual" | wc -l) files, as expected ($(ls "$srcdir"/man/*.3 | wc -l) man pages)"

if [ "$shared" = yes ]; then
	so=libfastbump.so.$major.$age.$revision
	[ -f "$tmp$libdir/$so" ] && [ ! -L "$tmp$libdir/$so" ] || die "$so is not a file"
	for l in libfastbump.so.$major libfastbump.so; do
		[ -L "$tmp$libdir/$l" ] && [ "$(readlink "$tmp$libdir/$l")" = "$so" ] ||
			die "$l is not a symlink to $so"
	done
fi
for f in "$includedir/fastbump.h" "$pkgconfigdir/fastbump.pc"; do
	[ ! -x "$tmp$f" ] || die "$f is executable"
done
grep -qx "prefix=$prefix" "$tmp$pkgconfigdir/fastbump.pc" ||
	die "fastbump.pc does not say prefix=$prefix"
if grep -rl -- "$tmp" "$tmp"; then
	die "installed files mention the DESTDIR $tmp"
fi

echo "== make uninstall DESTDIR=$tmp"
make -s -C "$build" uninstall DESTDIR="$tmp" >"$log" 2>&1 ||
	{ cat "$log"; die "make uninstall failed"; }
left=$(cd "$tmp" && find . -mindepth 1 ! -type d)
if [ -n "$left" ]; then
	printf '%s\n' "$left"
	die "make uninstall leaves files behind"
fi
echo "nothing left but $(cd "$tmp" && find . -mindepth 1 -type d | wc -l) empty directories"
echo "install-check: PASS"
