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
#   kernel_clean NAME          ok if the kernel is not tainted (beyond the
#                              out-of-tree/unsigned module bits) and dmesg
#                              has none of the host's bad patterns; for
#                              checks between hibernation images
#   kernel_problem             print the first such problem; false if none
#   is_preempt_rt              true on a PREEMPT_RT kernel
#
# Every result emitted is also counted in /run/vscmi-results; /init prints
# the count ("VSCMI-RESULTS N") and the host fails the boot when it parsed
# a different number of results from the console (a garbled or lost line).

# is_preempt_rt: Debian's RT kernels have /sys/kernel/realtime (an RT
# patch-set attribute); mainline's (the 7.3-rt-debug sanitizer kernel) do
# not, but every RT kernel says PREEMPT_RT in its version string.
is_preempt_rt() {
	[ "$(cat /sys/kernel/realtime 2>/dev/null)" = 1 ] && return 0
	case " $(uname -v) " in
	*" PREEMPT_RT "*) return 0 ;;
	esac
	return 1
}

# result_count: count one emitted result (also from subshells).
result_count() {
	echo x >>/run/vscmi-results
}

result_ok() {
	result_count
	echo "VSCMI-RESULT ok $1"
}

result_skip() {
	_n=$1
	shift
	result_count
	echo "VSCMI-RESULT skip $_n: $*" | tr '\n' ' ' | sed 's/ *$//'
	echo
}

result_fail() {
	_n=$1
	shift
	result_count
	echo "VSCMI-RESULT not ok $_n: $*" | tr '\n' ' ' | sed 's/ *$//'
	echo
}

# Taint bits a test boot may carry: O (12, out-of-tree module) and E (13,
# unsigned module).  Every other bit fails the boot.
TAINT_ALLOWED=$(((1 << 12) | (1 << 13)))

# taint_bad: the taint bits beyond the allowed ones, decoded ("9:W 7:D");
# empty when there are none.
taint_bad() {
	_t=$(cat /proc/sys/kernel/tainted 2>/dev/null || echo 0)
	_t=$((_t & ~TAINT_ALLOWED))
	_b=0 _out=
	while [ "$_t" -ne 0 ]; do
		if [ $((_t & 1)) = 1 ]; then
			_out="$_out $_b:$(echo PFSRMBUDAWCIOELKXTN | cut -c$((_b + 1)))"
		fi
		_t=$((_t >> 1))
		_b=$((_b + 1))
	done
	echo "${_out# }"
}

kernel_problem() {
	_bad=$(taint_bad)
	if [ -n "$_bad" ]; then
		echo "kernel tainted: $_bad"
		return 0
	fi
	_pat=$(cat /lib/vscmi/bad-patterns 2>/dev/null)
	if [ -z "$_pat" ]; then
		echo "no /lib/vscmi/bad-patterns in the initramfs"
		return 0
	fi
	_l=$(dmesg | grep -aE -- "$_pat" | head -n 1)
	if [ -n "$_l" ]; then
		echo "dmesg: $_l"
		return 0
	fi
	return 1
}

kernel_clean() {
	if _p=$(kernel_problem); then
		result_fail "$1" "$_p"
		return 1
	fi
	result_ok "$1"
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
