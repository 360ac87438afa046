# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Guest side of the "stress" suite (after guest-lib.sh).  Settings:
#   RB_TRAFFIC_S   seconds of traffic from every CPU
#   RB_HOTPLUGS    PCI hot-unplug/re-plug cycles under traffic
#   RB_RELOADS     rmmod/modprobe cycles under traffic
#   RB_PAUSE_US    pause between a traffic thread's commands in the cycles

: "${RB_TRAFFIC_S:=30}" "${RB_HOTPLUGS:=100}" "${RB_RELOADS:=100}" "${RB_PAUSE_US:=500}"

rb_setup || exit 1
devs0=$(rb_scmi_devs)

# cyc_fail TEXT: the running hot-unplug or reload cycle failed (it is not
# counted as good); the first failure is kept for the note.
cyc_fail() {
	cbad=1
	first=${first:-$1}
}
note "scmi_protocol devices: $devs0"

# --- traffic from all CPUs ---------------------------------------------------
# vscmi_traffic callers on every CPU for the whole time, and the exerciser's
# "concurrent" check (one kthread per CPU, every answer compared) again and
# again meanwhile.  Lost answers would be errors (timeouts) or the module's
# timeout/late counters; misrouted ones wrong values.
to0=$(vs_stat timeouts) late0=$(vs_stat late) cmds0=$(vs_stat cmds) resps0=$(vs_stat resps)
vt reset
vt start 0
t0=$(uptime_s)
end=$((t0 + RB_TRAFFIC_S))
rounds=0 bad=
while [ "$(uptime_s)" -lt "$end" ]; do
	out=$(vx_quiet "concurrent 20") || { [ -n "$bad" ] || bad=$out; }
	rounds=$((rounds + 1))
done
vt stop
dt=$(($(uptime_s) - t0))
calls=$(vt_stat calls)
note "traffic: $dt s on $(grep -c ^processor /proc/cpuinfo) CPUs: vscmi_traffic calls=$calls errors=$(vt_stat errors) wrong=$(vt_stat wrong), exerciser concurrent rounds=$rounds, $(( (calls + rounds * 40 * $(grep -c ^processor /proc/cpuinfo)) / (dt > 0 ? dt : 1) )) commands/s"
rb_traffic_clean traffic/answers
[ -z "$bad" ] && [ "$rounds" -gt 0 ] && result_ok traffic/exerciser_concurrent ||
	result_fail traffic/exerciser_concurrent "rounds=$rounds: $bad"
cmds=$(( $(vs_stat cmds) - cmds0 )) resps=$(( $(vs_stat resps) - resps0 ))
to=$(( $(vs_stat timeouts) - to0 )) late=$(( $(vs_stat late) - late0 ))
note "traffic: virtio_scmi cmds=$cmds resps=$resps timeouts=$to late=$late"
if [ "$to" = 0 ] && [ "$late" = 0 ] && [ "$cmds" = "$resps" ] && [ "$cmds" -gt 0 ]; then
	result_ok traffic/no_lost_responses
else
	result_fail traffic/no_lost_responses "cmds=$cmds resps=$resps timeouts=$to late=$late"
fi
expect_eq traffic/inflight_zero "$(vs_stat inflight)" 0

# --- PCI hot-unplug / re-plug under traffic ----------------------------------
# Traffic running, the host's device_del presses the slot's attention
# button; pciehp would wait 5 s (a human's chance to cancel) before
# removing the device: the guest, seeing the press in dmesg, asks for the
# removal through the slot's sysfs power file instead, which does the same
# removal at once.  Then the host's device_add plugs a new device, pciehp
# enumerates it and the guest waits until both test drivers are bound.
#
# Not on PREEMPT_RT: there every interrupt handler is forced into a thread,
# and pciehp's removal request (sysfs power, and the attention button's own
# 5 s timer alike: pciehp_request() -> irq_wake_thread()) wakes the thread
# of the primary handler pciehp_isr(), which finds no Slot Status event and
# returns IRQ_NONE, so the IRQ thread pciehp_ist() that would remove the
# device never runs and the requester waits forever (the kernel's, seen in
# 6.12-rt: the hung-task report "task sh blocked for more than N seconds"
# at the slot power write; a non-RT kernel booted with threadirqs should
# show the same, not tried).
hp_skip=
is_preempt_rt &&
	hp_skip="PREEMPT_RT: pciehp's removal request wakes the forced-threaded pciehp_isr, not pciehp_ist, and never completes (kernel; see tests/robust/stress-guest.sh)"
