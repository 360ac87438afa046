#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the installed Debian guest as a systemd service
# (vscmi-install-check.service) on every boot; prints VSCMI-RESULT lines,
# a dmesg dump and VSCMI-DONE on the console for tests/suites/install.sh.
#
# Boot 1 (phase "installed"): udev must have loaded virtio_scmi by itself,
#   SCMI clocks and power domains must be live, virtio-scmi-diag must say
#   healthy; then "apt remove virtio-scmi-dkms" as a user would, and reboot.
# Boot 2 (phase "removed"): the module is gone, nothing is left in
#   /lib/modules or /var/lib/dkms, diag reports SCMI down; power off.
# /etc/vscmi-install-check/expect-kernel, if there, names the kernel boot 1
# must run (test "kernel").  With /etc/vscmi-install-check/reinstall there,
# boot 1 does not reboot after the removal: it unloads the module (the
# device is then there and unbound, as on a guest that never had the
# package), installs the package again from its .deb in /root/pkgs, and
# checks that the postinst loaded the module and SCMI is live without a
# reboot; then it powers off.
set -uo pipefail

state=/var/lib/vscmi-install-check/phase
phase=$(cat "$state" 2>/dev/null || echo installed)
exec >/dev/ttyAMA0 2>&1

ok() { echo "VSCMI-RESULT ok $phase/$1"; }
nok() { local n=$1; shift; echo "VSCMI-RESULT not ok $phase/$n: $*" | tr '\n' ' '; echo; }
note() { echo "VSCMI-NOTE $*"; }
check() { local n=$1; shift; if "$@" >/dev/null 2>&1; then ok "$n"; else nok "$n" "$* failed"; fi; }
finish() {
	echo VSCMI-DMESG-BEGIN
	dmesg
	echo VSCMI-DMESG-END
	echo VSCMI-DONE
}
wait_for() {	# wait_for SECONDS CMD...
	local t=$1 i=0; shift
	until "$@" >/dev/null 2>&1; do
		[ $i -ge $((t * 5)) ] && return 1
		sleep 0.2; i=$((i + 1))
	done
}
clk_live() { [ "$(cat /sys/kernel/debug/clk/scmi_clk_cpu/clk_rate 2>/dev/null)" = 800000000 ]; }

