#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests.sh DIAG_BINARY: checks virtio-scmi-diag's verdicts and exit codes on
# fake system trees (--root).  Each tree is a small copy of what the tool
# reads: proc/sys/kernel/osrelease, boot/config-*, lib/modules (a stand-in
# .ko with a real .modinfo section, indexed by depmod), etc/modprobe.d, and
# the sysfs/procfs files of a guest.  Prints "ok NAME" / "not ok NAME: why"
# per case ("ok NAME # SKIP why" for a case that cannot run here), then
# "N passed, N failed" once every case ran, and exits 1 if any case failed.
# A run that dies before its end prints no summary: the caller fails it.
# Needs cc and depmod.
set -euo pipefail

diag=$(readlink -f "${1:?usage: tests.sh DIAG_BINARY}")
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
REL=6.12.57+deb13-arm64
failed=0
n_pass=0
n_fail=0
n_skip=0

pass() { echo "ok $1"; n_pass=$((n_pass + 1)); }
fail() { echo "not ok $1: $2"; failed=1; n_fail=$((n_fail + 1)); }
skip() { echo "ok $1 # SKIP $2"; n_skip=$((n_skip + 1)); }

# fake_ko FILE NAME ALIAS [signed]: an object with a .modinfo section.
fake_ko() {
	local file=$1 name=$2 alias=$3
	mkdir -p "$(dirname "$file")"
	if [ -s "$tmp/$name.ko" ]; then
		cp "$tmp/$name.ko" "$file"
		return
	fi
	printf 'static const char mi[] __attribute__((section(".modinfo"), used)) =\n' >"$tmp/m.c"
	printf '"alias=%s\\0name=%s\\0license=GPL\\0version=0.1.0\\0vermagic=%s SMP mod_unload aarch64";\n' \
		"$alias" "$name" "$REL" >>"$tmp/m.c"
	cc -c -o "$tmp/$name.ko" "$tmp/m.c"
	cp "$tmp/$name.ko" "$file"
}

# healthy_tree DIR: a guest where everything works.
healthy_tree() {
	local r=$1 m
	mkdir -p "$r/proc/sys/kernel" "$r/boot" "$r/etc/modprobe.d" "$r/sys/kernel/security"
	echo "$REL" >"$r/proc/sys/kernel/osrelease"
	printf 'CONFIG_VIRTIO=y\nCONFIG_ARM_SCMI_PROTOCOL=y\n# CONFIG_ARM_SCMI_TRANSPORT_VIRTIO is not set\nCONFIG_MODULE_SIG=y\nCONFIG_COMMON_CLK_SCMI=y\n' \
		>"$r/boot/config-$REL"
	m=$r/lib/modules/$REL
	fake_ko "$m/updates/dkms/virtio_scmi.ko" virtio_scmi 'virtio:d00000020v*'
	depmod -b "$r" "$REL" 2>/dev/null
	echo "[none] integrity confidentiality" >"$r/sys/kernel/security/lockdown"
	mkdir -p "$r/sys/module/virtio_scmi" "$r/sys/bus/virtio/drivers/virtio-scmi" \
		"$r/sys/devices/pci0000:00/virtio1" "$r/sys/bus/virtio/devices"
	echo live >"$r/sys/module/virtio_scmi/initstate"
	ln -s ../../../module/virtio_scmi "$r/sys/bus/virtio/drivers/virtio-scmi/module"
	local d=$r/sys/devices/pci0000:00/virtio1
	echo 0x0020 >"$d/device"
	echo 0x1af4 >"$d/vendor"
	echo "virtio:d00000020v00001AF4" >"$d/modalias"
	ln -s ../../../bus/virtio/drivers/virtio-scmi "$d/driver"
	ln -s ../../../devices/pci0000:00/virtio1 "$r/sys/bus/virtio/devices/virtio1"
	# another virtio device that must be ignored
	mkdir -p "$r/sys/devices/pci0000:00/virtio0"
	echo 0x0002 >"$r/sys/devices/pci0000:00/virtio0/device"
	ln -s ../../../devices/pci0000:00/virtio0 "$r/sys/bus/virtio/devices/virtio0"
	mkdir -p "$r/proc/device-tree/firmware/scmi/protocol@14" "$r/proc/device-tree/firmware/scmi/protocol@11"
	printf 'arm,scmi-virtio\0' >"$r/proc/device-tree/firmware/scmi/compatible"
	mkdir -p "$r/sys/devices/platform/firmware:scmi" "$r/sys/bus/platform/drivers/arm-scmi"
	echo 0x20001 >"$r/sys/devices/platform/firmware:scmi/protocol_version"
	echo 0x1 >"$r/sys/devices/platform/firmware:scmi/firmware_version"
	echo Test >"$r/sys/devices/platform/firmware:scmi/vendor_id"
	ln -s ../../../../devices/platform/firmware:scmi "$r/sys/bus/platform/drivers/arm-scmi/firmware:scmi"
	mkdir -p "$r/sys/bus/scmi_protocol/devices/scmi_dev.1" "$r/sys/bus/scmi_protocol/drivers/scmi-clocks" \
		"$r/sys/bus/scmi_protocol/devices/scmi_dev.2"
	ln -s ../../drivers/scmi-clocks "$r/sys/bus/scmi_protocol/devices/scmi_dev.1/driver"
	mkdir -p "$r/sys/kernel/debug/scmi/0/transport"
	echo 1 >"$r/sys/kernel/debug/scmi/0/transport/tx_max_msg"
}

