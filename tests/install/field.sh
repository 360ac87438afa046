# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Field-safety checks for the package suite (issue 15), no guest needed:
#
#  - the real dkms of bookworm (3.0.10) and of trixie (3.2.x), downloaded
#    once into the cache, run on the shipped sources against fake kernel
#    header trees (--kernelsourcedir): every skip reason gives "dkms build"
#    exit 77 and "dkms autoinstall" (what a kernel's postinst runs) exit 0,
#    each with exactly one line naming the kernel and the reason;
#  - in-tree: in a fake root whose kernel has the virtio transport as a
#    module, with the package's files installed, the device's modalias
#    resolves to the kernel's module; where dkms installed virtio_scmi, to it;
#  - the postinst loads virtio_scmi for an unbound virtio SCMI device, and
#    never fails.
#
# Source tests/lib/common.sh and tests/lib/report.sh first (tests/run does).

# shellcheck source=tests/lib/apt.sh
. "$TESTS/lib/apt.sh"

# fld_kernel DIR MAJOR MINOR PROTOCOL TRANSPORT BTF [mismatch]: a fake
# header tree: version.h, .config (CONFIG_ARM_SCMI_PROTOCOL=PROTOCOL,
# CONFIG_VIRTIO=y, CONFIG_ARM_SCMI_TRANSPORT_VIRTIO=TRANSPORT when not empty),
# a vmlinux when BTF is 1, and a Makefile: the layout check alone
# (VSCMI_LAYOUT_ONLY=1) passes (leaves src/shim/layout.ok), or with
# "mismatch" fails the way btfcheck does; the module build always fails
# (exit 10 in dkms: make was run).
fld_kernel() {
	local d=$1
	mkdir -p "$d/include/generated/uapi/linux"
	printf '#define LINUX_VERSION_MAJOR %s\n#define LINUX_VERSION_PATCHLEVEL %s\n' "$2" "$3" \
		>"$d/include/generated/uapi/linux/version.h"
	{
		[ -z "$4" ] || echo "CONFIG_ARM_SCMI_PROTOCOL=$4"
		echo CONFIG_VIRTIO=y
		[ -z "$5" ] || echo "CONFIG_ARM_SCMI_TRANSPORT_VIRTIO=$5"
	} >"$d/.config"
	[ "$6" != 1 ] || : >"$d/vmlinux"
	if [ "${7:-}" = mismatch ]; then
		printf 'modules:\n\t@echo "virtio_scmi: layout mismatch with the target kernel'"'"'s arm_scmi core: %s"; false\n' \
			'struct scmi_chan_info member id has size 8, kernel'"'"'s has size 4' >"$d/Makefile"
	else
		printf 'modules:\n\ttest "$(VSCMI_LAYOUT_ONLY)" = 1 && touch "$(M)/src/shim/layout.ok"\n' >"$d/Makefile"
	fi
}

# fld_dkms SUITE DIR: unpack that suite's dkms into DIR, print its script.
fld_dkms() {
	local suite=$1 dir=$2 ver deb
	ver=$(vapt_newest dkms "$suite") && [ -n "$ver" ] || { echo "no dkms in $suite" >&2; return 1; }
	deb=$(vapt_fetch "dkms=$ver" "$CACHE/debs") || return 1
	mkdir -p "$dir/dkms-$suite"
	dpkg-deb -x "$deb" "$dir/dkms-$suite" || return 1
	echo "$dir/dkms-$suite/usr/sbin/dkms"
}

# fld_run DKMS SRC VERSION OP KERNEL ARCH KSRC OUT: a fresh dkms tree with
# the sources added, then "dkms OP" for the kernel; output in OUT, prints
# the exit status.
fld_run() {
	local dk=$1 src=$2 v=$3 op=$4 k=$5 a=$6 ksrc=$7 out=$8 d rc=0
	d=$(mktemp -d)
	mkdir -p "$d/tree" "$d/src" "$d/inst"
	cp -a "$src" "$d/src/virtio-scmi-$v"
	local opts=(--dkmstree "$d/tree" --sourcetree "$d/src" --installtree "$d/inst")
	if ! "$dk" add -m virtio-scmi -v "$v" "${opts[@]}" >"$out" 2>&1; then
		rm -rf "$d"
		echo add-failed
		return 0
	fi
	case $op in
	build) "$dk" build -m virtio-scmi -v "$v" -k "$k" -a "$a" "${opts[@]}" --kernelsourcedir "$ksrc" ;;
	autoinstall) "$dk" autoinstall -k "$k" -a "$a" "${opts[@]}" --kernelsourcedir "$ksrc" ;;
	esac >"$out" 2>&1 </dev/null || rc=$?
	rm -rf "$d"
	echo "$rc"
}

# fld_one_line OUT KERNEL REGEX: exactly one "virtio-scmi: skipped for
# Linux KERNEL: ..." line, and it matches REGEX.
fld_one_line() {
	local n
	n=$(grep -c "^virtio-scmi: skipped for Linux $1: " "$2")
	[ "$n" = 1 ] || { echo "$n lines 'virtio-scmi: skipped for Linux $1:' (want 1)"; return 1; }
	grep "^virtio-scmi: skipped for Linux $1: " "$2" | grep -Eq "$3" ||
		{ echo "reason does not match /$3/: $(grep "^virtio-scmi: skipped" "$2")"; return 1; }
}