slot=
for s in /sys/bus/pci/slots/*; do
	[ -w "$s/power" ] && { slot=$s; break; }
done
presses() { dmesg | grep -c 'Button press: will power off'; }
if [ "$RB_HOTPLUGS" -gt 0 ] && [ -n "$hp_skip" ]; then
	for _n in hotplug/cycles hotplug/protocol_devices_released hotplug/traffic_answers hotplug/exerciser_all_after; do
		result_skip "$_n" "$hp_skip"
	done
elif [ "$RB_HOTPLUGS" -gt 0 ] && [ -z "$slot" ]; then
	result_fail hotplug/slot "no hotplug slot in /sys/bus/pci/slots (pciehp)"
elif [ "$RB_HOTPLUGS" -gt 0 ]; then
	note "hotplug slot $slot: $(cat "$slot/address" 2>/dev/null)"
	vt reset
	good=0 first= i=0 t0=$(uptime_s) trm=0 tadd=0 late=0
	while [ $i -lt "$RB_HOTPLUGS" ]; do
		i=$((i + 1))
		cbad=
		r0=$(vt_stat removes)
		vt start 0 "$RB_PAUSE_US" 2>/tmp/vt.err || cyc_fail "cycle $i: traffic start: $(cat /tmp/vt.err)"
		sleep 0.2
		p0=$(presses)
		a=$(cut -d' ' -f1 /proc/uptime)
		rb_mark "hp-del $i"
		n=0
		while [ "$(presses)" = "$p0" ] && [ $n -lt 100 ]; do
			sleep 0.1
			n=$((n + 1))
		done
		if [ "$(presses)" = "$p0" ]; then
			first=${first:-"cycle $i: no attention button press within 10 s of device_del"}
			break
		fi
		if ! echo 0 >"$slot/power" 2>/tmp/hp.err; then
			# On a loaded host pciehp's own 5 s may have run out
			# first: the device is gone all the same.
			if rb_scmi_dev >/dev/null; then
				first=${first:-"cycle $i: slot power off: $(cat /tmp/hp.err)"}
				break
			fi
			late=$((late + 1))
		fi
		b=$(cut -d' ' -f1 /proc/uptime)
		if rb_scmi_dev >/dev/null; then
			cyc_fail "cycle $i: virtio device still present after the removal"
		fi
		[ "$(vt_stat removes)" = $((r0 + 1)) ] ||
			cyc_fail "cycle $i: traffic was not running at removal (removes $r0 -> $(vt_stat removes))"
		rb_mark "hp-add $i"
		if ! rb_bound 30; then
			first=${first:-"cycle $i: not bound again within 30 s: exerciser $(grep '^bound' $VX/info), traffic $(vt_line bound)"}
			break
		fi
		c=$(cut -d' ' -f1 /proc/uptime)
		trm=$(awk -v a="$a" -v b="$b" -v t="$trm" 'BEGIN { print t + b - a }')
		tadd=$(awk -v b="$b" -v c="$c" -v t="$tadd" 'BEGIN { print t + c - b }')
		if [ $((i % 10)) = 0 ] || [ $i = "$RB_HOTPLUGS" ]; then
			out=$(vx_quiet clock) || cyc_fail "cycle $i: $out"
		fi
		[ -n "$cbad" ] || good=$((good + 1))
	done
	vt stop
	note "hotplug: $good of $RB_HOTPLUGS cycles in $(($(uptime_s) - t0)) s (device_del to removed $trm s, removed to bound $tadd s in all; $late removed by pciehp's own 5 s timer before the guest asked), traffic calls=$(vt_stat calls) errors=$(vt_stat errors) removes=$(vt_stat removes)"
	[ -z "$first" ] || note "hotplug: first failure: $first"
	expect_eq hotplug/cycles "$good" "$RB_HOTPLUGS"
	rb_devs_stable hotplug/protocol_devices_released "$devs0"
	rb_traffic_clean hotplug/traffic_answers
	out=$(vx_quiet all) && result_ok hotplug/exerciser_all_after || result_fail hotplug/exerciser_all_after "$out"
fi
rb_mark hp-done

# --- rmmod / modprobe under traffic ------------------------------------------
# The initramfs hotplug listener would spawn a helper for every uevent of
# the loop: stop it (the module is loaded by hand here).
[ -r /run/uevent.pid ] && kill "$(cat /run/uevent.pid)" 2>/dev/null
vt reset
good=0 first= i=0 t0=$(uptime_s)
while [ $i -lt "$RB_RELOADS" ]; do
	i=$((i + 1))
	cbad=
	r0=$(vt_stat removes)
	vt start 0 "$RB_PAUSE_US" 2>/tmp/vt.err || cyc_fail "cycle $i: traffic start: $(cat /tmp/vt.err)"
	sleep 0.2
	if ! rmmod virtio_scmi 2>/tmp/rm.err; then
		first=${first:-"cycle $i: rmmod: $(cat /tmp/rm.err)"}
		break
	fi
	[ ! -e /sys/module/virtio_scmi ] || cyc_fail "cycle $i: still loaded after rmmod"
	[ "$(vt_stat removes)" = $((r0 + 1)) ] ||
		cyc_fail "cycle $i: traffic was not running at rmmod (removes $r0 -> $(vt_stat removes))"
	if ! modprobe virtio_scmi 2>/tmp/mp.err; then
		first=${first:-"cycle $i: modprobe: $(cat /tmp/mp.err)"}
		break
	fi
	if ! rb_bound 20; then
		first=${first:-"cycle $i: not bound again within 20 s: $(vt_line bound)"}
		break
	fi
	if [ $((i % 10)) = 0 ] || [ $i = "$RB_RELOADS" ]; then
		out=$(vx_quiet clock) || cyc_fail "cycle $i: $out"
	fi
	[ -n "$cbad" ] || good=$((good + 1))
done
vt stop
note "reload: $good of $RB_RELOADS cycles in $(($(uptime_s) - t0)) s, traffic calls=$(vt_stat calls) errors=$(vt_stat errors) removes=$(vt_stat removes)"
[ -z "$first" ] || note "reload: first failure: $first"
expect_eq reload/cycles "$good" "$RB_RELOADS"
rb_devs_stable reload/protocol_devices_released "$devs0"
rb_traffic_clean reload/traffic_answers
out=$(vx_quiet all) && result_ok reload/exerciser_all_after || result_fail reload/exerciser_all_after "$out"
note "virtio_scmi: $(vs_snap)"
expect_eq final/inflight_zero "$(vs_stat inflight)" 0
rb_kmemleak final/kmemleak
exit 0
