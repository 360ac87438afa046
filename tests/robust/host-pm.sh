#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host side of the "pm" suite, run by guest_boot --during: at each
# "VSCMI-NOTE rb-mark delay-on MS" of the guest arm the platform fault
# "delay MS always" (every response held MS ms), at "rb-mark delay-off"
# clear it, and take a platform stats snapshot after each freeze
# ($GUEST_DIR/stats-inflight-N).  Before those, the consumer's marks:
# "rb-mark slog-clear" clears the platform's state log, "rb-mark slog-dump
# NAME" saves it to $GUEST_DIR/state-log-NAME, "rb-mark slog-done" ends
# them; VSCMI_PM_CONSUMER_FAULT, a platform control command, is sent at
# each slog-clear.  Usage: host-pm.sh COUNT (delay-on marks)
set -uo pipefail
# shellcheck source=tests/robust/host-wait.sh
. "$(dirname "$0")/host-wait.sh"

count=$1
# How long to wait for each mark: the boot's own timeout bounds it, and
# rb_wait gives up as soon as the guest is done or QEMU is gone.  (A fixed
# 900 s failed the in-flight tests of a default run on a loaded host.)
wait=${VSCMI_PM_MARK_WAIT:-7200}
ctl() { "$TESTS/platform/scmi-platform" ctl "$PLATFORM_CTL" "$@"; }

i=0
while :; do
	i=$((i + 1))
	if ! rb_wait 'rb-mark slog-[a-z]+( [a-z0-9]+)?$' "$wait" "$i"; then
		echo "host-pm: state log mark $i not seen"
		exit 1
	fi
	m=$(console_lines "$GUEST_CONSOLE" | grep -aE 'rb-mark slog-[a-z]+( [a-z0-9]+)?$' | sed -n "${i}p")
	case $m in
	*"rb-mark slog-clear")
		ctl state-log-clear >/dev/null || { echo "host-pm: cannot clear the state log"; exit 1; }
		# a platform fault for the consumer sections, to see their
		# checks fail (e.g. "inject power 4 DENIED 1000")
		if [ -n "${VSCMI_PM_CONSUMER_FAULT:-}" ]; then
			# shellcheck disable=SC2086
			ctl $VSCMI_PM_CONSUMER_FAULT && echo "host-pm: consumer fault '$VSCMI_PM_CONSUMER_FAULT' armed"
		fi
		;;
	*"rb-mark slog-dump "*)
		ctl state-log >"$GUEST_DIR/state-log-${m##* }" 2>&1 || { echo "host-pm: cannot read the state log"; exit 1; }
		echo "host-pm: state log ${m##* }: $(grep -c . "$GUEST_DIR/state-log-${m##* }") lines"
		;;
	*"rb-mark slog-done") break ;;
	*) echo "host-pm: unknown mark '$m'"; exit 1 ;;
	esac
done

for ((i = 1; i <= count; i++)); do
	if ! rb_wait 'rb-mark delay-on [0-9]+$' "$wait" "$i"; then
		echo "host-pm: delay-on mark $i not seen"
		exit 1
	fi
	ms=$(console_lines "$GUEST_CONSOLE" | grep -aE 'rb-mark delay-on [0-9]+$' | sed -n "${i}p" | awk '{ print $NF }')
	ctl fault delay "$ms" always || { echo "host-pm: cannot arm delay $ms"; exit 1; }
	echo "host-pm: delay $ms armed"
	if ! rb_wait 'rb-mark delay-off$' "$wait" "$i"; then
		echo "host-pm: delay-off mark $i not seen"
		exit 1
	fi
	ctl fault clear || { echo "host-pm: cannot clear the fault"; exit 1; }
	ctl stats >"$GUEST_DIR/stats-inflight-$i" 2>&1
	echo "host-pm: fault cleared ($(awk '$1 == "fault_delay" || $1 == "held_dropped" { printf "%s ", $0 }' "$GUEST_DIR/stats-inflight-$i"))"
done
exit 0
