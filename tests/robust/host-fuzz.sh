#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host side of the "fuzz" suite, run by guest_boot --during: at the guest's
# "rb-mark fuzz-on" zero the platform counters, start "fuzz SEED RATE" and
# a forced clock-rate notification stream (eventq traffic to mutate); at
# "rb-mark fuzz-off" stop both and save the platform's stats to
# $GUEST_DIR/stats-fuzz (and its resource state to state-fuzz).  Usage: host-fuzz.sh SEED RATE
set -uo pipefail
# shellcheck source=tests/robust/host-wait.sh
. "$(dirname "$0")/host-wait.sh"

seed=$1 rate=$2
ctl() { "$TESTS/platform/scmi-platform" ctl "$PLATFORM_CTL" "$@"; }

rb_wait 'rb-mark fuzz-on$' 600 || { echo "host-fuzz: fuzz-on not seen"; exit 1; }
ctl reset-stats >/dev/null || { echo "host-fuzz: reset-stats failed"; exit 1; }
ctl fuzz "$seed" "$rate" || { echo "host-fuzz: fuzz $seed $rate refused"; exit 1; }
ctl notify-rate clock 0 rate 300 3600 force || echo "host-fuzz: no notification stream"
echo "host-fuzz: fuzz $seed $rate on"
while ! rb_wait 'rb-mark fuzz-off$' 10; do
	if console_lines "$GUEST_CONSOLE" | grep -aq '^VSCMI-DONE' ||
		! kill -0 "$(cat "$QEMU_PIDFILE" 2>/dev/null)" 2>/dev/null; then
		ctl stats >"$GUEST_DIR/stats-fuzz" 2>&1
		echo "host-fuzz: the guest ended without fuzz-off"
		exit 1
	fi
	echo "host-fuzz: $(date +%T) fuzz_mutated $(ctl stats | awk '$1 == "fuzz_mutated" { print $2 }')"
done
ctl fuzz off || echo "host-fuzz: fuzz off refused"
ctl notify-rate off >/dev/null
ctl stats >"$GUEST_DIR/stats-fuzz" 2>&1
# the resource state the fuzzed exchanges left (for a failing after-check)
ctl state >"$GUEST_DIR/state-fuzz" 2>&1
echo "host-fuzz: fuzz off, fuzz_mutated $(awk '$1 == "fuzz_mutated" { print $2 }' "$GUEST_DIR/stats-fuzz")"
exit 0
