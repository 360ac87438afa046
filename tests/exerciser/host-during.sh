#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host side of the "guest" suite, run by guest_boot --during while the
# guest runs: sets the platform's delayed-response hold time, then takes a
# platform "stats" snapshot at each "VSCMI-NOTE vx-mark NAME" the guest
# prints (the guest pauses 2 s after each mark), into
# $GUEST_DIR/stats-NAME; at a mark "dresp-fast[-SUFFIX]" it sets the hold
# time to 0 instead, at "dresp-restore[-SUFFIX]" back to DRESP_US.
# Usage: host-during.sh DRESP_US MARK...
set -uo pipefail

dresp_us=$1
shift
ctl() { "$TESTS/platform/scmi-platform" ctl "$PLATFORM_CTL" "$@"; }

ctl delay "$dresp_us" || echo "host-during: cannot set the delay"
for m in "$@"; do
	if ! guest_wait_console "VSCMI-NOTE vx-mark $m\$" 900; then
		echo "host-during: mark $m not seen"
		exit 1
	fi
	if [ "${m%%-polled}" = dresp-fast ]; then
		# the guest's delayed-response ordering check: no hold time
		ctl delay 0 || echo "host-during: cannot clear the delay"
		echo "host-during: delay 0 at $m"
		continue
	elif [ "${m%%-polled}" = dresp-restore ]; then
		ctl delay "$dresp_us" || echo "host-during: cannot restore the delay"
		echo "host-during: delay $dresp_us at $m"
		continue
	fi
	ctl stats >"$GUEST_DIR/stats-$m" 2>&1 || echo "host-during: stats at $m failed"
	echo "host-during: stats at $m taken"
done
exit 0
