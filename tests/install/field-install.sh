# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Field cases of the install suite (issue 15), in a copy of the cached trixie
# arm64 root filesystem under qemu-user, with apt as a user runs it:
#
#  unknown-abi: a test build of the package whose list of known core ABI
#     revisions stops at 7.0 (src/shim/abi.h without the 7.1-7.3 revision)
#     is installed the README's way; then trixie-backports' 7.3 kernel and
#     headers are installed with apt: apt exits 0, the kernel is configured
#     (dpkg -s, its initramfs), apt's output names the kernel and the
#     reason, nothing of ours is installed for it, dpkg --audit is empty.
#  no-btf: the real package; 7.3's headers installed without their vmlinux
#     (a dpkg path-exclude, as headers without BTF look): the same checks,
#     with the no-BTF reason.
#
# Each case gets its own copy of the root filesystem.  Results are t_* lines
# (the caller replays them).  Needs tests/install/lib.sh and apt.sh.

# fld_variant_deb DEB OUT: DEB repacked with abi.h knowing 6.12 to 7.0 only.
fld_variant_deb() {
	local deb=$1 out=$2 w abi
	w=$(mktemp -d)
	dpkg-deb -R "$deb" "$w/p" || { rm -rf "$w"; return 1; }
	abi=$(find "$w/p/usr/src" -path '*/src/shim/abi.h')
	[ -n "$abi" ] || { rm -rf "$w"; return 1; }
	# drop "#elif VSCMI_KVER < 704" and its "# define VSCMI_ABI 701"
	sed -i '/^#elif VSCMI_KVER < 704$/,+1d' "$abi"
	grep -q 'VSCMI_KVER < 704' "$abi" && { rm -rf "$w"; return 1; }
	(cd "$w/p" && find usr -type f -print0 | sort -z | xargs -0 md5sum >DEBIAN/md5sums)
	dpkg-deb -b "$w/p" "$out" >/dev/null || { rm -rf "$w"; return 1; }
	rm -rf "$w"
}

# fld_backports_sources ROOT: trixie-backports in the root's apt sources
# (the host's mirror, read at run time).
fld_backports_sources() {
	local uri
	uri=$(apt_mirror) || return 1
	echo "deb $uri trixie-backports main" >"$1/etc/apt/sources.list.d/backports.list"
}

