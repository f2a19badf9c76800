#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# plot-scaling.sh - draws the thread scaling of the concurrent workload.
#
#   bench/fastbump-bench -w concurrent -s scaling.csv
#   bench/plot-scaling.sh [scaling.csv [scaling.png|scaling.svg [subtitle]]]
#
# The CSV is what fastbump-bench -s writes: threads,implementation,ns_per_op
# (a header line, then one line per implementation and thread count).  One
# line per implementation, ns per element against threads.  Needs gnuplot
# (Debian: gnuplot-nox); without it, says so and exits 0.
set -eu

in=${1:-scaling.csv}
out=${2:-scaling.png}
subtitle=${3:-}

if ! command -v gnuplot >/dev/null 2>&1; then
	echo "plot-scaling.sh: gnuplot not found (apt-get install gnuplot-nox); $out not drawn"
	exit 0
fi
if [ ! -r "$in" ]; then
	echo "plot-scaling.sh: cannot read $in" >&2
	exit 1
fi

case $out in
*.svg) term="svg size 800,500 dynamic noenhanced font 'sans,12'" ;;
*)
	if gnuplot -e 'set terminal' 2>&1 | grep -q pngcairo; then
		term="pngcairo size 800,500 noenhanced font 'sans,10'"
	else
		term="png size 800,500 noenhanced"
	fi
	;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/plot-scaling.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# One gnuplot data block per implementation (blocks are separated by two
# blank lines and picked with 'index'), and one plot clause for each.
awk -F, -v data="$tmp/data" -v plot="$tmp/plot" '
NR == 1 && $1 == "threads" { next }
NF >= 3 {
	name = $2
	for (i = 3; i < NF; i++)	# a name with commas
		name = name "," $i
	gsub(/^"|"$/, "", name)
	if (!(name in block)) {
		block[name] = n++
		order[n - 1] = name
	}
	rows[block[name]] = rows[block[name]] $1 " " $NF "\n"
	if (!($1 in seen)) {
		seen[$1] = 1
		tics = tics (tics == "" ? "" : ", ") $1
	}
	if ($1 + 0 > maxt)
		maxt = $1 + 0
}
END {
	if (n == 0) {
		print "plot-scaling.sh: no data" > "/dev/stderr"
		exit 1
	}
	for (b = 0; b < n; b++)
		printf "%s\n\n", rows[b] > data
	printf "set xtics (%s)\n", tics > plot
	printf "set xrange [0.8:%g]\n", maxt * 1.25 > plot
	printf "plot " > plot
	for (b = 0; b < n; b++) {
		t = order[b]
		gsub(/"/, "", t)
		printf "%s\"%s\" index %d using 1:2 with linespoints lw 2 pt 7 title \"%s\"", \
			(b ? ", \\\n     " : ""), data, b, t > plot
	}
	printf "\n" > plot
}' "$in"

{
	printf 'set terminal %s\n' "$term"
	printf 'set output "%s"\n' "$out"
	printf 'set title "concurrent alloc u64: wall-clock ns per element (lower is better)'
	[ -n "$subtitle" ] && printf '\\n%s' "$(printf '%s' "$subtitle" | tr -d '\042\134')"
	printf '"\n'
	printf 'set xlabel "threads"\n'
	printf 'set ylabel "ns per element"\n'
	printf 'set logscale x 2\n'
	printf 'set yrange [0:*]\n'
	printf 'set grid\n'
	printf 'set key outside right top\n'
	cat "$tmp/plot"
} > "$tmp/script.gp"

gnuplot "$tmp/script.gp"
echo "plot-scaling.sh: wrote $out"