# fld_skips SRCDIR VERSION OUTDIR: the skip matrix with both dkms versions.
fld_skips() {
	local src=$1 v=$2 out=$3 w suite dk case k mj mn p t b a re rc kt
	w=$(mktemp -d)
	# name:release:major:minor:protocol:transport:btf:arch:reason
	local cases=(
		"unknown-abi:7.4.1+deb14-arm64:7:4:y::1:aarch64:core ABI \\(7\\.4\\) is unknown"
		"no-btf:6.12.57+deb13-arm64:6:12:y::0:aarch64:no BTF"
		"core-m:6.12.58+deb13-arm64:6:12:m::1:aarch64:CONFIG_ARM_SCMI_PROTOCOL=m"
		"in-tree transport:6.12.59+deb13-arm64:6:12:y:m:1:aarch64:in-tree SCMI virtio transport \\(CONFIG_ARM_SCMI_TRANSPORT_VIRTIO=m\\)"
		"too-old:6.1.0-41-arm64:6:1:y::1:aarch64:6\\.1 is older than 6\\.12"
		"non-arm64:6.12.60+deb13-amd64:6:12:y::1:x86_64:architecture x86_64"
		"layout-mismatch:6.12.62+deb13-arm64:6:12:y::1:aarch64:layout check against its BTF failed: .*struct scmi_chan_info member id"
	)
	for suite in bookworm trixie; do
		if ! dk=$(fld_dkms "$suite" "$w" 2>"$out/dkms-$suite.err"); then
			t_fail "package: dkms of $suite" "$(tail -n 1 "$out/dkms-$suite.err")"
			continue
		fi
		local dv
		dv=$("$dk" --version 2>/dev/null)
		for case in "${cases[@]}"; do
			IFS=: read -r t k mj mn p kt b a re <<<"$case"
			fld_kernel "$w/k/$k" "$mj" "$mn" "$p" "$kt" "$b" "${t/layout-/}"
			rc=$(fld_run "$dk" "$src" "$v" build "$k" "$a" "$w/k/$k" "$out/$suite-$t-build.log")
			[ "$rc" = 77 ] && t_pass "package: $t: $dv build for $k exits 77 (skipped)" ||
				t_fail "package: $t: $dv build for $k exits 77 (skipped)" "exit $rc (log $out/$suite-$t-build.log)"
			t_check "package: $t: $dv build says why in one line naming $k" \
				fld_one_line "$k" "$out/$suite-$t-build.log" "$re"
			rc=$(fld_run "$dk" "$src" "$v" autoinstall "$k" "$a" "$w/k/$k" "$out/$suite-$t-autoinstall.log")
			[ "$rc" = 0 ] && t_pass "package: $t: $dv autoinstall for $k (a kernel's postinst) exits 0" ||
				t_fail "package: $t: $dv autoinstall for $k (a kernel's postinst) exits 0" \
					"exit $rc (log $out/$suite-$t-autoinstall.log)"
			t_check "package: $t: $dv autoinstall says why in one line naming $k" \
				fld_one_line "$k" "$out/$suite-$t-autoinstall.log" "$re"
		done
		# control: a known ABI with BTF is not skipped (the fake make fails)
		k=6.12.61+deb13-arm64
		fld_kernel "$w/k/$k" 6 12 y "" 1
		rc=$(fld_run "$dk" "$src" "$v" build "$k" aarch64 "$w/k/$k" "$out/$suite-known-build.log")
		if [ "$rc" = 10 ] && ! grep -q '^virtio-scmi: skipped' "$out/$suite-known-build.log"; then
			t_pass "package: known ABI: $dv build for $k is not skipped (make runs: exit 10 on the fake tree)"
		else
			t_fail "package: known ABI: $dv build for $k is not skipped" "exit $rc, want 10 (log $out/$suite-known-build.log)"
		fi
	done
	rm -rf "$w"
}

# fld_fake_ko FILE NAME: an ELF object with just the .modinfo a module
# with MODULE_DEVICE_TABLE(virtio, {32, any}) has: depmod reads its alias.
fld_fake_ko() {
	mkdir -p "$(dirname "$1")"
	printf '.section .modinfo,"a"\n.asciz "alias=virtio:d00000020v*"\n.asciz "name=%s"\n' "$2" |
		as -o "$1" -
}

