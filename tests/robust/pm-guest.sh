# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Guest side of the "pm" suite (after guest-lib.sh).  Settings:
#   RB_PM_CYCLES   cycles per freeze level and hibernation test
#   RB_INFLIGHT    "MS MS...": platform delays for the in-flight freezes
#   RB_PM_IMAGES   hibernation image cycles (test_resume to a swap disk)
#   RB_PM_S2IDLE   real suspend-to-idle cycles with the consumer (pm_test
#                  none, woken by the RTC alarm)
#   RB_PM_ONLY     "consumer": only the consumer's s2idle and image cycles;
#                  "freeze": those and the freeze/* pm_test cycles (no
#                  hibernate/* pm_test cycles, no in-flight freezes); the
#                  parts left out report skipped with that reason
# The host (tests/robust/host-pm.sh) arms and clears the platform's delay
# fault at the guest's "rb-mark delay-on MS" / "rb-mark delay-off" lines;
# the guest cannot hear back, so it waits 2 s after each mark.

: "${RB_PM_CYCLES:=20}" "${RB_INFLIGHT:=300 20000}" "${RB_PM_IMAGES:=0}" "${RB_PM_S2IDLE:=5}"
: "${RB_PM_ONLY:=}" "${RB_PM_TRANSPORT:=ours}"

if [ "$RB_PM_TRANSPORT" = upstream ]; then
	# The upstream transport's measurement boot (tests/suites/pm.sh
	# _pm_upstream): the consumer's checks are notes ("measured: ..."),
	# not results, and no pm_test part runs.
	result_ok() { note "measured: ok $1"; }
	result_fail() { note "measured: not ok $1: $2"; }
	result_skip() { note "measured: skip $1: $2"; }
	modprobe scmi_transport_virtio 2>/tmp/mp.err || note "measured: modprobe scmi_transport_virtio: $(cat /tmp/mp.err)"
	RB_PM_ONLY=consumer RB_INFLIGHT=
else
	rb_setup || exit 1
fi

# --- the consumer (tests/consumer/vscmi_consumer.c) ---------------------------
# A DT device with an SCMI power domain, clock and reset, held through
# runtime PM.  Around every cycle of a consumer section the guest pulses
# the consumer's reset line (debugfs "mark"): the platform logs it, which
# cuts its state log into cycles and lines its clock up with the guest's.
# The host clears the platform's state log at "rb-mark slog-clear" and
# saves it at "rb-mark slog-dump NAME" (tests/robust/host-pm.sh); it checks
# the logs after the boot (tests/suites/pm.sh).
VC=/sys/kernel/debug/vscmi_consumer
if modprobe vscmi_consumer 2>/tmp/mp.err && wait_for $VC/log 30; then
	result_ok consumer/bound
	note "pm: consumer: $(grep -m1 ' probe_deassert ' $VC/log)"
else
	result_fail consumer/bound "vscmi_consumer: $(cat /tmp/mp.err) $(dmesg | grep -m3 vscmi-consumer | tr '\n' ' ')"
fi

# consumer_begin: a section starts (host and guest logs cleared)
consumer_begin() {
	[ -e $VC/log ] || return 0
	rb_mark slog-clear
	sleep 2
	echo clear >$VC/log
	_vc_dm0=$(dmesg | wc -l)
}

consumer_mark() {
	[ -e $VC/mark ] && echo 1 >$VC/mark
}

# consumer_wake: runtime-resume the consumer if a failed early callback
# left it suspended (its next use would); a no-op when it is active.
consumer_wake() {
	[ -e $VC/wake ] && echo 1 >$VC/wake
}

