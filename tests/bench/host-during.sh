#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host side of one "bench" boot, run by guest_boot --during while the guest
# runs tests/bench/guest-bench.sh.  At the guest's "VSCMI-NOTE bench-mark
# NAME" lines (the guest pauses after each):
#   rtt-begin     zero the platform's counters and service-time samples
#   rtt-end       daemon stats -> $GUEST_DIR/stats-rtt
#   async         delayed responses due at once (delay 0)
#   notify-R      after 1 s (the guest registers its listener), engine stats
#                 -> notify-R.begin, then "notify-rate sensor 0 update R NS"
#   notify-end-R  engine stats -> notify-R.end, emitters off
# Usage: host-during.sh NS RATE...
# Exit status 1 when a mark did not come or a control command failed (the
# bench suite fails that boot's host-during result).
set -uo pipefail

ns=$1
shift
failed=0
ctl() { "$TESTS/platform/scmi-platform" ctl "$PLATFORM_CTL" "$@"; }
# bad TEXT: a control command failed: said here, and the exit status is 1
bad() { echo "host-during: $*"; failed=$((failed + 1)); }
wait_mark() {
	guest_wait_console "VSCMI-NOTE bench-mark $1\$" "${2:-900}" ||
		{ echo "host-during: mark $1 not seen"; exit 1; }
}

wait_mark rtt-begin
ctl reset-stats >/dev/null || bad "reset-stats failed"
wait_mark rtt-end
ctl stats >"$GUEST_DIR/stats-rtt" 2>&1 || bad "stats failed"
wait_mark async
ctl delay 0 >/dev/null || bad "delay 0 failed"
for r in "$@"; do
	wait_mark "notify-$r"
	sleep 1
	ctl engine stats >"$GUEST_DIR/notify-$r.begin" 2>&1 || bad "engine stats (notify-$r begin) failed"
	ctl notify-rate sensor 0 update "$r" "$ns" >/dev/null || bad "notify-rate $r failed"
	wait_mark "notify-end-$r" $((ns + 120))
	ctl engine stats >"$GUEST_DIR/notify-$r.end" 2>&1 || bad "engine stats (notify-$r end) failed"
	ctl stats >"$GUEST_DIR/notify-$r.daemon" 2>&1 || bad "stats (notify-$r) failed"
	ctl notify-rate off >/dev/null || bad "notify-rate off ($r) failed"
done
echo "host-during: done, $failed control commands failed"
[ "$failed" = 0 ]
