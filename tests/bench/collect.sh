#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# collect.sh KERNEL OUTDIR BOOTDIR...: turn the bench boots' console logs and
# platform snapshots into CSV (the CSV writer of the bench suite).
#   OUTDIR/raw.csv   kernel,round,transport,workload,op,metric,value
#                    one row per number a boot produced
#   OUTDIR/hist.csv  kernel,round,transport,workload,op,bucket_lo_ns,count
# A BOOTDIR is results/<kernel>/bench-<transport>-<round>.
set -uo pipefail

k=$1 out=$2
shift 2
raw=$out/raw.csv hist=$out/hist.csv
echo "kernel,round,transport,workload,op,metric,value" >"$raw"
echo "kernel,round,transport,workload,op,bucket_lo_ns,count" >"$hist"

for d in "$@"; do
	b=${d##*/bench-}
	tr=${b%-*} rd=${b##*-}
	[ -r "$d/console.log" ] || continue
	# Numbers the guest printed: "VSCMI-BENCH LABEL bench KIND k=v ..." and
	# "VSCMI-BENCH LABEL hist KIND OP lo:n ...", "VSCMI-BENCH load k=v ...".
	tr -d '\r' <"$d/console.log" | awk -v K="$k" -v R="$rd" -v T="$tr" -v RAW="$raw" -v HIST="$hist" '
		$1 != "VSCMI-BENCH" { next }
		$2 == "load" {
			for (i = 3; i <= NF; i++) { split($i, kv, "="); print K "," R "," T ",load,-," kv[1] "," kv[2] >>RAW }
			next
		}
		$3 == "bench" && $5 ~ /^op=/ {
			op = substr($5, 4)
			for (i = 6; i <= NF; i++) {
				if (split($i, kv, "=") != 2) continue
				print K "," R "," T "," $2 "," op "," kv[1] "," kv[2] >>RAW
			}
			next
		}
		$3 == "hist" {
			for (i = 6; i <= NF; i++) {
				if (split($i, kv, ":") != 2) continue
				print K "," R "," T "," $2 "," $5 "," kv[1] "," kv[2] >>HIST
			}
		}'
	# The platform's service time during the round trips.
	if [ -r "$d/stats-rtt" ]; then
		awk -v K="$k" -v R="$rd" -v T="$tr" '$1 ~ /^(engine|chain)_ns_(p50|p90|p99|max|samples)$/ {
			print K "," R "," T ",platform,clock_rate_get," $1 "," $2 }' "$d/stats-rtt" >>"$raw"
	fi
	# Notifications: what the engine queued during each rate step against
	# what the guest received.  Every rate of the run (BENCH_RATES_USED,
	# else the steps the boot has files for) must have both: a step with
	# a figure missing is a "missing" row, which report.sh counts as a
	# loss at that rate (a round that did not measure cannot pass as
	# lossless).
	rs=${BENCH_RATES_USED:-}
	if [ -z "$rs" ]; then
		for f in "$d"/notify-*.begin; do
			[ -r "$f" ] || continue
			r=${f##*/notify-}; rs="$rs ${r%.begin}"
		done
	fi
	for r in $rs; do
		f=$d/notify-$r.begin e=$d/notify-$r.end
		got=$(tr -d '\r' <"$d/console.log" | grep -a "^VSCMI-BENCH notify-$r bench notify op=" |
			grep -o 'received=[0-9]*' | cut -d= -f2)
		if [ ! -s "$f" ] || [ ! -s "$e" ] || [ -z "$got" ]; then
			echo "$k,$rd,$tr,notify-$r,sensor_update,rate,$r" >>"$raw"
			echo "$k,$rd,$tr,notify-$r,sensor_update,missing,1" >>"$raw"
			echo "collect.sh: $d: notify-$r not measured (begin $([ -s "$f" ] && echo ok || echo missing), end $([ -s "$e" ] && echo ok || echo missing), received ${got:-missing})" >&2
			continue
		fi
		awk -v K="$k" -v R="$rd" -v T="$tr" -v rate="$r" -v got="${got:-}" '
			FNR == NR { b[$1] = $2; next }
			{ e[$1] = $2 }
			END {
				q = e["notif_queued"] - b["notif_queued"]
				dr = e["notif_dropped"] - b["notif_dropped"]
				s = e["notif_sent"] - b["notif_sent"]
				pre = K "," R "," T ",notify-" rate ",sensor_update,"
				print pre "rate," rate
				print pre "queued," q
				print pre "sent," s
				print pre "platform_dropped," dr
				print pre "lost," (q - got < 0 ? 0 : q - got)
			}' "$f" "$e" >>"$raw"
	done
done