# consumer_end NAME CYCLES LATE EARLY [MAYFAIL]: the host saves the
# platform's state log; the guest's log goes to the console ("VC-LOG NAME
# ..."); every LATE and EARLY callback (clock off / on) ran once per cycle
# and succeeded, except the callbacks in MAYFAIL, which may fail with
# -ENODEV (-19: the transport is frozen; README: what a consumer can rely
# on) and nothing else (each failure is noted); no SCMI error, time-out or
# "not expected" reached dmesg (the consumer's own failures aside).
consumer_end() {
	_cn=consumer/$1
	if [ ! -e $VC/log ]; then
		result_skip "$_cn/callbacks" "no consumer bound (consumer/bound failed)"
		result_skip "$_cn/dmesg_scmi_clean" "no consumer bound (consumer/bound failed)"
		return 0
	fi
	rb_mark "slog-dump $1"
	sleep 2
	sed "s/^/VC-LOG $1 /" $VC/log
	_fails=$(awk '$4 != 0 && $1 != "dropped" { n[$3 " " $4]++ } END { for (k in n) printf "%s x%d; ", k, n[k] }' $VC/log)
	[ -z "$_fails" ] || note "pm: $_cn: failed callbacks (name, error, count): $_fails"
	_bad=$(awk -v l="$3" -v e="$4" -v ok=" $5 " '$1 == "dropped" { next }
		$4 != 0 && !f && !(index(ok, " " $3 " ") && $4 == -19) { f = $3 " returned " $4 }
		$3 == l || $3 == e { n[$3]++ }
		END { if (f) print f; else if (n[l] != c || n[e] != c) print l " " n[l] + 0 " times, " e " " n[e] + 0 " times" }' c="$2" $VC/log)
	if [ -z "$_bad" ]; then result_ok "$_cn/callbacks"; else result_fail "$_cn/callbacks" "$_bad (want $2 each, ret 0${5:+; -19 allowed for $5})"; fi
	_dm=$(dmesg | sed "1,${_vc_dm0}d" | grep -iE 'scmi' | grep -v 'vscmi_consumer' |
		grep -iE 'error|fail|timed out|timeout|not expected|-[0-9]+$' | head -n 3)
	if [ -z "$_dm" ]; then result_ok "$_cn/dmesg_scmi_clean"; else result_fail "$_cn/dmesg_scmi_clean" "$(echo "$_dm" | tr '\n' ' ')"; fi
}

# consumer_s2idle: RB_PM_S2IDLE real suspend-to-idle cycles (pm_test none),
# each woken by an RTC alarm 2 s later.
consumer_s2idle() {
	_n=consumer/s2idle
	if [ ! -w /sys/class/rtc/rtc0/wakealarm ]; then
		result_skip "$_n/cycles" "no /sys/class/rtc/rtc0/wakealarm to wake the guest"
		consumer_end s2idle 0 suspend_late resume_early
		return 0
	fi
	[ -e /sys/power/pm_test ] && echo none >/sys/power/pm_test
	consumer_begin
	_ok0=$(cat /sys/power/suspend_stats/success)
	_good=0 _first='' _i=0 _t0=$(cut -d' ' -f1 /proc/uptime)
	while [ $_i -lt "$RB_PM_S2IDLE" ]; do
		_i=$((_i + 1))
		consumer_mark
		echo 0 >/sys/class/rtc/rtc0/wakealarm
		echo +2 >/sys/class/rtc/rtc0/wakealarm
		if echo freeze >/sys/power/state 2>/tmp/pm.err; then
			_good=$((_good + 1))
		else
			_first=${_first:-"cycle $_i: echo freeze: $(cat /tmp/pm.err)"}
		fi
		consumer_mark
	done
	_ok1=$(cat /sys/power/suspend_stats/success)
	note "pm: $_n: $_good of $RB_PM_S2IDLE cycles in $(awk -v b="$_t0" '{ printf "%.1f", $1 - b }' /proc/uptime) s; suspend_stats success +$((_ok1 - _ok0)), last failed step '$(cat /sys/power/suspend_stats/last_failed_step 2>/dev/null)'; virtio_scmi sleep_polled $(vs_stat sleep_polled) sleep_poll_timeouts $(vs_stat sleep_poll_timeouts)"
	[ -z "$_first" ] || note "pm: $_n: first failure: $_first"
	expect_eq "$_n/cycles" "$_good" "$RB_PM_S2IDLE"
	expect_eq "$_n/suspend_stats" "$((_ok1 - _ok0))" "$RB_PM_S2IDLE"
	consumer_end s2idle "$RB_PM_S2IDLE" suspend_late resume_early
}

# The callers ask clocks only (start THREADS 0 1): genpd switches power and
# performance domains off and on across a system sleep, so their values
# legitimately change; clock rates do not.
rb_no_wrong() {
	if [ "$(vt_stat wrong)" = 0 ]; then
		result_ok "$1"
	else
		result_fail "$1" "$(vt_stat wrong) wrong answers; first: $(vt_line first_wrong)"
	fi
}

# rb_error_causes NAME "PHASE..." "ERRNO...": every command of the
# background callers that failed, failed in one of PHASES (the callers'
# module records the last system sleep step it saw: see vscmi_traffic.c)
# with one of ERRNOS; the causes are noted either way.
rb_error_causes() {
	_causes=$(vt_line causes)
	note "pm: $1: failed commands (phase/errno=count): ${_causes:-none}"
	_bad=
	for _c in $_causes; do
		_ph=${_c%%/*} _er=${_c#*/}
		_er=${_er%%=*}
		case " $2 " in *" $_ph "*) ;; *) _bad="$_bad $_c" ; continue ;; esac
		case " $3 " in *" $_er "*) ;; *) _bad="$_bad $_c" ;; esac
	done
	if [ -z "$_bad" ]; then
		result_ok "$1/error_causes"
	else
		result_fail "$1/error_causes" "failed outside [$2] or not with [$3]:$_bad"
	fi
}

