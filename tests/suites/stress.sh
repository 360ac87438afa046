# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The "stress" suite: our virtio_scmi under load and under removal.
#
#   suite_stress KERNEL...    (suite_kernels: "long stress:" or primary kernels
#                             unless --kernel given)
#
# One boot per kernel (vhost-user-scmi-pci behind a hotplug-capable
# pcie-root-port, 2 vCPUs), guest script tests/robust/stress-guest.sh:
#   traffic   vscmi_traffic callers on every CPU plus the exerciser's
#             "concurrent" check in a loop for VSCMI_STRESS_TRAFFIC_S (30;
#             600 for the issue's 10-minute run): every answer compared
#             with its resource's value (misrouted answers), no error, no
#             timeout or late reply in the module's counters, cmds = resps
#             (lost answers)
#   hotplug   VSCMI_STRESS_HOTPLUGS (100, the issue's count)
#             cycles: traffic running, the host's device_del (attention
#             button), the guest removes the device through the slot's
#             power file instead of waiting pciehp's 5 s (commands in
#             flight), the host's device_add (tests/robust/host-stress.py),
#             the guest waits for the new device to be bound; exerciser
#             clock check every 10 cycles, "all" at the end; 2-7 s a cycle
#             under TCG
#   reload    VSCMI_STRESS_RELOADS (50; 1000 on demand) rmmod/modprobe
#             cycles of virtio_scmi with traffic running
#   Both: the SCMI bus holds as many devices as before and the exerciser
#   is bound to all eight protocols again (protocol_devices_released)
# Every guest run fails on oops/BUG/WARN/lockdep/... in dmesg; kmemleak is
# checked where the kernel has it (Debian's do not: a skip).
# VSCMI_STRESS_TIMEOUT: boot timeout (default from the counts, sized for
# a loaded 2-core host: 19 s a hot-unplug cycle was seen).
# VSCMI_STRESS_APPEND: extra guest kernel command line (diagnosis, e.g.
# "loglevel=7 sysctl.kernel.hung_task_timeout_secs=30": a hung task's stack
# on the console).

declare -F rb_build >/dev/null || . "$TESTS/robust/host-lib.sh"

_stress_kernel() {
	local k=$1 traffic=${VSCMI_STRESS_TRAFFIC_S:-30} hp=${VSCMI_STRESS_HOTPLUGS:-100}
	local rl=${VSCMI_STRESS_RELOADS:-50} to script skip
	to=${VSCMI_STRESS_TIMEOUT:-$((600 + traffic + hp * 25 + rl * 15))}
	rb_build "$k" stress || return
	script=$RB_BDIR/stress.sh
	rb_script "$script" "RB_TRAFFIC_S=$traffic RB_HOTPLUGS=$hp RB_RELOADS=$rl" "$RB_DIR/stress-guest.sh"
	GUEST_SCMI_PROTOCOLS=$RB_PROTOCOLS guest_boot --kernel "$k" --name stress --script "$script" --modules "$RB_MODULES" \
		--smp 2 --mem 512 --timeout "$to" ${VSCMI_STRESS_APPEND:+--append "$VSCMI_STRESS_APPEND"} \
		--during "python3 '$RB_DIR/host-stress.py' $hp $((300 + traffic))"
	t_note "stress/$k: boot ${GUEST_STATUS} after $(rb_guest_wall) s ($GUEST_DIR)"
	rb_notes "$GUEST_DIR" '\(traffic\|hotplug\|reload\|virtio_scmi\):'
	guest_results "stress/$k"
	# the host's device_del/device_add ran only if the guest asked: a guest
	# that skipped its hot-plug part makes this a skip, not a pass (a
	# failed host helper still fails)
	skip=$(tr -d '\r' <"$GUEST_DIR/console.log" | sed -n 's/^VSCMI-RESULT skip hotplug\/cycles: //p' | head -n 1)
	if [ -n "$skip" ] && [ "$(cat "$GUEST_DIR/during.status" 2>/dev/null)" = 0 ]; then
		t_skip "stress/$k/hotplug/host_device_del_add" "the guest skipped the hot-plug part: $skip"
	else
		rb_during_ok "stress/$k/hotplug/host_device_del_add"
	fi
}

suite_stress() {
	local k
	[ $# -gt 0 ] || { t_fail stress "no kernels"; return; }
	for k in $(suite_kernels stress "$@"); do
		t_plan "stress/$k/completed"
		_stress_kernel "$k"
	done
}
