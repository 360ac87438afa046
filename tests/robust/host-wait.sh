# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Sourced by the --during helpers of the fuzz, stress and pm suites.
#
#   rb_wait PATTERN SECONDS [COUNT]   like guest_wait_console, but gives up
#                                     (status 1) as soon as the guest is
#                                     done (VSCMI-DONE) or QEMU is gone,
#                                     so a guest that stopped early does
#                                     not hold the boot for SECONDS

# console_lines comes from tests/lib/guest.sh (exported by guest_boot);
# every helper that sources this file reads the console through it.
declare -F console_lines >/dev/null ||
	{ echo "${0##*/}: console_lines missing: run me from guest_boot --during" >&2; exit 2; }

rb_wait() {
	local pat=$1 secs=$2 count=${3:-1} end con
	end=$(($(date +%s) + secs))
	while :; do
		con=$(console_lines "${GUEST_CONSOLE:?}")
		[ "$(grep -acE -- "$pat" <<<"$con")" -ge "$count" ] && return 0
		grep -aq '^VSCMI-DONE' <<<"$con" && return 1
		if [ -r "${QEMU_PIDFILE:-}" ] && ! kill -0 "$(cat "$QEMU_PIDFILE")" 2>/dev/null; then
			return 1
		fi
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.2
	done
}