# expect NAME TREE STATUS CHECK_ID RESULT [EXTRA_ARGS...]
expect() {
	local name=$1 r=$2 want=$3 id=$4 res=$5 out rc=0 got
	shift 5
	out=$("$diag" --root "$r" --json "$@" 2>&1) || rc=$?
	if [ "$rc" != "$want" ]; then
		fail "$name" "exit $rc, expected $want: $(echo "$out" | grep -m1 verdict || echo "$out" | tail -n 1)"
		return
	fi
	# one check per line: {"id": "ID", "result": "RES", ...}
	got=$(sed -n "s/^ *{\"id\": \"$id\", \"result\": \"\([a-z]*\)\".*/\1/p" <<<"$out")
	[ -n "$got" ] || got=missing
	if [ "$got" != "$res" ]; then
		fail "$name" "check $id is $got, expected $res"
		return
	fi
	pass "$name"
}

t=$tmp/healthy; healthy_tree "$t"
expect healthy "$t" 0 modalias ok
expect healthy-protocols "$t" 0 protocols ok
expect healthy-device "$t" 0 virtio-device ok
expect healthy-dt "$t" 0 device-tree ok
out=$("$diag" --root "$t") && grep -q '^verdict: SCMI is up' <<<"$out" &&
	grep -q 'virtio1 vendor 0x1af4 driver virtio-scmi (module virtio_scmi)' <<<"$out" &&
	grep -q 'scmi_dev.1->scmi-clocks' <<<"$out" && pass text-output ||
	fail text-output "$(echo "$out" | tail -n 3)"
if command -v python3 >/dev/null; then
	"$diag" --root "$t" --json | python3 -c 'import json, sys; d = json.load(sys.stdin); assert d["healthy"] and len(d["checks"]) > 10' &&
		pass json-valid || fail json-valid "--json output does not parse"
else
	skip json-valid "no python3 to parse the --json output"
fi
q=$("$diag" --root "$t" --quiet) && [ "$(echo "$q" | wc -l)" = 1 ] && pass quiet || fail quiet "$q"

t=$tmp/notinstalled; healthy_tree "$t"
rm -rf "$t/lib/modules/$REL/updates" "$t/sys/module/virtio_scmi" "$t/sys/bus/virtio/devices/virtio1"
mkdir -p "$t/sys/devices/virtio9" && echo 0x0020 >"$t/sys/devices/virtio9/device" &&
	ln -s ../../../devices/virtio9 "$t/sys/bus/virtio/devices/virtio9"