# Where SCMI is unavailable to a caller, by transition (README: suspend and
# resume), and how it fails there: -ENODEV (-19), refused at once.
#   suspend-to-idle: the device is left running (No_Soft_Reset) but in
#   D3hot from its suspend_noirq to its resume_noirq callback, which the
#   callers see as their own suspend_noirq;
#   hibernation: frozen from virtio PCI's freeze callback (after the
#   callers' freeze) to its thaw or restore (before the callers' thaw or
#   restore); commands still unanswered after the driver's 1 s freeze
#   wait fail with -ETIMEDOUT (-110) in the callers' freeze phase.
RB_S2IDLE_OFF="suspend_noirq"
RB_HIBERNATE_OFF="freeze freeze_late freeze_noirq thaw_noirq thaw_early restore_noirq restore_early"

# traffic_works: the exerciser's checks pass and the background callers
# get answers again.  No exerciser check that sets clock rates: the
# callers compare every clock rate with the one read at their start.
traffic_works() {
	_c0=$(vt_stat calls)
	out=$(vx_quiet "concurrent 5") || { echo "$out"; return 1; }
	out=$(vx_quiet perf) || { echo "$out"; return 1; }
	out=$(vx_quiet sensor) || { echo "$out"; return 1; }
	_i=0
	while [ "$(vt_stat calls)" = "$_c0" ]; do
		_i=$((_i + 1))
		[ $_i -gt 50 ] && { echo "background traffic got no answer within 5 s (running $(vt_stat running))"; return 1; }
		sleep 0.1
	done
	return 0
}

# pm_cycles NAME STATE LEVEL OFF: RB_PM_CYCLES cycles of "echo STATE >
# /sys/power/state" at pm_test LEVEL with background traffic, exerciser
# checks after each; failed commands only in the phases OFF.
pm_cycles() {
	pn=$1 _st=$2 _lv=$3 _off=$4
	case " $(cat /sys/power/pm_test) " in
	*" $_lv "*|*"[$_lv]"*) ;;
	*) result_skip "$pn" "pm_test has no '$_lv' level"; return ;;
	esac
	echo "$_lv" >/sys/power/pm_test
	vt reset
	vt start 2 0 1
	_good=0 _first= _i=0 _t0=$(cut -d' ' -f1 /proc/uptime)
	while [ $_i -lt "$RB_PM_CYCLES" ]; do
		_i=$((_i + 1))
		if ! echo "$_st" >/sys/power/state 2>/tmp/pm.err; then
			_first=${_first:-"cycle $_i: echo $_st: $(cat /tmp/pm.err)"}
			continue
		fi
		if ! _o=$(traffic_works); then
			_first=${_first:-"cycle $_i: after resume: $_o"}
			continue
		fi
		_good=$((_good + 1))
	done
	echo none >/sys/power/pm_test
	vt stop
	note "pm: $pn: $_good of $RB_PM_CYCLES cycles in $(awk -v b="$_t0" '{ printf "%.1f", $1 - b }' /proc/uptime) s; traffic calls=$(vt_stat calls) errors=$(vt_stat errors) wrong=$(vt_stat wrong)"
	[ -z "$_first" ] || note "pm: $pn: first failure: $_first"
	expect_eq "$pn/cycles" "$_good" "$RB_PM_CYCLES"
	# Freezing stops the callers' commands (they fail while the device
	# is down: errors are expected), never answers them wrongly.
	rb_no_wrong "$pn/no_wrong_answers"
	rb_error_causes "$pn" "$_off" -19
	expect_eq "$pn/inflight_zero" "$(vs_stat inflight)" 0
}

