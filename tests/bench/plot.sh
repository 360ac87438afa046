#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# plot.sh KERNEL OUTDIR: OUTDIR/latency.png from OUTDIR/hist.csv (all rounds
# of a transport and workload pooled) with tests/bench/latency.gp.
set -uo pipefail

k=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
for t in ours upstream; do
	for w in rtt async polling atomic raw raw_spin; do
		awk -F, -v t="$t" -v w="$w" '
			$3 == t && $4 == w { c[$6 + 0] += $7; n += $7 }
			END {
				if (!n) { print "1,0"; exit }
				m = 0
				for (b in c) k[++m] = b + 0
				for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (k[j] < k[i]) { x = k[i]; k[i] = k[j]; k[j] = x }
				s = 0
				for (i = 1; i <= m; i++) { s += c[k[i]]; printf "%.3f,%.6f\n", k[i] / 1000, s / n }
			}' "$out/hist.csv" >"$out/cdf-$t-$w.csv"
	done
done
gnuplot -e "dir='$out'; title='SCMI round trips, kernel $k, all rounds pooled (log buckets, 8 per octave)'" \
	"$here/latency.gp"
