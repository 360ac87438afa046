# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Guest side of the "pm" suite (after guest-lib.sh).  Settings:
#   RB_PM_CYCLES   cycles per freeze level and hibernation test
#   RB_INFLIGHT    "MS MS...": platform delays for the in-flight freezes
#   RB_PM_IMAGES   hibernation image cycles (test_resume to a swap disk)
# The host (tests/robust/host-pm.sh) arms and clears the platform's delay
# fault at the guest's "rb-mark delay-on MS" / "rb-mark delay-off" lines;
# the guest cannot hear back, so it waits 2 s after each mark.

: "${RB_PM_CYCLES:=20}" "${RB_INFLIGHT:=300 20000}" "${RB_PM_IMAGES:=0}"

rb_setup || exit 1

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

# pm_cycles NAME STATE LEVEL: RB_PM_CYCLES cycles of "echo STATE >
# /sys/power/state" at pm_test LEVEL with background traffic, exerciser
# checks after each.
pm_cycles() {
	pn=$1 _st=$2 _lv=$3
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
	rb_kmemleak final/kmemleak
	exit 0
fi

# --- suspend-to-idle through pm_test ------------------------------------------
pm_cycles freeze/devices freeze devices
pm_cycles freeze/platform freeze platform
result_skip freeze/core "suspend-to-idle stops at pm_test 'platform': the kernel refuses 'core' and 'processors' for freeze"

# --- hibernation through pm_test ------------------------------------------------
# "echo disk" with pm_test devices runs the devices' freeze and thaw
# callbacks; "core" also takes the other CPUs down and runs the syscore
# callbacks before coming back, without writing an image.
case " $(cat /sys/power/state) " in
*" disk "*)
	pm_cycles hibernate/devices disk devices
	pm_cycles hibernate/core disk core
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

image_cycles() {
	if [ "$RB_PM_IMAGES" = 0 ]; then
		result_skip hibernate/image "VSCMI_PM_IMAGES=0: no image cycles asked for"
		return
	fi
	case " $(cat /sys/power/state) " in
	*" disk "*) ;;
	*) result_skip hibernate/image "no 'disk' in /sys/power/state (hibernation unavailable)"; return ;;
	esac
	grep -q test_resume /sys/power/disk ||
		{ result_skip hibernate/image "no test_resume in /sys/power/disk"; return; }
	[ -w /sys/power/pm_debug_messages ] ||
		{ result_skip hibernate/image "no /sys/power/pm_debug_messages (CONFIG_PM_SLEEP_DEBUG) to see the restore"; return; }
	[ -b /dev/vda ] || { result_fail hibernate/image "no swap disk /dev/vda"; return; }
	if ! mkswap /dev/vda >/tmp/sw.err 2>&1 || ! swapon /dev/vda 2>>/tmp/sw.err; then
		result_fail hibernate/image "swap: $(cat /tmp/sw.err | tr '\n' ' ')"
		return
	fi
	_tail=$(swap_tail)
	[ ${#_tail} = 80 ] || { result_fail hibernate/image "cannot read the swap header of /dev/vda (${#_tail} hex digits)"; swapoff /dev/vda; return; }
	cat /sys/block/vda/dev >/sys/power/resume
	echo test_resume >/sys/power/disk
	echo none >/sys/power/pm_test
	echo 1 >/sys/power/pm_debug_messages
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
	while [ $_i -lt "$RB_PM_IMAGES" ]; do
		_i=$((_i + 1))
		_r0=$(restores)
		_p=$(kernel_problem) && _dirty_w=${_dirty_w:-"cycle $_i: $_p"}
		if ! echo disk >/sys/power/state 2>/tmp/pm.err; then
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
	expect_eq hibernate/image/inflight_zero "$(vs_stat inflight)" 0
}
image_cycles

# --- freeze with commands in flight ----------------------------------------------
# The host holds every response MS ms (platform fault "delay MS always"):
# the background callers always have commands pending when the device is
# frozen.  Shorter than the driver's freeze wait (1 s): they are answered
# during the freeze; longer: the freeze gives up on them and fails them.
# Either way the freeze succeeds, nothing is answered wrongly, no command
# stays in flight, and traffic flows again after the restore.
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
	if echo freeze >/sys/power/state 2>/tmp/pm.err; then
		result_ok "$n/cycle"
	else
		result_fail "$n/cycle" "echo freeze: $(cat /tmp/pm.err)"
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
out=$(vx_quiet all) && result_ok final/exerciser_all || result_fail final/exerciser_all "$out"
note "virtio_scmi: $(vs_snap)"
rb_kmemleak final/kmemleak
exit 0