# The pm_test wait (5 s by default) is a parameter of kernel/power/suspend.c
# (and hibernate.c in newer kernels): set it to 0 where it exists.
for p in /sys/module/suspend/parameters/pm_test_delay /sys/module/hibernate/parameters/pm_test_delay; do
	[ -w "$p" ] && echo 0 >"$p" && note "pm: $p = 0"
done
note "pm: state '$(cat /sys/power/state)' mem_sleep '$(cat /sys/power/mem_sleep 2>/dev/null)' disk '$(cat /sys/power/disk 2>/dev/null)' pm_test '$(cat /sys/power/pm_test 2>/dev/null)'"

if [ ! -e /sys/power/pm_test ]; then
	for n in freeze/devices freeze/platform freeze/core hibernate/devices hibernate/core hibernate/image inflight; do
		result_skip "$n" "kernel without CONFIG_PM_DEBUG (/sys/power/pm_test missing)"
	done
	result_skip consumer/s2idle/cycles "kernel without CONFIG_PM_DEBUG: the pm suite needs /sys/power/pm_test"
	rb_mark slog-done
	rb_kmemleak final/kmemleak
	exit 0
fi

consumer_s2idle

# left_out PARTS TEST...: true, and each TEST reported skipped, when
# RB_PM_ONLY is one of PARTS (the settings that leave these tests out)
left_out() {
	case " $1 " in *" $RB_PM_ONLY "*) ;; *) return 1 ;; esac
	shift
	for _s in "$@"; do
		result_skip "$_s" "RB_PM_ONLY=$RB_PM_ONLY (VSCMI_PM_ONLY, or a kernel other than the primary one): not in this part of the suite"
	done
	return 0
}

# --- suspend-to-idle through pm_test ------------------------------------------
if ! left_out consumer freeze/devices freeze/platform freeze/core; then
pm_cycles freeze/devices freeze devices "$RB_S2IDLE_OFF"
pm_cycles freeze/platform freeze platform "$RB_S2IDLE_OFF"
result_skip freeze/core "suspend-to-idle stops at pm_test 'platform': the kernel refuses 'core' and 'processors' for freeze"
fi

# --- hibernation through pm_test ------------------------------------------------
# "echo disk" with pm_test devices runs the devices' freeze and thaw
# callbacks; "core" also takes the other CPUs down and runs the syscore
# callbacks before coming back, without writing an image.
case " $(cat /sys/power/state) " in
*" disk "*)
	if ! left_out "consumer freeze" hibernate/devices hibernate/core; then
	pm_cycles hibernate/devices disk devices "$RB_HIBERNATE_OFF"
	pm_cycles hibernate/core disk core "$RB_HIBERNATE_OFF"
	fi
	;;
*)
	result_skip hibernate/devices "no 'disk' in /sys/power/state (hibernation unavailable)"
	result_skip hibernate/core "no 'disk' in /sys/power/state (hibernation unavailable)"
	;;
esac