# fld_kernel_case NAME BASE OUT DEB DIAG INSTALL_CMDS RELNAME REASON [EXCLUDE]
fld_kernel_case() {
	local name=$1 base=$2 out=$3 deb=$4 diag=$5 install_cmds=$6 reason=$7 excl=${8:-}
	local work=$CACHE/install/work/$name rel r73 pkgs rc log t0
	log=$out/$name
	mkdir -p "$log"
	inst_unpack "$base" "$work"
	inst_assume_yes "$work"
	rel=$(basename "$(ls "$work"/boot/vmlinuz-* | sort -V | tail -n 1)")
	rel=${rel#vmlinuz-}
	mkdir -p "$work/root/pkgs"
	cp "$deb" "$work/root/pkgs/virtio-scmi-dkms_$(dpkg-deb -f "$deb" Version)_all.deb"
	cp "$diag" "$work/root/pkgs/"
	rc=0
	INST_UNAME=$rel inst_chroot "$work" "set -e; cd /root/pkgs; $install_cmds" >"$log/apt-install.log" 2>&1 || rc=$?
	[ "$rc" = 0 ] && t_pass "install: $name: the README's apt install (running $rel)" ||
		t_fail "install: $name: the README's apt install" "exit $rc (log $log/apt-install.log)"
	fld_backports_sources "$work" || { t_fail "install: $name: trixie-backports" "no mirror"; return; }
	[ -z "$excl" ] || echo "path-exclude=$excl" >"$work/etc/dpkg/dpkg.cfg.d/vscmi-test-exclude"
	rc=0
	INST_UNAME=$rel inst_chroot "$work" "apt-get update -q >/dev/null && apt-cache policy linux-image-arm64 | sed -n 's/^ *Candidate: //p'" \
		>"$log/policy.txt" 2>&1 || rc=$?
	pkgs="linux-image-arm64 linux-headers-arm64"
	t0=$(date +%s)
	rc=0
	INST_UNAME=$rel inst_chroot "$work" "apt install -t trixie-backports $pkgs" >"$log/apt-kernel.log" 2>&1 || rc=$?
	r73=$(basename "$(ls "$work"/boot/vmlinuz-7.3* 2>/dev/null | sort -V | tail -n 1)")
	r73=${r73#vmlinuz-}
	t_note "$name: apt install -t trixie-backports $pkgs: exit $rc in $(( $(date +%s) - t0 )) s, kernel ${r73:-none}"
	grep -a '^virtio-scmi: \|dkms\|Autoinstall\|BUILD_EXCLUSIVE' "$log/apt-kernel.log" | head -n 8 |
		while IFS= read -r l; do t_note "$name apt: $l"; done
	[ "$rc" = 0 ] && t_pass "install: $name: apt install of trixie-backports' kernel and headers exits 0" ||
		t_fail "install: $name: apt install of trixie-backports' kernel and headers" "exit $rc (log $log/apt-kernel.log)"
	if [ -z "$r73" ]; then
		t_fail "install: $name: a 7.3 kernel was installed" "no /boot/vmlinuz-7.3* (log $log/apt-kernel.log)"
	else
		INST_UNAME=$rel inst_chroot "$work" "dpkg-query -W -f '\${Status}' linux-image-$r73" >"$log/status.txt" 2>&1 || true
		grep -qx 'install ok installed' "$log/status.txt" &&
			t_pass "install: $name: linux-image-$r73 is fully configured" ||
			t_fail "install: $name: linux-image-$r73 is fully configured" "$(cat "$log/status.txt")"
		[ -s "$work/boot/initrd.img-$r73" ] &&
			t_pass "install: $name: the initramfs of $r73 was made (the hooks after dkms ran)" ||
			t_fail "install: $name: the initramfs of $r73 was made" "no /boot/initrd.img-$r73"
		grep -aF "virtio-scmi: skipped for Linux $r73: " "$log/apt-kernel.log" | grep -qE "$reason" &&
			t_pass "install: $name: apt's output names $r73 and the reason" ||
			t_fail "install: $name: apt's output names $r73 and the reason" "no 'virtio-scmi: skipped for Linux $r73: ...$reason' in $log/apt-kernel.log"
		[ -z "$(find "$work/lib/modules/$r73" -name 'virtio_scmi.ko*' 2>/dev/null)" ] &&
			t_pass "install: $name: nothing of ours installed for $r73" ||
			t_fail "install: $name: nothing of ours installed for $r73" "found a virtio_scmi.ko"
	fi
	[ -n "$(find "$work/lib/modules/$rel" -name 'virtio_scmi.ko*' 2>/dev/null)" ] &&
		t_pass "install: $name: virtio_scmi still installed for $rel" ||
		t_fail "install: $name: virtio_scmi still installed for $rel" "no virtio_scmi.ko under /lib/modules/$rel"
	INST_UNAME=$rel inst_chroot "$work" "dpkg --audit" >"$log/audit.txt" 2>&1 || true
	[ ! -s "$log/audit.txt" ] && t_pass "install: $name: dpkg --audit is empty" ||
		t_fail "install: $name: dpkg --audit is empty" "$(head -n 2 "$log/audit.txt" | tr '\n' ' ')"
	inst_umount "$work"
	rm -rf "$work"
}

# fld_install_cases BASE OUT DEB DIAG INSTALL_CMDS: both cases side by side
# (minutes of qemu-user each), their results replayed in order.
fld_install_cases() {
	local base=$1 out=$2 deb=$3 diag=$4 install_cmds=$5 var p1 p2
	var=$out/virtio-scmi-dkms-known-to-7.0.deb
	if fld_variant_deb "$deb" "$var"; then
		( trap 'inst_umount_all' EXIT
		  fld_kernel_case unknown-abi "$base" "$out" "$var" "$diag" "$install_cmds" \
			"core ABI \\(7\\.3\\) is unknown" ) >"$out/unknown-abi.results" 2>"$out/unknown-abi.err" &
		p1=$!
	else
		t_fail "install: unknown-abi: test build knowing 6.12 to 7.0" "could not repack $deb"
	fi
	( trap 'inst_umount_all' EXIT
	  fld_kernel_case no-btf "$base" "$out" "$deb" "$diag" "$install_cmds" "no BTF" \
		'/usr/src/linux-headers-7.3*/vmlinux' ) >"$out/no-btf.results" 2>"$out/no-btf.err" &
	p2=$!
	if [ -n "${p1:-}" ]; then
		wait "$p1" || t_fail "install: unknown-abi" "exit $? ($out/unknown-abi.err)"
		t_replay "$out/unknown-abi.results"
	fi
	wait "$p2" || t_fail "install: no-btf" "exit $? ($out/no-btf.err)"
	t_replay "$out/no-btf.results"
}
