#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/demo.sh [--kernel NAME] [--transport pci|mmio]
#
# The main job ("make demo"): build virtio_scmi.ko for a stock Debian arm64
# kernel, boot that kernel under QEMU with the module and the project's SCMI
# platform behind a vhost-user-scmi device, and print what the guest sees:
# the module loaded on demand, the SCMI instance, its clocks, power and
# performance domains, and the traffic the platform served.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/common.sh"
. "$here/lib/report.sh"
. "$here/lib/apt.sh"
. "$here/lib/kernels.sh"
. "$here/lib/platform.sh"
. "$here/lib/guest.sh"
. "$here/lib/module.sh"

kernel=6.12
transport=pci
while [ $# -gt 0 ]; do
	case $1 in
	--kernel) kernel=$2; shift 2 ;;
	--transport) transport=$2; shift 2 ;;
	-h|--help) sed -n '4,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown argument $1" ;;
	esac
done
kernel_known "$kernel" || die "unknown kernel '$kernel' (see tests/kernels.conf)"

echo "== preparing Debian kernel $kernel (download, build chroot: cached after the first run)"
kernel_prepare "$kernel" >&2
out=$RESULTS/$kernel/demo
mkdir -p "$out"
echo "== building virtio_scmi.ko for $(kernel_release "$kernel")"
module_build "$kernel" "$out/module" >&2
ko=$out/module/virtio_scmi.ko
[ -f "$ko" ] || die "module build left no $ko"

script=$out/demo-guest.sh
cat >"$script" <<'GUEST'
. /lib/vscmi/lib.sh
echo "---- guest: $(uname -r), $(nproc) CPUs"
# No modprobe here: udev-style hotplug loads the driver from the modalias.
if wait_for /sys/module/virtio_scmi 20; then
	result_ok module-autoloaded
else
	result_fail module-autoloaded "virtio_scmi was not loaded from the modalias"
fi
for d in /sys/bus/virtio/devices/*; do
	[ "$(cat "$d/device")" = 0x0020 ] || continue
	echo "virtio device $(basename "$d"): device 0x0020, driver $(basename "$(readlink "$d/driver")")"
done
wait_for /sys/kernel/debug/clk/clk_summary 10 || true
sleep 1
echo "---- kernel messages about SCMI"
dmesg | grep -iE 'scmi' | sed 's/^/  /'
if dmesg | grep -q "SCMI Protocol v.*'virtio-scmi"; then
	result_ok scmi-enumerated
else
	result_fail scmi-enumerated "no 'SCMI Protocol ... virtio-scmi' line"
fi
for f in /sys/bus/platform/devices/arm-scmi*/vendor_id; do
	[ -r "$f" ] && echo "vendor_id: $(cat "$f")"
done
echo "---- SCMI clocks (/sys/kernel/debug/clk/clk_summary)"
grep -E 'scmi|enable' /sys/kernel/debug/clk/clk_summary | sed 's/^/  /'
if grep -q scmi_clk /sys/kernel/debug/clk/clk_summary; then
	result_ok scmi-clocks
else
	result_fail scmi-clocks "no SCMI clock in clk_summary"
fi
echo "---- power and performance domains (/sys/kernel/debug/pm_genpd/pm_genpd_summary)"
sed 's/^/  /' /sys/kernel/debug/pm_genpd/pm_genpd_summary 2>/dev/null | head -40
echo "---- transport statistics (/sys/kernel/debug/virtio_scmi)"
for f in /sys/kernel/debug/virtio_scmi/*/stats; do
	[ -r "$f" ] && sed 's/^/  /' "$f"
done
exit 0
GUEST

echo "== starting the SCMI platform and booting the guest (QEMU $(qemu-system-aarch64 --version | awk 'NR==1{print $4}'), $transport transport)"
platform_start "$out/platform" >&2
trap platform_stop EXIT
# From here on every step reports instead of stopping the script: the
# results and the summary must print whatever the guest did.
set +e
export GUEST_PLAN="module-autoloaded scmi-enumerated scmi-clocks"
guest_boot --kernel "$kernel" --name demo --script "$script" --modules "$ko" \
	--transport "$transport" --no-platform
tr -d '\r' <"$GUEST_CONSOLE" | sed -n '/^---- guest/,/^VSCMI-DONE/p' | grep -v '^VSCMI-DONE'
echo "== what the platform served"
platform_ctl stats >"$out/platform-stats.txt" 2>&1
sed -n '1,60s/^/  /p' "$out/platform-stats.txt"
echo "== results"
guest_results "demo/$kernel"
echo "console log: $GUEST_CONSOLE"
t_summary
if [ "$T_FAILED" -ne 0 ]; then
	echo "demo: FAILED: ${T_FAILED_NAMES[*]} (guest status $GUEST_STATUS; console $GUEST_CONSOLE)" >&2
	exit 1
fi
