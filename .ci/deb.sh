#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Builds and checks the Debian packages of libfastbump, as a distribution
# would: from the release tarball, with packaging/debian.
#
#   .ci/deb.sh [SRCDIR]
#
# SRCDIR is a libfastbump source tree: a git checkout, bootstrapped and
# configured in place or not (default: the tree this script is in).  It is
# only read: the tarball comes from `make dist` in a scratch copy of its
# files (git's tracked and untracked-but-not-ignored files), and
# packaging/debian is taken from SRCDIR itself.
#
# Steps: install the tools and the build dependencies that are missing
# (apt-get, as root, on Debian); make dist; unpack the tarball as
# libfastbump_VERSION.orig.tar.xz with packaging/debian as debian/; build
# the source package (dpkg-source) and the binary packages (dpkg-buildpackage
# -us -uc -b, which runs make check); lintian on both (--fail-on error,
# warnings printed); install the two .debs, build and run a program against
# them through pkg-config, dynamically and statically; purge them again.
#
# Idempotent: everything happens in a new scratch directory, removed at the
# end, and packages left installed by an interrupted run are purged first.
# Environment:
#   DEB_OUT=DIR        keep the .deb, .changes, .dsc and tarballs in DIR
#   KEEP_WORK=1        keep the scratch directory
#   DEB_BUILD_OPTIONS  passed on (nocheck skips make check; parallel=N)
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
start=$(date +%s)
step() { printf '\n==== deb: %s (%ss)\n' "$*" "$(( $(date +%s) - start ))"; }
die() { printf 'deb.sh: %s\n' "$*" >&2; exit 1; }

src=$(cd "${1:-$(dirname "$0")/..}" && pwd)
[ -f "$src/configure.ac" ] && [ -d "$src/packaging/debian" ] ||
	die "$src is not a libfastbump source tree with packaging/debian"
[ "$(id -u)" -eq 0 ] || die "run as root (it installs packages)"
binpkgs="libfastbump1 libfastbump-dev"

installed() { [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == *"ok installed" ]]; }
# apt-get's chatter goes to $work/apt.log, shown when it fails
apt_updated=
aptget() {
	if [ -z "$apt_updated" ] && [ "$1" != purge ]; then
		apt-get update -qq >>"$work/apt.log" 2>&1 || { cat "$work/apt.log"; die "apt-get update failed"; }
		apt_updated=1
	fi
	echo "apt-get $*"
	apt-get -y -qq "$@" >>"$work/apt.log" 2>&1 || { tail -n 50 "$work/apt.log"; die "apt-get $1 failed"; }
}
purge_ours() {
	local p present=
	for p in $binpkgs; do
		if installed "$p"; then present="$present $p"; fi
	done
	# shellcheck disable=SC2086
	[ -z "$present" ] || aptget purge $present
}

work=$(mktemp -d /tmp/fastbump-deb.XXXXXX)
cleanup() {
	local rc=$? p
	for p in $binpkgs; do
		if installed "$p"; then apt-get purge -y -qq "$p" >/dev/null 2>&1 || true; fi
	done
	if [ "${KEEP_WORK:-0}" != 1 ]; then
		rm -rf "$work"
	else
		echo "scratch directory kept: $work"
	fi
	exit $rc
}
trap cleanup EXIT

step "tools"
need=
for p in devscripts debhelper lintian dpkg-dev fakeroot build-essential \
	autoconf automake libtool pkg-config; do
	installed "$p" || need="$need $p"
done
# shellcheck disable=SC2086
[ -z "$need" ] || aptget install --no-install-recommends $need
purge_ours	# left by an interrupted run

