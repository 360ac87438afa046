#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# finish.sh: the end of "make bench".  Writes the last run's table (the
# first kernel it measured) into README.md between the "bench:begin" and
# "bench:end" markers of the Performance section, then prints the goal
# lines, one per goal and nothing after them:
#   goal NAME: RATIO (target OP X) met|missed
# With several kernels, each goal line names its kernel (NAME@KERNEL).
# A goal the run could not measure is printed as "-" and missed.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
res=${VSCMI_RESULTS:-$top/results}/bench
readme=$top/README.md
goals="rtt_p50:<=:0.90 rtt_p99:<=:0.80 throughput_4:>=:1.20 notify_no_loss:>=:1.00 load_ready:<=:1.00"

mapfile -t ks < <(cat "$res/kernels" 2>/dev/null)
if [ ${#ks[@]} -gt 0 ] && [ -r "$res/${ks[0]}/summary.md" ] &&
	grep -q '^<!-- bench:begin -->$' "$readme" && grep -q '^<!-- bench:end -->$' "$readme"; then
	{
		sed -n '1,/^<!-- bench:begin -->$/p' "$readme"
		cat "$res/${ks[0]}/summary.md"
		sed -n '/^<!-- bench:end -->$/,$p' "$readme"
	} >"$readme.tmp" && mv "$readme.tmp" "$readme"
	echo "# README.md: Performance table from results/bench/${ks[0]}/summary.md"
fi
[ ${#ks[@]} -gt 0 ] || ks=(none)
for k in "${ks[@]}"; do
	sfx=
	[ ${#ks[@]} -gt 1 ] && sfx=@$k
	for g in $goals; do
		IFS=: read -r name op tgt <<<"$g"
		line=$(grep -m1 "^goal $name: " "$res/$k/goals.txt" 2>/dev/null)
		if [ -n "$line" ]; then
			echo "goal $name$sfx:${line#goal "$name":}"
		else
			echo "goal $name$sfx: - (target $op $tgt) missed"
		fi
	done
done
