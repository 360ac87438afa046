#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host side of the "faults" suite, run by guest_boot --during: serves the
# guest's control requests (tests/faults/guest.sh explains the protocol).
#   host.sh [--restart "DAEMON ARGS"]
# Each "VSCMI-NOTE ft-req SEQ KEY | CMD | ..." line is served in order:
# the platform counter KEY is read (daemon "stats", then "engine stats"),
# every CMD runs as a control command, and sensor 3 is set to
# SEQ * 10000000 + E * 1000000 + (KEY - its baseline), E being 1 when a
# CMD failed or KEY could not be read.  A KEY written "=NAME" makes the
# current value NAME's baseline; "-" reports nothing.  Exit status 1 when
# any request failed (the suite's host-control result), 0 otherwise.  The CMD
# "restart-platform" (with --restart) kills the daemon with SIGKILL and
# starts a new one with DAEMON ARGS on the same sockets.
# Ends at "VSCMI-NOTE ft-end", VSCMI-DONE or when QEMU is gone.
set -uo pipefail
# console_lines comes from tests/lib/guest.sh (exported by guest_boot).
declare -F console_lines >/dev/null ||
	{ echo "${0##*/}: console_lines missing: run me from guest_boot --during" >&2; exit 2; }

restart_args=
[ "${1:-}" = --restart ] && restart_args=$2

ctl() { "$PLATFORM_BIN" ctl "$PLATFORM_CTL" "$@"; }
qemu_alive() { [ -r "$QEMU_PIDFILE" ] && kill -0 "$(cat "$QEMU_PIDFILE")" 2>/dev/null; }
# complete lines only (console_lines, tests/lib/guest.sh): a request line
# read half-written once armed "fault eventq-sta" (refused) instead of
# "fault eventq-starve".
con() { console_lines "$GUEST_CONSOLE"; }

# pstat KEY: the platform counter KEY
pstat() {
	{ ctl stats; ctl engine stats; } 2>/dev/null |
		awk -v k="$1" '{ key = $1; sub(/:$/, "", key) } key == k { print $2; f = 1; exit } END { exit !f }'
}

restart_platform() {
	local pid i
	pid=$(cat "$PLATFORM_DIR/platform.pid" 2>/dev/null)
	[ -n "$pid" ] || { echo "host: no platform pid"; return 1; }
	kill -KILL "$pid"
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	echo "host: platform $pid killed (SIGKILL) at $(date +%T.%N)"
	rm -f "$PLATFORM_CTL" "$PLATFORM_DIR/platform.pid"
	# shellcheck disable=SC2086 # DAEMON ARGS are words
	setsid "$PLATFORM_BIN" $restart_args --control "$PLATFORM_CTL" \
		--log "$PLATFORM_DIR/platform.log" --pidfile "$PLATFORM_DIR/platform.pid" \
		>>"$PLATFORM_DIR/platform.log" 2>&1 </dev/null &
	for ((i = 0; i < 100; i++)); do
		[ -S "$PLATFORM_CTL" ] && break
		sleep 0.1
	done
	[ -S "$PLATFORM_CTL" ] || { echo "host: the new platform did not start"; return 1; }
	# Up once QEMU is connected again (the new daemon counts it).
	for ((i = 0; i < 100; i++)); do
		[ "$(pstat connected 2>/dev/null)" = 1 ] && break
		sleep 0.1
	done
	echo "host: new platform $(cat "$PLATFORM_DIR/platform.pid") connected=$(pstat connected) at $(date +%T.%N)"
}

# QEMU writes its pid file once it runs: wait for it before judging it gone.
for ((i = 0; i < 300; i++)); do
	[ -s "$QEMU_PIDFILE" ] && break
	sleep 0.1
done

declare -A base
seq=1
failed=0
while :; do
	line=
	while [ -z "$line" ]; do
		line=$(con | grep -a -m1 "^VSCMI-NOTE ft-req $seq ")
		[ -n "$line" ] && break
		# (no grep -q: it would stop reading a long console early, and
		# con, killed by SIGPIPE, fails the pipeline under pipefail)
		if con | grep -aE '^VSCMI-NOTE ft-end|^VSCMI-DONE' >/dev/null; then
			echo "host: guest finished after $((seq - 1)) requests, $failed failed"
			exit $((failed > 0))
		fi
		if ! qemu_alive; then
			# the guest may have finished just after the look above
			con | grep -aE '^VSCMI-NOTE ft-end|^VSCMI-DONE' >/dev/null &&
				{ echo "host: guest finished, $failed requests failed"; exit $((failed > 0)); }
			echo "host: QEMU gone after $((seq - 1)) requests"
			exit 1
		fi
		sleep 0.2
	done
	req=${line#"VSCMI-NOTE ft-req $seq "}
	key=${req%% | *}
	[ "$key" = "$req" ] && cmds="" || cmds=${req#* | }
	d=0 err=0
	case $key in
	-) ;;
	=*)
		base[${key#=}]=$(pstat "${key#=}") || { echo "host: no counter ${key#=}"; err=1; }
		;;
	*)
		v=$(pstat "$key") || { echo "host: no counter $key"; err=1; }
		[ -n "${base[$key]:-}" ] || { echo "host: no baseline for $key"; err=1; }
		d=$(( ${v:-0} - ${base[$key]:-0} ))
		;;
	esac
	[ "$d" -ge 0 ] && [ "$d" -le 999999 ] || { echo "host: $key delta $d out of range"; d=999999; err=1; }
	echo "host: request $seq: key $key (delta $d) cmds: $cmds"
	while [ -n "$cmds" ]; do
		c=${cmds%% | *}
		[ "$c" = "$cmds" ] && cmds="" || cmds=${cmds#* | }
		if [ "$c" = restart-platform ]; then
			restart_platform || err=1
		else
			# shellcheck disable=SC2086 # a command is words
			ctl $c >/dev/null 2>>"$GUEST_DIR/during.err" ||
				{ echo "host: request $seq: '$c' failed: $(tail -n 1 "$GUEST_DIR/during.err")"; err=1; }
		fi
	done
	failed=$((failed + err))
	ctl set sensor 3 value $((seq * 10000000 + err * 1000000 + d)) >/dev/null ||
		{ echo "host: ack $seq failed"; failed=$((failed + 1)); }
	seq=$((seq + 1))
done