# --- hibernation image cycles ----------------------------------------------------
# "test_resume": the kernel writes a real image to the swap disk (devices
# frozen, image made with the other CPUs down, devices thawed, image
# written), then reads it back and restores it as a resume from disk would
# (devices frozen again, the image's memory copied in, devices restored).
#
# Proof has to survive the restore: the restore puts back memory as it was
# at the snapshot, the log buffer included, so "Image saving done" and
# "Image loading done" (printed between snapshot and restore) are gone from
# dmesg afterwards.  What is left:
#   written   the swap header on disk (last 40 bytes of page 0: hw_sig,
#             crc32, image sector, flags, orig_sig, sig) changed in the
#             cycle, points at an image (sector != 0), and carries the
#             swap signature again (the load step found the hibernation
#             signature and put the original back);
#   restored  the kernel's "Hibernation image restored successfully"
#             (pm_debug_messages), printed only on the path that returns
#             from the image's memory.

# swap_tail: the swap header's last 40 bytes as hex, read past the page
# cache (the kernel writes the header with bios of its own)
swap_tail() {
	dd if=/dev/vda bs=4096 count=1 iflag=direct 2>/dev/null | tail -c 40 | od -An -v -tx1 | tr -d ' \n'
}

# restores: how many "Hibernation image restored successfully" dmesg holds
restores() {
	dmesg | grep -c 'Hibernation image restored successfully'
}

# image_setup: hibernation to the swap disk /dev/vda with test_resume and
# pm_debug_messages on; false, with hibernate/image reported (skipped
# where the kernel cannot, failed where the boot's disk is wrong), if not.
image_setup() {
	case " $(cat /sys/power/state) " in
	*" disk "*) ;;
	*) result_skip hibernate/image "no 'disk' in /sys/power/state (hibernation unavailable)"; return 1 ;;
	esac
	grep -q test_resume /sys/power/disk ||
		{ result_skip hibernate/image "no test_resume in /sys/power/disk"; return 1; }
	[ -w /sys/power/pm_debug_messages ] ||
		{ result_skip hibernate/image "no /sys/power/pm_debug_messages (CONFIG_PM_SLEEP_DEBUG) to see the restore"; return 1; }
	[ -b /dev/vda ] || { result_fail hibernate/image "no swap disk /dev/vda"; return 1; }
	if ! mkswap /dev/vda >/tmp/sw.err 2>&1 || ! swapon /dev/vda 2>>/tmp/sw.err; then
		result_fail hibernate/image "swap: $(cat /tmp/sw.err | tr '\n' ' ')"
		return 1
	fi
	cat /sys/block/vda/dev >/sys/power/resume
	echo test_resume >/sys/power/disk
	echo none >/sys/power/pm_test
	echo 1 >/sys/power/pm_debug_messages
}

# The upstream transport's image cycles (its measurement boot, on demand):
# the consumer's section only, timed per cycle; ours' traffic checks need
# our module and vscmi_traffic, which this boot does not load.
upstream_image_cycles() {
	[ "$RB_PM_IMAGES" = 0 ] && return 0
	# this boot loads modules by hand (no autoload): the swap disk's driver
	modprobe virtio_blk 2>/dev/null && wait_for /dev/vda 10
	image_setup || return 0
	_ld0=$(restores)
	consumer_begin
	_i=0
	while [ $_i -lt "$RB_PM_IMAGES" ]; do
		_i=$((_i + 1))
		_r0=$(restores) _t0=$(cut -d' ' -f1 /proc/uptime)
		consumer_wake
		consumer_mark
		_st=ok
		echo disk >/sys/power/state 2>/tmp/pm.err || _st="echo disk: $(cat /tmp/pm.err)"
		consumer_mark
		note "measured: hibernate/image cycle $_i: $_st, restored $(($(restores) - _r0)), $(awk -v b="$_t0" '{ printf "%.1f", $1 - b }' /proc/uptime) s"
	done
	consumer_end image "$RB_PM_IMAGES" freeze_late restore_early "restore_early runtime_resume"
	echo 0 >/sys/power/pm_debug_messages
	swapoff /dev/vda 2>/dev/null
	note "measured: hibernate/image: $RB_PM_IMAGES cycles, restored $(($(restores) - _ld0))"
}

