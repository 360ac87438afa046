#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host side of the "pm" suite, run by guest_boot --during: at each
# "VSCMI-NOTE rb-mark delay-on MS" of the guest arm the platform fault
# "delay MS always" (every response held MS ms), at "rb-mark delay-off"
# clear it, and take a platform stats snapshot after each freeze
# ($GUEST_DIR/stats-inflight-N).  Usage: host-pm.sh COUNT (delay-on marks)
set -uo pipefail
# shellcheck source=tests/robust/host-wait.sh
. "$(dirname "$0")/host-wait.sh"

count=$1
ctl() { "$TESTS/platform/scmi-platform" ctl "$PLATFORM_CTL" "$@"; }

for ((i = 1; i <= count; i++)); do
	if ! rb_wait 'rb-mark delay-on [0-9]+$' 900 "$i"; then
		echo "host-pm: delay-on mark $i not seen"
		exit 1
	fi
	ms=$(console_lines "$GUEST_CONSOLE" | grep -aE 'rb-mark delay-on [0-9]+$' | sed -n "${i}p" | awk '{ print $NF }')
	ctl fault delay "$ms" always || { echo "host-pm: cannot arm delay $ms"; exit 1; }
	echo "host-pm: delay $ms armed"
	if ! rb_wait 'rb-mark delay-off$' 900 "$i"; then
		echo "host-pm: delay-off mark $i not seen"
		exit 1
	fi
	ctl fault clear || { echo "host-pm: cannot clear the fault"; exit 1; }
	ctl stats >"$GUEST_DIR/stats-inflight-$i" 2>&1
	echo "host-pm: fault cleared ($(awk '$1 == "fault_delay" || $1 == "held_dropped" { printf "%s ", $0 }' "$GUEST_DIR/stats-inflight-$i"))"
done
exit 0
