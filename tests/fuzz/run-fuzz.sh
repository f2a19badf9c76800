#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# run-fuzz.sh - build and run the libFuzzer target tests/fuzz/fuzz_arenas.c.
#
#   run-fuzz.sh             fuzz for $FUZZ_SECONDS (default 60) seconds,
#                           starting from a copy of tests/fuzz/corpus/
#   run-fuzz.sh --regress [FILE...]
#                           run every file of the committed corpus (or the
#                           files given) once; quick, for make check
#
# Environment:
#   CLANG                  the compiler (default clang)
#   top_srcdir             the source tree (default: two levels up)
#   FUZZ_SECONDS           fuzzing time (default 60)
#   FUZZ_ARTIFACT_DIR      where a crashing input is written (default:
#                          the current directory)
#   FUZZ_KEEP_CORPUS       a directory to receive the grown corpus
#   FUZZ_FLAGS             extra libFuzzer flags (e.g. -dict=..., -seed=1)
#   FUZZ_CFLAGS            extra compiler flags (e.g. -fno-sanitize=... to
#                          look past a known bug)
#   FBUMP_FUZZ_NO_REALLOC_ALIAS=1
#                          pass copies, not aliases, to REALLOC arenas
#
# Exit status: 0 clean, 77 clang or libFuzzer unavailable (skip), 1 a crash
# or model mismatch (the input is saved; see the log printed), 99 a build
# error.

set -u

here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$(cd "$here/../.." && pwd)}"
CLANG=${CLANG:-clang}
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
mode=fuzz
if [ "${1:-}" = --regress ]; then
	mode=regress
	shift
fi

if ! command -v "$CLANG" >/dev/null 2>&1; then
	echo "run-fuzz.sh: SKIP: $CLANG not found"
	exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fbump-fuzz.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# libFuzzer comes with clang's compiler-rt; Debian packages it apart
cat > "$tmp/probe.c" <<'EOF'
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	(void)d;
	(void)n;
	return 0;
}
EOF
if ! "$CLANG" -fsanitize=fuzzer,address,undefined "$tmp/probe.c" \
	-o "$tmp/probe" >/dev/null 2>&1; then
	echo "run-fuzz.sh: SKIP: $CLANG cannot link -fsanitize=fuzzer,address,undefined"
	exit 77
fi

# No -rss_limit_mb: libFuzzer enforces it from a thread of its own, and
# that thread's start-up maps memory while the first inputs run.  It can
# land on a reservation a destroy has just unmapped, and the target's check
# that the destroy gave the address space back then fails (4 runs in 1000
# of seed-big-alignment).  -malloc_limit_mb still stops a runaway malloc,
# and the target bounds its own reservations.
limits="-rss_limit_mb=0 -malloc_limit_mb=2048"

# the library sources include "config.h"; the target needs none of it
mkdir "$tmp/inc" && : > "$tmp/inc/config.h" || exit 99
bin=$tmp/fuzz_arenas
# shellcheck disable=SC2086
if ! "$CLANG" -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -DFBUMP_TESTING ${FUZZ_CFLAGS:-} \
	-I"$top_srcdir/include" -I"$top_srcdir/lib" -I"$tmp/inc" \
	"$top_srcdir/lib/config.c" "$top_srcdir/lib/vm.c" "$top_srcdir/lib/vmcache.c" \
	"$top_srcdir/lib/storage.c" "$top_srcdir/lib/arena.c" \
	"$top_srcdir/lib/fastarena.c" "$here/fuzz_arenas.c" \
	-o "$bin" > "$tmp/build.log" 2>&1; then
	cat "$tmp/build.log"
	echo "run-fuzz.sh: FAIL: the fuzz target does not build"
	exit 99
fi

if [ "$mode" = regress ]; then
	if [ $# -eq 0 ]; then
		set -- "$here"/corpus/*
	fi
	[ -e "$1" ] || { echo "run-fuzz.sh: FAIL: no corpus files"; exit 99; }
	# given files, libFuzzer runs each one once and stops at a failure;
	# the failing input is a file already, so no artifact is kept
	# shellcheck disable=SC2086
	if "$bin" -error_exitcode=1 $limits \
		-artifact_prefix="$tmp/" "$@" \
		> "$tmp/run.log" 2>&1; then
		echo "run-fuzz.sh: PASS: $# inputs, no mismatch"
		exit 0
	fi
	tail -n 60 "$tmp/run.log"
	echo "run-fuzz.sh: FAIL: an input of the corpus fails (log above)"
	exit 1
fi

artifacts=${FUZZ_ARTIFACT_DIR:-.}
artifacts=$(cd "$artifacts" && pwd) || exit 99

# a private, writable corpus: the committed one is never modified
mkdir "$tmp/corpus" && cp "$here"/corpus/* "$tmp/corpus/" || exit 99
echo "run-fuzz.sh: fuzzing for $FUZZ_SECONDS s (crashes go to $artifacts/)"
# shellcheck disable=SC2086
"$bin" -error_exitcode=1 -max_total_time="$FUZZ_SECONDS" -print_final_stats=1 \
	$limits -max_len=4096 -artifact_prefix="$artifacts/" \
	${FUZZ_FLAGS:-} "$tmp/corpus" > "$tmp/run.log" 2>&1
rc=$?

execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$tmp/run.log" |
	tail -n 1)
cov=$(grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*/[0-9a-zA-Z]*' \
	"$tmp/run.log" | tail -n 1)
if [ -n "${FUZZ_KEEP_CORPUS:-}" ]; then
	mkdir -p "$FUZZ_KEEP_CORPUS" && cp "$tmp"/corpus/* "$FUZZ_KEEP_CORPUS/"
fi
if [ "$rc" -ne 0 ] || grep -q -e MISMATCH -e 'ERROR: ' "$tmp/run.log"; then
	grep -v -e '^#[0-9]' "$tmp/run.log" | tail -n 60
	echo "run-fuzz.sh: FAIL (exit $rc) after ${execs:-?} executions"
	exit 1
fi
echo "run-fuzz.sh: PASS: ${execs:-?} executions, ${cov:-no coverage line}"
exit 0