step "debian/libfastbump1.symbols against lib/libfastbump.sym"
# the same names: every symbol of every version node, and each node itself
from_map=$(awk '
	/^[ \t]*(\/\*|\*)/ { next }
	/^[A-Za-z_][A-Za-z0-9_.]*[ \t]*\{/ { node = $1; sub(/\{.*/, "", node); print node "@" node; next }
	/^[ \t]*local:/ { node = "" }
	node != "" && /^[ \t]*[A-Za-z_][A-Za-z0-9_]*;/ { s = $1; sub(/;.*/, "", s); print s "@" node }
' "$src/lib/libfastbump.sym" | LC_ALL=C sort)
from_symbols=$(awk '/^ / { print $1 }' "$src/packaging/debian/libfastbump1.symbols" | LC_ALL=C sort)
if [ "$from_map" != "$from_symbols" ]; then
	diff <(printf '%s\n' "$from_map") <(printf '%s\n' "$from_symbols") || true
	die "packaging/debian/libfastbump1.symbols does not match lib/libfastbump.sym (< map, > symbols)"
fi
echo "$(printf '%s\n' "$from_map" | wc -l) entries agree"

step "make dist in a scratch copy of $src"
mkdir "$work/tree"
if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git -C "$src" ls-files -z --cached --others --exclude-standard |
		tar -C "$src" --null -T - --ignore-failed-read -cf - 2>/dev/null |
		tar -C "$work/tree" -xf -
else
	cp -a "$src/." "$work/tree/"
	if [ -f "$work/tree/Makefile" ]; then
		make -s -C "$work/tree" distclean >/dev/null 2>&1 || true
	fi
fi
(
	cd "$work/tree"
	./bootstrap >/dev/null 2>&1 || { ./bootstrap; exit 1; }
	mkdir _dist && cd _dist
	../configure -q >/dev/null
	make -s dist >/dev/null
)
tarball=$(ls "$work"/tree/_dist/libfastbump-*.tar.xz)
upver=${tarball##*/libfastbump-}
upver=${upver%.tar.xz}
debver=$(dpkg-parsechangelog -l "$src/packaging/debian/changelog" -S Version)
debup=${debver#*:}
debup=${debup%-*}
[ "$upver" = "$debup" ] ||
	die "tarball is $upver but packaging/debian/changelog is $debver: add a changelog entry (dch -v $upver-1)"
echo "$(basename "$tarball"): Debian version $debver"

step "unpack as libfastbump_$upver.orig.tar.xz, add debian/"
pkg=$work/pkg
mkdir "$pkg"
cp "$tarball" "$pkg/libfastbump_$upver.orig.tar.xz"
tar -C "$pkg" -xJf "$pkg/libfastbump_$upver.orig.tar.xz"
srcpkg=$pkg/libfastbump-$upver
[ -d "$srcpkg" ] || die "the tarball does not unpack to libfastbump-$upver/"
cp -a "$src/packaging/debian" "$srcpkg/debian"

step "build dependencies"
if ! (cd "$srcpkg" && dpkg-checkbuilddeps >/dev/null 2>&1); then
	aptget build-dep --no-install-recommends "$srcpkg"
fi
(cd "$srcpkg" && dpkg-checkbuilddeps) && echo "all installed"

step "source package (dpkg-source)"
(cd "$pkg" && dpkg-source -b "libfastbump-$upver")

step "binary packages (dpkg-buildpackage -us -uc -b)"
t0=$(date +%s)
(cd "$srcpkg" && dpkg-buildpackage -us -uc -b -Jauto) > "$work/build.log" 2>&1 || {
	tail -n 150 "$work/build.log"
	die "dpkg-buildpackage failed (log: $work/build.log)"
}
echo "built in $(( $(date +%s) - t0 ))s"
# what make check said, and what dpkg-gensymbols said (it must say nothing)
sed -n '/^# TOTAL:/,/^# ERROR:/p' "$work/build.log"
if grep -n 'dpkg-gensymbols: ' "$work/build.log"; then
	die "dpkg-gensymbols complained: update packaging/debian/libfastbump1.symbols"
fi
echo "dpkg-gensymbols -c4: the symbols file matches the library exactly"
changes=$(ls "$pkg"/libfastbump_"${debver#*:}"_*.changes)
dsc=$pkg/libfastbump_${debver#*:}.dsc
ls -l "$pkg"/*.deb "$changes" "$dsc"
for deb in "$pkg"/*.deb; do
	echo "-- $(basename "$deb")"
	dpkg-deb -c "$deb" | awk '{ print $1, $6, $7, $8 }'
done

step "lintian"
lint_rc=0
lintian --fail-on error --display-info "$changes" "$dsc" || lint_rc=$?
[ "$lint_rc" -eq 0 ] || die "lintian found errors"

step "install the packages"
aptget install --no-install-recommends "$pkg"/libfastbump1_*.deb "$pkg"/libfastbump-dev_*.deb
# shellcheck disable=SC2086
dpkg-query -W $binpkgs
for p in $binpkgs; do installed "$p" || die "$p did not install"; done

step "a program against the installed packages, through pkg-config"
cat > "$work/use.c" <<'PROG'
#include <fastbump.h>
#include <stdio.h>
int main(void)
{
	struct fbump_config cfg = FBUMP_CONFIG_INIT(long);
	fbump_arena *a = fbump_arena_create(&cfg);
	long v = 42;
	if (a == NULL || fbump_arena_alloc(a, &v) != 0)
		return 1;
	printf("libfastbump %#x: %ld\n", fbump_version(), *(long *)fbump_arena_get(a, 0));
	return fbump_arena_destroy(a);
}
PROG
echo "pkg-config --cflags --libs fastbump: $(pkg-config --cflags --libs fastbump)"
# shellcheck disable=SC2046
cc -std=c11 -Wall -Werror -o "$work/use" "$work/use.c" $(pkg-config --cflags --libs fastbump)
printf 'shared: '; "$work/use"
ldd "$work/use" | grep libfastbump
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
# shellcheck disable=SC2046
cc -std=c11 -Wall -Werror -o "$work/use-static" "$work/use.c" \
	$(pkg-config --cflags fastbump) "/usr/lib/$multiarch/libfastbump.a" \
	$(pkg-config --static --libs-only-other --libs-only-l fastbump | sed 's/-lfastbump//')
printf 'static: '; "$work/use-static"
if ldd "$work/use-static" | grep -q libfastbump; then
	die "the static build links libfastbump.so"
fi
test -f /usr/share/man/man3/fbump_arena_alloc.3.gz

step "remove the packages"
purge_ours
for p in $binpkgs; do ! installed "$p" || die "$p is still installed"; done
[ ! -e "/usr/lib/$multiarch/libfastbump.so.1" ] || die "libfastbump.so.1 is left behind"

if [ -n "${DEB_OUT:-}" ]; then
	mkdir -p "$DEB_OUT"
	cp "$pkg"/*.deb "$pkg"/*.changes "$pkg"/*.buildinfo "$dsc" \
		"$pkg"/*.orig.tar.xz "$pkg"/*.debian.tar.xz "$DEB_OUT"/
	echo "packages kept in $DEB_OUT"
fi
step "done"