# reinstall: the package installed again on this running guest, whose
# device is there and unbound (see the top of this file).
reinstall() {
	local deb t0 d
	rmmod virtio_scmi && ok reinstall-unloaded || nok reinstall-unloaded "rmmod virtio_scmi failed"
	d=$(grep -l '^0x0020$' /sys/bus/virtio/devices/*/device 2>/dev/null | head -n 1)
	[ -n "$d" ] && [ ! -e "${d%/device}/driver" ] && ok reinstall-device-unbound ||
		nok reinstall-device-unbound "device 32 '${d%/device}' has a driver or is gone"
	deb=$(ls /root/pkgs/virtio-scmi-dkms_*_all.deb 2>/dev/null | head -n 1)
	if [ -z "$deb" ]; then
		nok reinstall-apt "no /root/pkgs/virtio-scmi-dkms_*_all.deb in the guest"
		return
	fi
	t0=$(cut -d' ' -f1 /proc/uptime)
	echo "VSCMI-APT-INSTALL-BEGIN apt install $deb"
	DEBIAN_FRONTEND=noninteractive apt install "$deb" 2>&1 | sed 's/^/VSCMI-APT /'
	rc=${PIPESTATUS[0]}
	[ "$rc" = 0 ] && ok reinstall-apt || nok reinstall-apt "apt install $deb: exit $rc"
	if wait_for 30 clk_live && grep -q '^virtio_scmi ' /proc/modules; then
		note "installed again and live $(awk -v t0="$t0" '{ printf "%.1f", $1 - t0 }' /proc/uptime) s after apt install began"
		ok reinstall-live-without-reboot
	else
		nok reinstall-live-without-reboot "after apt install: virtio_scmi $(grep -c '^virtio_scmi ' /proc/modules) loaded, clock rate '$(cat /sys/kernel/debug/clk/scmi_clk_cpu/clk_rate 2>&1)'"
	fi
}

mountpoint -q /sys/kernel/debug || mount -t debugfs debugfs /sys/kernel/debug
rel=$(uname -r)
note "phase $phase, kernel $rel, uptime $(cut -d' ' -f1 /proc/uptime) s"
echo "VSCMI-PHASE $phase"

if [ "$phase" = installed ]; then
	want=$(cat /etc/vscmi-install-check/expect-kernel 2>/dev/null)
	if [ -n "$want" ]; then
		[ "$rel" = "$want" ] && ok kernel || nok kernel "running $rel, want $want"
	fi
	if wait_for 60 clk_live; then
		echo "VSCMI-CLOCK-LIVE uptime=$(cut -d' ' -f1 /proc/uptime)"
		ok clock-live
	else
		nok clock-live "scmi_clk_cpu rate is '$(cat /sys/kernel/debug/clk/scmi_clk_cpu/clk_rate 2>&1)', want 800000000"
	fi
	# Nothing in this guest loads modules by name: udev did it for the device.
	if grep -q '^virtio_scmi ' /proc/modules; then
		ok udev-autoload
		note "$(grep '^virtio_scmi ' /proc/modules)"
	else
		nok udev-autoload "virtio_scmi not loaded"
	fi
	d=$(grep -l '^0x0020$' /sys/bus/virtio/devices/*/device 2>/dev/null | head -n 1)
	drv=$(readlink -f "${d%/device}/driver/module" 2>/dev/null)
	if [ "${drv##*/}" = virtio_scmi ]; then ok device-bound; else nok device-bound "device 32 driver module '${drv##*/}'"; fi
	for c in scmi_clk_cpu:800000000 scmi_clk_uart:24000000; do
		got=$(cat "/sys/kernel/debug/clk/${c%%:*}/clk_rate" 2>/dev/null)
		[ "$got" = "${c#*:}" ] && ok "clk/${c%%:*}" || nok "clk/${c%%:*}" "rate '${got}' want ${c#*:}"
	done
	for p in pd_gpu pd_vpu pd_usb; do
		grep -q "^$p " /sys/kernel/debug/pm_genpd/pm_genpd_summary 2>/dev/null &&
			ok "genpd/$p" || nok "genpd/$p" "not in pm_genpd_summary"
	done
	f=/lib/modules/$rel/updates/dkms/virtio_scmi.ko
	ls "$f"* >/dev/null 2>&1 && ok module-file || nok module-file "no $f"
	out=$(virtio-scmi-diag 2>&1); rc=$?
	echo "$out" | sed 's/^/VSCMI-DIAG /'
	[ $rc = 0 ] && ok diag-healthy || nok diag-healthy "virtio-scmi-diag exit $rc: $(echo "$out" | tail -n 1)"
	virtio-scmi-diag --json >/tmp/diag.json 2>&1; rc=$?
	grep -q '"healthy": true' /tmp/diag.json && [ $rc = 0 ] && ok diag-json || nok diag-json "exit $rc"
	note "$(dkms status 2>&1 | tr '\n' ';')"

	# The README's removal command (written here by tests/install/lib.sh).
	cmd=$(cat /etc/vscmi-install-check/remove-cmd 2>/dev/null || echo "apt remove virtio-scmi-dkms")
	echo "VSCMI-APT-REMOVE-BEGIN $cmd"
	DEBIAN_FRONTEND=noninteractive bash -c "$cmd" 2>&1 | sed 's/^/VSCMI-APT /'
	rc=${PIPESTATUS[0]}
	[ "$rc" = 0 ] && ok apt-remove || nok apt-remove "$cmd: exit $rc"
	if [ -e /etc/vscmi-install-check/reinstall ]; then
		reinstall
		echo "done" >"$state"
		sync
		finish
		systemctl poweroff
		exit 0
	fi
	mkdir -p "${state%/*}"
	echo removed >"$state"
	sync
	finish
	systemctl reboot
	exit 0
fi

# phase "removed"
sleep 5
if grep -q '^virtio_scmi ' /proc/modules; then nok module-gone "virtio_scmi loaded after removal"; else ok module-gone; fi
left=$(find /lib/modules /usr/lib/modules -name 'virtio_scmi.ko*' 2>/dev/null)
[ -z "$left" ] && ok no-ko-left || nok no-ko-left "$left"
left=$(find /var/lib/dkms -path '*virtio-scmi*' 2>/dev/null | head -n 3)
[ -z "$left" ] && ok no-dkms-state-left || nok no-dkms-state-left "$left"
left=$(compgen -G '/usr/src/virtio-scmi-*')
[ -z "$left" ] && ok no-sources-left || nok no-sources-left "$left"
out=$(virtio-scmi-diag 2>&1); rc=$?
echo "$out" | sed 's/^/VSCMI-DIAG /'
[ $rc = 1 ] && echo "$out" | grep -q 'Module installed.*not installed' && ok diag-says-not-installed ||
	nok diag-says-not-installed "exit $rc"

echo "done" >"$state"
finish
systemctl poweroff