# The consumer's image section: its callbacks are those of the snapshot
# (freeze_late) and of the restore (restore_early); thaw and the quiesce
# before the restore ran in memory the restore overwrote.  The virtio PCI
# transport freezes and restores the device in its normal freeze and
# restore callbacks, so the consumer's restore_early (genpd's power-on in
# its runtime resume) fails with -ENODEV (tests/suites/pm.sh checks that
# it does, every cycle); the guest wakes the consumer before each cycle
# (consumer_wake: domain and clock on again), so every cycle starts from
# a consumer in use.
image_cycles() {
	if [ "$RB_PM_TRANSPORT" = upstream ]; then
		upstream_image_cycles
		return
	fi
	if [ "$RB_PM_IMAGES" = 0 ]; then
		result_skip hibernate/image "VSCMI_PM_IMAGES=0: no image cycles asked for"
		consumer_end image 0 freeze_late restore_early
		return
	fi
	image_setup || return
	_tail=$(swap_tail)
	if [ ${#_tail} != 80 ]; then
		result_fail hibernate/image "cannot read the swap header of /dev/vda (${#_tail} hex digits)"
		echo 0 >/sys/power/pm_debug_messages
		swapoff /dev/vda
		return
	fi
	vt reset
	vt start 2 0 1
	_good=0 _sv=0 _first= _i=0 _t0=$(cut -d' ' -f1 /proc/uptime)
	# A restore puts the log buffer back as it was at the snapshot: taint
	# and dmesg are checked before each image is written and after each
	# restore (the console, at KERN_WARNING, shows what comes between).
	_dirty_w= _dirty_r=
	# "SWAPSPACE2" twice (orig_sig, sig): the signature is back
	_swsig=53574150535041434532
	_ld0=$(restores)
	consumer_begin
	while [ $_i -lt "$RB_PM_IMAGES" ]; do
		_i=$((_i + 1))
		_r0=$(restores)
		_p=$(kernel_problem) && _dirty_w=${_dirty_w:-"cycle $_i: $_p"}
		consumer_wake
		consumer_mark
		_st=0
		echo disk >/sys/power/state 2>/tmp/pm.err || _st=1
		consumer_mark
		if [ $_st != 0 ]; then
			_first=${_first:-"cycle $_i: echo disk: $(cat /tmp/pm.err)"}
			continue
		fi
		_prev=$_tail _tail=$(swap_tail)
		_sec=$(echo "$_tail" | cut -c17-32)
		if [ "$_tail" != "$_prev" ] && [ "$_sec" != 0000000000000000 ] &&
		   [ "$(echo "$_tail" | cut -c41-80)" = "$_swsig$_swsig" ]; then
			_sv=$((_sv + 1))
		else
			_first=${_first:-"cycle $_i: no image on the swap disk (header tail $_tail)"}
			continue
		fi
		if [ "$(restores)" = "$_r0" ]; then
			_first=${_first:-"cycle $_i: image written but not restored"}
			continue
		fi
		_p=$(kernel_problem) && _dirty_r=${_dirty_r:-"cycle $_i: $_p"}
		if ! _o=$(traffic_works); then
			_first=${_first:-"cycle $_i: after resume: $_o"}
			continue
		fi
		_good=$((_good + 1))
	done
	vt stop
	consumer_end image "$RB_PM_IMAGES" freeze_late restore_early "restore_early runtime_resume"
	echo 0 >/sys/power/pm_debug_messages
	swapoff /dev/vda 2>/dev/null
	_ld=$(($(restores) - _ld0))
	note "pm: hibernate/image: $_good of $RB_PM_IMAGES image cycles in $(awk -v b="$_t0" '{ printf "%.1f", $1 - b }' /proc/uptime) s; images written $_sv, restored $_ld; last header tail $_tail; traffic calls=$(vt_stat calls) errors=$(vt_stat errors) wrong=$(vt_stat wrong)"
	[ -z "$_first" ] || note "pm: hibernate/image: first failure: $_first"
	expect_eq hibernate/image/cycles "$_good" "$RB_PM_IMAGES"
	if [ -z "$_dirty_w" ]; then result_ok hibernate/image/clean_before_write; else
		result_fail hibernate/image/clean_before_write "$_dirty_w"; fi
	if [ -z "$_dirty_r" ]; then result_ok hibernate/image/clean_after_restore; else
		result_fail hibernate/image/clean_after_restore "$_dirty_r"; fi
	expect_eq hibernate/image/images_written "$_sv" "$RB_PM_IMAGES"
	expect_eq hibernate/image/images_restored "$_ld" "$RB_PM_IMAGES"
	rb_no_wrong hibernate/image/no_wrong_answers
	rb_error_causes hibernate/image "$RB_HIBERNATE_OFF" -19
	expect_eq hibernate/image/inflight_zero "$(vs_stat inflight)" 0
}
image_cycles

# --- freeze with commands in flight ----------------------------------------------
# The host holds every response MS ms (platform fault "delay MS always"):
# the background callers always have commands pending when the device is
# frozen.  Shorter than the driver's freeze wait (1 s): they are answered
# during the freeze; longer: the freeze gives up on them and fails them.
# Either way the freeze succeeds, nothing is answered wrongly, no command
# stays in flight, and traffic flows again after the restore.  The freeze
# is a hibernation's (pm_test devices): the suite's device keeps its state
# in D3hot (x-pcie-pm-no-soft-reset), so suspend-to-idle does not freeze
# it; hibernation always does.
rb_mark slog-done
left_out "consumer freeze" inflight && RB_INFLIGHT=
for ms in $RB_INFLIGHT; do
	n=inflight/delay_${ms}ms
	echo devices >/sys/power/pm_test
	ab0=$(vs_stat aborted) to0=$(vs_stat timeouts)
	rb_mark "delay-on $ms"
	sleep 2
	vt reset
	vt start 2 0 1
	# wait until commands are pending at the platform
	sleep 1
	pend=$(vs_stat inflight)
	note "pm: $n: $pend commands in flight 1 s before the freeze"
	if [ "${pend:-0}" -gt 0 ]; then
		result_ok "$n/pending_before_freeze"
	else
		result_fail "$n/pending_before_freeze" "no command in flight (inflight=$pend)"
	fi
	w0=$(dmesg | grep -c 'commands still unanswered at freeze')
	if echo disk >/sys/power/state 2>/tmp/pm.err; then
		result_ok "$n/cycle"
	else
		result_fail "$n/cycle" "echo disk: $(cat /tmp/pm.err)"
	fi
	echo none >/sys/power/pm_test
	note "pm: $n: after freeze: $(vs_snap)"
	# Held longer than the driver's 1 s freeze wait: its freeze callback
	# must have found commands outstanding and failed them.
	if [ "$ms" -gt 1000 ]; then
		w1=$(dmesg | grep -c 'commands still unanswered at freeze')
		if [ "$w1" -gt "$w0" ]; then
			result_ok "$n/failed_at_freeze"
		else
			result_fail "$n/failed_at_freeze" "no 'commands still unanswered at freeze' from virtio_scmi: nothing was outstanding when its freeze ran"
		fi
	fi
	vt stop
	# those failed by the freeze complete with COMMS_ERROR (-ECOMM, -70)
	if [ "$ms" -gt 1000 ]; then
		rb_error_causes "$n" "$RB_HIBERNATE_OFF" "-19 -70"
	else
		rb_error_causes "$n" "$RB_HIBERNATE_OFF" -19
	fi
	rb_mark delay-off
	sleep 2
	vt reset
	vt start 2 0 1
	out=$(traffic_works) && result_ok "$n/traffic_after" || result_fail "$n/traffic_after" "$out"
	vt stop
	rb_no_wrong "$n/no_wrong_answers"
	expect_eq "$n/inflight_zero" "$(vs_stat inflight)" 0
	note "pm: $n: aborted +$(( $(vs_stat aborted) - ab0 )), timeouts +$(( $(vs_stat timeouts) - to0 ))"
done
echo none >/sys/power/pm_test
if [ "$RB_PM_TRANSPORT" = upstream ]; then
	result_skip final/exerciser_all "the upstream transport's measurement boot loads no exerciser"
else
	out=$(vx_quiet all) && result_ok final/exerciser_all || result_fail final/exerciser_all "$out"
fi
note "virtio_scmi: $(vs_snap)"
rb_kmemleak final/kmemleak
exit 0
