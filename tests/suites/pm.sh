# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The "pm" suite: our virtio_scmi through system sleep transitions.
#
#   suite_pm KERNEL...        (the primary kernels unless --kernel given)
#
# One boot per kernel (2 vCPUs), guest script tests/robust/pm-guest.sh,
# with background traffic (vscmi_traffic) during every cycle and the
# exerciser's clock, perf and sensor checks after each:
#   freeze/devices, freeze/platform   VSCMI_PM_CYCLES (20) suspend-to-idle
#             cycles at that pm_test level (pm_test_delay set to 0)
#   hibernate/devices, hibernate/core VSCMI_PM_CYCLES hibernation cycles
#             at that pm_test level (freeze/thaw callbacks; "core" also
#             takes the other CPUs down); without an image
#   hibernate/image                   VSCMI_PM_IMAGES (VSCMI_PM_CYCLES)
#             real hibernation image cycles: /sys/power/disk test_resume,
#             the image written to a swap disk (virtio-blk) and restored,
#             with the console kept on (no_console_suspend).  On 6.x the
#             guest boots with arm64.nolva (48-bit VAs): 6.12's arm64
#             trans_pgd_create_copy() does not allocate the p4d level of
#             5-level page tables (52-bit VAs with LPA2, which TCG's "max"
#             CPU has) and oopses in swsusp_arch_resume() on the first
#             restore; 7.x allocates it
#   inflight/delay_<MS>ms             a freeze while the platform holds
#             every response MS ms (fault "delay MS always", armed by
#             tests/robust/host-pm.sh): commands pending at freeze, for
#             MS in VSCMI_PM_INFLIGHT ("300 20000": answered during the
#             driver's 1 s freeze wait / failed by it, which the driver
#             must report: failed_at_freeze); then traffic again
# Kernels without CONFIG_PM_DEBUG (no /sys/power/pm_test) report every
# test skipped with that reason.  The 6.12 kernel has no knob for the
# hibernation pm_test wait: 5 s per hibernation cycle there.

declare -F rb_build >/dev/null || . "$TESTS/robust/host-lib.sh"

_pm_kernel() {
	local k=$1 cycles=${VSCMI_PM_CYCLES:-20} inflight=${VSCMI_PM_INFLIGHT:-300 20000} to script n
	local images=${VSCMI_PM_IMAGES:-$cycles} append=""
	n=$(wc -w <<<"$inflight")
	to=${VSCMI_PM_TIMEOUT:-$((300 + cycles * 4 * 25 + n * 60 + images * 30))}
	rb_build "$k" pm || return
	script=$RB_BDIR/pm.sh
	rb_script "$script" "RB_PM_CYCLES=$cycles RB_INFLIGHT='$inflight' RB_PM_IMAGES=$images" "$RB_DIR/pm-guest.sh"
	# a sparse swap disk for the hibernation image
	rm -f "$RB_BDIR/swap.img" && truncate -s 384M "$RB_BDIR/swap.img"
	if [ "$images" != 0 ]; then
		append="no_console_suspend"
		case $k in 6.*) append+=" arm64.nolva" ;; esac
	fi
	GUEST_SCMI_PROTOCOLS=$RB_PROTOCOLS guest_boot --kernel "$k" --name pm --script "$script" \
		--modules "$RB_MODULES" --stock-modules virtio_blk --smp 2 --mem 512 --timeout "$to" \
		${append:+--append "$append"} --qemu-args "-drive file=$RB_BDIR/swap.img,if=none,id=swap,format=raw -device virtio-blk-pci,drive=swap,bus=pcie.0" \
		--during "bash '$RB_DIR/host-pm.sh' $n"
	t_note "pm/$k: boot ${GUEST_STATUS} after $(rb_guest_wall) s ($GUEST_DIR)"
	rb_notes "$GUEST_DIR" 'pm: '
	guest_results "pm/$k"
	if tr -d '\r' <"$GUEST_DIR/console.log" | grep -aq 'VSCMI-RESULT skip inflight'; then
		t_skip "pm/$k/inflight/host_fault" "no in-flight test on this kernel"
	else
		rb_during_ok "pm/$k/inflight/host_fault"
	fi
}

suite_pm() {
	local k
	[ $# -gt 0 ] || { t_fail pm "no kernels"; return; }
	for k in $(suite_kernels "$@"); do
		t_plan "pm/$k/completed"
		_pm_kernel "$k"
	done
}
