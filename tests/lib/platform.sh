# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Start and drive the test SCMI platform daemon (tests/platform/scmi-platform,
# a vhost-user back end QEMU's vhost-user-scmi(-pci) device connects to).
#
#   platform_start DIR [DAEMON ARGS...]
#                      build the daemon if needed, start it with its
#                      vhost-user socket DIR/scmi.sock, control socket
#                      DIR/ctl.sock, log DIR/platform.log, pid file
#                      DIR/platform.pid; wait (10 s at most) for both
#                      sockets; export PLATFORM_SOCK, PLATFORM_CTL,
#                      PLATFORM_PID, PLATFORM_DIR
#   platform_stop      stop the daemon platform_start started (TERM, then
#                      KILL after 5 s); harmless when none runs
#   platform_ctl CMD...
#                      send one control command, print the reply; non-zero
#                      when the reply is ERR (or the socket is unusable)
#   platform_alive     true while the started daemon runs
#   platform_stat KEY  one counter from "stats" (a line "KEY VALUE" or
#                      "KEY: VALUE"); prints the value, non-zero if absent

PLATFORM_BIN=${PLATFORM_BIN:-$TESTS/platform/scmi-platform}

platform_build() {
	# Always ask make: it rebuilds only when a source changed.
	make -s -C "$TESTS/platform" >"${1:-/dev/null}" 2>&1 || {
		echo "platform: build failed (make -C tests/platform)" >&2
		return 1
	}
	[ -x "$PLATFORM_BIN" ]
}

platform_start() {
	local dir=$1 i
	shift
	mkdir -p "$dir"
	[ -z "${PLATFORM_PID:-}" ] || platform_stop
	platform_build "$dir/platform-build.log" || return 1
	PLATFORM_DIR=$dir
	PLATFORM_SOCK=$dir/scmi.sock
	PLATFORM_CTL=$dir/ctl.sock
	rm -f "$PLATFORM_SOCK" "$PLATFORM_CTL" "$dir/platform.pid"
	"$PLATFORM_BIN" --socket "$PLATFORM_SOCK" --control "$PLATFORM_CTL" \
		--log "$dir/platform.log" --pidfile "$dir/platform.pid" "$@" \
		>>"$dir/platform.log" 2>&1 </dev/null &
	PLATFORM_PID=$!
	export PLATFORM_DIR PLATFORM_SOCK PLATFORM_CTL PLATFORM_PID
	for ((i = 0; i < 100; i++)); do
		[ -S "$PLATFORM_SOCK" ] && [ -S "$PLATFORM_CTL" ] && return 0
		if ! kill -0 "$PLATFORM_PID" 2>/dev/null; then
			echo "platform: daemon exited at start (log $dir/platform.log):" >&2
			tail -n 5 "$dir/platform.log" >&2
			wait "$PLATFORM_PID" 2>/dev/null
			PLATFORM_PID=""
			return 1
		fi
		sleep 0.1
	done
	echo "platform: sockets did not appear within 10 s" >&2
	platform_stop
	return 1
}

platform_alive() {
	[ -n "${PLATFORM_PID:-}" ] && kill -0 "$PLATFORM_PID" 2>/dev/null
}

platform_stop() {
	local i
	[ -n "${PLATFORM_PID:-}" ] || return 0
	if kill -0 "$PLATFORM_PID" 2>/dev/null; then
		kill -TERM "$PLATFORM_PID" 2>/dev/null
		for ((i = 0; i < 50; i++)); do
			kill -0 "$PLATFORM_PID" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$PLATFORM_PID" 2>/dev/null
	fi
	wait "$PLATFORM_PID" 2>/dev/null
	PLATFORM_PID=""
	return 0
}

platform_ctl() {
	[ -n "${PLATFORM_CTL:-}" ] || { echo "platform_ctl: no platform started" >&2; return 2; }
	"$PLATFORM_BIN" ctl "$PLATFORM_CTL" "$@"
}

platform_stat() {
	platform_ctl stats | awk -v k="$1" '
		{ key = $1; sub(/:$/, "", key) }
		key == k { print $2; found = 1; exit }
		END { exit !found }'
}

# For guest_boot --during commands (bash -c): the control client works there.
export PLATFORM_BIN
export -f platform_ctl platform_stat