rm -rf "$t/sys/bus/platform/drivers/arm-scmi" "$t/sys/bus/scmi_protocol"
depmod -b "$t" "$REL" 2>/dev/null
expect not-installed "$t" 1 module-installed fail
expect not-installed-unbound "$t" 1 virtio-device fail

t=$tmp/nodevice; healthy_tree "$t"
rm -rf "$t/sys/bus/virtio/devices/virtio1" "$t/proc/device-tree/firmware"
expect no-scmi-here "$t" 3 virtio-device fail

t=$tmp/nodt; healthy_tree "$t"
rm -rf "$t/proc/device-tree/firmware"
expect no-dt-node "$t" 1 device-tree fail

t=$tmp/noprotocols; healthy_tree "$t"
rm -f "$t/sys/bus/scmi_protocol/devices/scmi_dev.1/driver"
expect no-protocols "$t" 1 protocols fail

t=$tmp/lockdown; healthy_tree "$t"
echo "none [integrity] confidentiality" >"$t/sys/kernel/security/lockdown"
rm -rf "$t/sys/module/virtio_scmi"
expect unsigned-under-lockdown "$t" 1 signature fail
expect unsigned-not-loaded "$t" 1 module-loaded fail

# Both the in-tree transport module and virtio_scmi claim device 32 (ours
# installed by hand: dkms skips such a kernel): udev would load both.
t=$tmp/both; healthy_tree "$t"
sed -i 's/^# CONFIG_ARM_SCMI_TRANSPORT_VIRTIO is not set/CONFIG_ARM_SCMI_TRANSPORT_VIRTIO=m/' "$t/boot/config-$REL"
fake_ko "$t/lib/modules/$REL/kernel/drivers/firmware/arm_scmi/transports/scmi_transport_virtio.ko" \
	scmi_transport_virtio 'virtio:d00000020v*'
depmod -b "$t" "$REL" 2>/dev/null
expect both-transports-warned "$t" 0 modalias warn
expect intree-module-warned "$t" 0 in-tree-transport warn
# Only the in-tree module (what dkms leaves such a kernel): the lookup
# finds the kernel's own transport, no modprobe.d alias hides it.
rm -f "$t/lib/modules/$REL/updates/dkms/virtio_scmi.ko"
depmod -b "$t" "$REL" 2>/dev/null
expect intree-only-lookup "$t" 1 modalias ok

t=$tmp/builtin; healthy_tree "$t"
sed -i 's/^# CONFIG_ARM_SCMI_TRANSPORT_VIRTIO is not set/CONFIG_ARM_SCMI_TRANSPORT_VIRTIO=y/' "$t/boot/config-$REL"
expect intree-builtin "$t" 0 in-tree-transport warn

t=$tmp/nocore; healthy_tree "$t"
sed -i '/CONFIG_ARM_SCMI_PROTOCOL/d' "$t/boot/config-$REL"
rm -rf "$t/sys/bus/platform/drivers/arm-scmi"
expect no-core "$t" 1 scmi-core fail

# options
help=$("$diag" --help)
grep -q -- '--root DIR' <<<"$help" && grep -q 'Exit status' <<<"$help" &&
	pass help || fail help "--help incomplete"
for o in json quiet verbose root kernel help version; do
	grep -q -- "--$o" <<<"$help" || fail "help-$o" "--help does not mention --$o"
done
rc=0; "$diag" --bogus >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] && pass bad-option || fail bad-option "exit $rc"
rc=0; "$diag" --root "$tmp/does-not-exist" >/dev/null 2>&1 || rc=$?
[ "$rc" = 2 ] && pass bad-root || fail bad-root "exit $rc"
grep -q '^virtio-scmi-diag [0-9]' <<<"$("$diag" --version)" && pass version || fail version "no version"

echo "$n_pass passed, $n_fail failed, $n_skip skipped"
exit $failed