# fld_resolve ROOT KERNEL: what udev's lookup (libkmod: modprobe.d of the
# root, then its modules.alias) gives for the device's modalias.
fld_resolve() {
	depmod -b "$1" "$2" 2>/dev/null || return 1
	local c=()
	[ -d "$1/etc/modprobe.d" ] && c+=(-C "$1/etc/modprobe.d")
	[ -d "$1/usr/lib/modprobe.d" ] && c+=(-C "$1/usr/lib/modprobe.d")
	[ ${#c[@]} -gt 0 ] || c=(-C "$1/etc/modprobe.d")
	modprobe -d "$1" -S "$2" "${c[@]}" --resolve-alias virtio:d00000020v00001AF4
}

# fld_in_tree DEBROOT|RPMROOT KIND: the package's files are unpacked in ROOT.
fld_in_tree() {
	local root=$1 kind=$2 k=6.12.57+deb13-arm64 got
	fld_fake_ko "$root/lib/modules/$k/kernel/drivers/firmware/arm_scmi/scmi_transport_virtio.ko" \
		scmi_transport_virtio || { t_fail "package: in-tree ($kind)" "cannot make a fake module"; return; }
	got=$(fld_resolve "$root" "$k" 2>&1 | tr '\n' ' ')
	[ "$got" = "scmi_transport_virtio " ] &&
		t_pass "package: in-tree: with the $kind installed, virtio:d00000020v00001AF4 resolves to the kernel's scmi_transport_virtio" ||
		t_fail "package: in-tree: with the $kind installed, virtio:d00000020v00001AF4 resolves to the kernel's scmi_transport_virtio" \
			"modprobe --resolve-alias says '$got'"
	# a kernel without it, where dkms installed ours
	k=6.12.58+deb13-arm64
	fld_fake_ko "$root/lib/modules/$k/updates/dkms/virtio_scmi.ko" virtio_scmi
	got=$(fld_resolve "$root" "$k" 2>&1 | tr '\n' ' ')
	[ "$got" = "virtio_scmi " ] &&
		t_pass "package: modules.alias: with the $kind installed, virtio:d00000020v00001AF4 resolves to virtio_scmi where dkms installed it" ||
		t_fail "package: modules.alias: with the $kind installed, virtio:d00000020v00001AF4 resolves to virtio_scmi where dkms installed it" \
			"modprobe --resolve-alias says '$got'"
}

# fld_postinst POSTINST OUTDIR: the part of the postinst after debhelper's
# sections, run as "configure" in a private mount namespace whose
# /sys/bus/virtio/devices is a fake, with modinfo and modprobe stubs that log.
fld_postinst() {
	local pi=$1 out=$2 w rc
	w=$(mktemp -d)
	awk '/^# End automatically added section/ { b = ""; next } { b = b $0 "\n" } END { printf "%s", b }' "$pi" >"$w/tail.sh"
	grep -q modprobe "$w/tail.sh" || { t_fail "package: postinst loads the module" "no code after debhelper's sections"; rm -rf "$w"; return; }
	mkdir -p "$w/bin" "$w/dev/virtio0" "$w/dev/virtio1"
	echo 0x0020 >"$w/dev/virtio0/device"
	echo 0x0001 >"$w/dev/virtio1/device"
	printf '#!/bin/sh\necho "modinfo $*" >>%s/calls\necho /lib/modules/x/updates/dkms/virtio_scmi.ko\n' "$w" >"$w/bin/modinfo"
	printf '#!/bin/sh\necho "modprobe $*" >>%s/calls\nexit ${FAKE_MODPROBE_RC:-0}\n' "$w" >"$w/bin/modprobe"
	chmod +x "$w/bin/modinfo" "$w/bin/modprobe"
	fld_pi_run() {
		: >"$w/calls"
		rc=0
		unshare -m sh -c "mount --bind '$w/dev' /sys/bus/virtio/devices && PATH='$w/bin:'\$PATH sh -e '$w/tail.sh' configure" \
			>"$out" 2>&1 || rc=$?
	}
	if ! unshare -m true 2>/dev/null || [ ! -d /sys/bus/virtio/devices ]; then
		t_fail "package: postinst loads the module" "needs root (unshare -m) and /sys/bus/virtio"
		rm -rf "$w"
		return
	fi
	fld_pi_run
	[ "$rc" = 0 ] && grep -qx 'modprobe virtio_scmi' "$w/calls" && grep -q 'loaded virtio_scmi for virtio0' "$out" &&
		t_pass "package: postinst: an unbound virtio SCMI device gets modprobe virtio_scmi (live without reboot)" ||
		t_fail "package: postinst: an unbound virtio SCMI device gets modprobe virtio_scmi" \
			"exit $rc, calls: $(tr '\n' ';' <"$w/calls")"
	mkdir -p "$w/dev/virtio0/driver"
	fld_pi_run
	[ "$rc" = 0 ] && ! grep -q '^modprobe' "$w/calls" &&
		t_pass "package: postinst: a bound virtio SCMI device is left alone" ||
		t_fail "package: postinst: a bound virtio SCMI device is left alone" "exit $rc, calls: $(tr '\n' ';' <"$w/calls")"
	rmdir "$w/dev/virtio0/driver"
	FAKE_MODPROBE_RC=1 fld_pi_run
	[ "$rc" = 0 ] && grep -q 'could not load virtio_scmi' "$out" &&
		t_pass "package: postinst: a failing modprobe does not fail the postinst" ||
		t_fail "package: postinst: a failing modprobe does not fail the postinst" "exit $rc"
	rm -rf "$w"
}
