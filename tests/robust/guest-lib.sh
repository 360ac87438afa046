# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Guest-side helpers shared by the fuzz, stress and pm guest scripts
# (busybox sh).  The host suite writes one script: the settings, this
# file, then the suite's own script (tests/robust/<suite>-guest.sh).
#
#   rb_setup                 wait for the autoloaded virtio_scmi, load the
#                            exerciser and vscmi_traffic, wait until bound
#   rb_bound SECONDS         both test drivers bound to clock/perf/power
#   vx_quiet CMD             exerciser command: ok only with >= 1 ok that
#                            is not a "# SKIP" and no not ok (first
#                            problem on stdout)
#   vt CMD                   write a vscmi_traffic control command
#   vt_stat KEY              a vscmi_traffic counter
#   vs_stat KEY              a virtio_scmi debugfs counter (first device)
#   vs_snap                  all virtio_scmi counters on one line (a note)
#   rb_mark NAME             VSCMI-NOTE rb-mark NAME (the host acts on it)

. /lib/vscmi/lib.sh

VX=/sys/kernel/debug/vscmi_exerciser
VT=/sys/kernel/debug/vscmi_traffic
VSD=/sys/kernel/debug/virtio_scmi

vx_quiet() {
	echo "$*" >$VX/run 2>/tmp/vx.err || { echo "'$*' refused: $(cat /tmp/vx.err)"; return 1; }
	_nok=$(grep -c '^not ok' $VX/results)
	# a skipped check ("ok N - name # SKIP reason") is not a pass
	_ok=$(grep '^ok' $VX/results | grep -vc ' # SKIP ')
	if [ "$_nok" != 0 ]; then
		echo "'$*': $(grep -m1 '^not ok' $VX/results)"
		return 1
	fi
	[ "$_ok" -gt 0 ] || { echo "'$*': no check passed ($(grep -c ' # SKIP ' $VX/results) skipped: $(grep -m1 ' # SKIP ' $VX/results))"; return 1; }
	return 0
}

vt() {
	echo "$*" >$VT/control
}

vt_stat() {
	awk -v k="$1" '$1 == k { print $2; exit }' $VT/stats 2>/dev/null
}

vt_line() {
	awk -v k="$1" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }' $VT/stats 2>/dev/null
}

vs_file() {
	for _f in $VSD/*/stats; do
		[ -r "$_f" ] && { echo "$_f"; return 0; }
	done
	return 1
}

vs_stat() {
	_f=$(vs_file) || return 1
	awk -v k="$1" '$1 == k { print $2; exit }' "$_f"
}

vs_snap() {
	_f=$(vs_file) || { echo "no virtio_scmi stats"; return 0; }
	awk '{ printf "%s=%s ", $1, $2 }' "$_f"
	echo
}

rb_mark() {
	echo "VSCMI-NOTE rb-mark $1"
}

# rb_bound SECONDS: the exerciser (all eight protocols) and vscmi_traffic
# bound again.
rb_bound() {
	_end=$(($(uptime_s) + $1))
	while :; do
		if [ "$(grep '^bound' $VX/info 2>/dev/null | wc -w)" = 9 ] &&
			[ "$(vt_line bound)" = "clock perf power" ]; then
			return 0
		fi
		[ "$(uptime_s)" -ge "$_end" ] && return 1
		sleep 0.1
	done
}

rb_setup() {
	if ! wait_for /sys/module/virtio_scmi 30; then
		result_fail setup/autoload "virtio_scmi not loaded after 30 s"
		return 1
	fi
	modprobe vscmi_exerciser 2>/tmp/mp.err || { result_fail setup/exerciser "$(cat /tmp/mp.err)"; return 1; }
	modprobe vscmi_traffic 2>/tmp/mp.err || { result_fail setup/traffic "$(cat /tmp/mp.err)"; return 1; }
	if ! rb_bound 20; then
		result_fail setup/bound "exerciser: $(grep '^bound' $VX/info); traffic: $(vt_line bound)"
		return 1
	fi
	result_ok setup/bound
	return 0
}

# rb_kmemleak NAME: a kmemleak scan where the kernel has kmemleak, else a
# skip with the reason.
rb_kmemleak() {
	if [ ! -e /sys/kernel/debug/kmemleak ]; then
		result_skip "$1" "kernel without CONFIG_DEBUG_KMEMLEAK (no /sys/kernel/debug/kmemleak)"
		return 0
	fi
	echo scan >/sys/kernel/debug/kmemleak 2>/dev/null
	sleep 1
	echo scan >/sys/kernel/debug/kmemleak 2>/dev/null
	_n=$(grep -c '^unreferenced object' /sys/kernel/debug/kmemleak)
	if [ "$_n" = 0 ]; then
		result_ok "$1"
	else
		result_fail "$1" "$_n unreferenced objects: $(grep -A3 -m1 '^unreferenced object' /sys/kernel/debug/kmemleak | tr '\n' ' ')"
	fi
}

# rb_traffic_clean NAME: the vscmi_traffic counters show answers and no
# error or wrong answer.
rb_traffic_clean() {
	_c=$(vt_stat calls) _e=$(vt_stat errors) _w=$(vt_stat wrong)
	if [ "${_c:-0}" -gt 0 ] && [ "$_e" = 0 ] && [ "$_w" = 0 ]; then
		result_ok "$1"
	else
		result_fail "$1" "calls=$_c errors=$_e wrong=$_w; first error: $(vt_line first_error); first wrong: $(vt_line first_wrong)"
	fi
}

# rb_scmi_dev: the virtio device of id 0x20, if present.
rb_scmi_dev() {
	for _d in /sys/bus/virtio/devices/*; do
		[ "$(cat "$_d/device" 2>/dev/null)" = 0x0020 ] && { echo "$_d"; return 0; }
	done
	return 1
}

# rb_scmi_devs: devices on the SCMI bus (protocol and transport devices):
# every removed SCMI instance must take its devices along.
rb_scmi_devs() {
	ls /sys/bus/scmi_protocol/devices 2>/dev/null | wc -l
}

# rb_devs_stable NAME BEFORE: the protocol device count is BEFORE again and
# the exerciser is bound to all eight protocols (system power included:
# the core allows one system power device, a stale one blocks the next).
rb_devs_stable() {
	_now=$(rb_scmi_devs)
	if [ "$_now" = "$2" ] && [ "$(grep '^bound' $VX/info | wc -w)" = 9 ]; then
		result_ok "$1"
	else
		result_fail "$1" "SCMI protocol devices $2 before, $_now now; exerciser $(grep '^bound' $VX/info)"
	fi
}
