#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host side of the faults suite's probe-failure boot, run by guest_boot
# --during: when the guest prints "VSCMI-NOTE pf-notify", the platform
# sends 5 notifications (tests/faults/probe-failure.sh).
set -uo pipefail
declare -F guest_wait_console >/dev/null ||
	{ echo "${0##*/}: guest_wait_console missing: run me from guest_boot --during" >&2; exit 2; }
if ! guest_wait_console '^VSCMI-NOTE pf-notify' 300; then
	echo "host: no pf-notify request"
	exit 1
fi
"$PLATFORM_BIN" ctl "$PLATFORM_CTL" fault notify-disabled count=5 || exit 1
echo "host: 5 notifications queued at $(date +%T.%N)"
