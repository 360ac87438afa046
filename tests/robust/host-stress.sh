#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host side of the "stress" suite, run by guest_boot --during: at the
# guest's "VSCMI-NOTE rb-mark hp-del N" device_del the SCMI device (QEMU
# presses the root port's attention button), at "rb-mark hp-add N" (the
# guest removed it) device_add a new one on the same root port and
# chardev, retrying while QEMU still has the old one.
# Usage: host-stress.sh CYCLES
set -uo pipefail
# shellcheck source=tests/robust/host-wait.sh
. "$(dirname "$0")/host-wait.sh"

cycles=$1
# wait_mark M: wait for "rb-mark M" or the end of the loop; 1 when ended.
wait_mark() {
	if ! rb_wait "rb-mark ($1|hp-done)\$" 300; then
		echo "host-stress: mark '$1' not seen"
		exit 1
	fi
	! tr -d '\r' <"$GUEST_CONSOLE" | grep -q 'rb-mark hp-done$'
}

for ((i = 1; i <= cycles; i++)); do
	wait_mark "hp-del $i" || { echo "host-stress: guest ended the loop before cycle $i"; exit 0; }
	out=$(qemu_monitor device_del scmi)
	if [ -n "$out" ]; then
		echo "host-stress: cycle $i: device_del: $out"
		exit 1
	fi
	wait_mark "hp-add $i" || { echo "host-stress: guest ended the loop in cycle $i"; exit 0; }
	added=
	for ((t = 0; t < 100; t++)); do
		out=$(qemu_monitor device_add vhost-user-scmi-pci,chardev=vscmi,id=scmi,bus=rp0)
		if [ -z "$out" ]; then
			added=1
			break
		fi
		sleep 0.1
	done
	if [ -z "$added" ]; then
		echo "host-stress: cycle $i: device_add failed: $out"
		exit 1
	fi
	[ "$t" -eq 0 ] || echo "host-stress: cycle $i: device_add after $t retries ($out)"
done
echo "host-stress: $cycles cycles done"
exit 0
