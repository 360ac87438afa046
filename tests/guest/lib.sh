# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Guest-side helpers for test scripts run by the initramfs /init (busybox
# sh).  guest_boot puts this file at /lib/vscmi/lib.sh; a test script starts
# with ". /lib/vscmi/lib.sh".  Results go to the console as
#   VSCMI-RESULT ok NAME
#   VSCMI-RESULT not ok NAME: REASON
# which the host's guest_results turns into test results.
#
#   result_ok NAME
#   result_fail NAME REASON...
#   result_skip NAME REASON... a check that could not run (never a pass)
#   check NAME CMD...          ok if CMD succeeds, else fail with its output
#   expect_eq NAME GOT WANT    ok if the two strings are equal
#   wait_for PATH SECONDS      wait (0.1 s steps) until PATH exists
#   uptime_s                   seconds since boot, for your own deadlines
#   note TEXT...               a diagnostic line (VSCMI-NOTE), not a result

result_ok() {
	echo "VSCMI-RESULT ok $1"
}

result_skip() {
	_n=$1
	shift
	echo "VSCMI-RESULT skip $_n: $*" | tr '\n' ' ' | sed 's/ *$//'
	echo
}

result_fail() {
	_n=$1
	shift
	echo "VSCMI-RESULT not ok $_n: $*" | tr '\n' ' ' | sed 's/ *$//'
	echo
}

check() {
	_n=$1
	shift
	if _out=$("$@" 2>&1); then
		result_ok "$_n"
	else
		result_fail "$_n" "'$*' failed: $(echo "$_out" | tail -n 1)"
	fi
}

expect_eq() {
	if [ "$2" = "$3" ]; then
		result_ok "$1"
	else
		result_fail "$1" "got '$2', want '$3'"
	fi
}

wait_for() {
	_end=$(($(uptime_s) + $2))
	while [ ! -e "$1" ]; do
		[ "$(uptime_s)" -ge "$_end" ] && return 1
		sleep 0.1
	done
	return 0
}

# uptime_s: whole seconds since boot (deadlines that hold under a slow,
# emulated CPU, unlike counting loop iterations)
uptime_s() {
	read -r _up _rest </proc/uptime
	echo "${_up%%.*}"
}

note() {
	echo "VSCMI-NOTE $*"
}
