# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Field cases of the install suite (issue 15), each in a copy of a cached
# arm64 root filesystem under qemu-user, with apt as a user runs it:
#
#  unknown-abi: a test build of the package whose list of known core ABI
#     revisions stops at 7.0 (src/shim/abi.h without the 7.1-7.3 revision)
#     is installed the README's way; then trixie-backports' 7.3 kernel and
#     headers are installed with apt: apt exits 0, the kernel is configured
#     (dpkg -s, its initramfs), apt's output names the kernel and the
#     reason, nothing of ours is installed for it, dpkg --audit is empty.
#     A disk image of the result is left for the caller to boot the
#     previous kernel from: SCMI must still be live there; the package is
#     then removed, the module unloaded and the package installed again in
#     that running guest: live again without a reboot.
#  no-btf: a copy of the suite's own root right after the README's install
#     of the real package; 7.3's headers (alone, as a headers update brings
#     them) installed without their vmlinux (a dpkg path-exclude, as headers
#     without BTF look): apt exits 0, the headers are configured, apt's
#     output names the kernel and the no-BTF reason, nothing of ours for it.
#  bookworm: Debian 12's root filesystem (dkms 3.0.10, the 6.1 kernel): the
#     README's commands, then its bookworm lines (bookworm-backports' 6.12
#     kernel and headers): apt exits 0 at every step, 6.1 is skipped with
#     its one line and dkms' own words, "dkms build" exits 77 for it, the
#     module is built for 6.12 with bookworm's gcc-12, a 6.1 kernel
#     update's dkms hook exits 0, dpkg --audit is empty.
#
# Each case has its own copy of a root filesystem.  Results are t_* lines
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

# fld_backports_sources ROOT [SUITE]: SUITE-backports (trixie's by default)
# in the root's apt sources (the host's mirror, read at run time).
fld_backports_sources() {
	local uri
	uri=$(apt_mirror) || return 1
	echo "deb $uri ${2:-trixie}-backports main" >"$1/etc/apt/sources.list.d/backports.list"
}

# fld_newest_kernel ROOT [PREFIX]: the newest kernel release in ROOT/boot
# (starting with PREFIX, if given).
fld_newest_kernel() {
	local r
	r=$(basename "$(ls "$1"/boot/vmlinuz-"${2:-}"* 2>/dev/null | sort -V | tail -n 1)")
	echo "${r#vmlinuz-}"
}

# fld_kernel_checks NAME ROOT RUNNING NEW LOG: after apt installed kernel
# NEW in ROOT (running RUNNING): its package is configured and its initramfs
# made (the hooks after dkms ran).
fld_kernel_checks() {
	local name=$1 work=$2 rel=$3 new=$4 log=$5
	INST_UNAME=$rel inst_chroot "$work" "dpkg-query -W -f '\${Status}' linux-image-$new" >"$log/status-$new.txt" 2>&1 || true
	grep -qx 'install ok installed' "$log/status-$new.txt" &&
		t_pass "install: $name: linux-image-$new is fully configured" ||
		t_fail "install: $name: linux-image-$new is fully configured" "$(cat "$log/status-$new.txt")"
	[ -s "$work/boot/initrd.img-$new" ] &&
		t_pass "install: $name: the initramfs of $new was made (the hooks after dkms ran)" ||
		t_fail "install: $name: the initramfs of $new was made" "no /boot/initrd.img-$new"
}

# fld_audit NAME ROOT RUNNING LOG: dpkg --audit finds nothing.
fld_audit() {
	INST_UNAME=$3 inst_chroot "$2" "dpkg --audit" >"$4/audit.txt" 2>&1 || true
	[ ! -s "$4/audit.txt" ] && t_pass "install: $1: dpkg --audit is empty" ||
		t_fail "install: $1: dpkg --audit is empty" "$(head -n 2 "$4/audit.txt" | tr '\n' ' ')"
}

# fld_apt_notes NAME LOG: apt's dkms lines into the results.
fld_apt_notes() {
	grep -a '^virtio-scmi: \|dkms\|Autoinstall\|BUILD_EXCLUSIVE\|Building\|Skipped\|Error' "$2" | head -n 10 |
		while IFS= read -r l; do t_note "$1 apt: $l"; done
}

# fld_kernel_case NAME BASE OUT DEB DIAG INSTALL_CMDS REASON IMG REMOVE_CMD:
# DEB installed the README's way, then trixie-backports' kernel; IMG (if
# not empty): a disk image of the result (guest check: the previous kernel,
# REMOVE_CMD, the package installed again in the running guest), its /boot
# in IMG.boot.
fld_kernel_case() {
	local name=$1 base=$2 out=$3 deb=$4 diag=$5 install_cmds=$6 reason=$7 img=$8 remove_cmd=$9
	local work=$CACHE/install/work/$name rel r73 pkgs rc log t0
	log=$out/$name
	mkdir -p "$log"
	inst_unpack "$base" "$work"
	inst_assume_yes "$work"
	rel=$(fld_newest_kernel "$work")
	mkdir -p "$work/root/pkgs"
	cp "$deb" "$work/root/pkgs/virtio-scmi-dkms_$(dpkg-deb -f "$deb" Version)_all.deb"
	cp "$diag" "$work/root/pkgs/"
	rc=0
	INST_UNAME=$rel inst_chroot "$work" "set -e; cd /root/pkgs; $install_cmds" >"$log/apt-install.log" 2>&1 || rc=$?
	[ "$rc" = 0 ] && t_pass "install: $name: the README's apt install (running $rel)" ||
		t_fail "install: $name: the README's apt install" "exit $rc (log $log/apt-install.log)"
	fld_backports_sources "$work" || { t_fail "install: $name: trixie-backports" "no mirror"; return; }
	pkgs="linux-image-arm64 linux-headers-arm64"
	t0=$(date +%s)
	rc=0
	INST_UNAME=$rel inst_chroot "$work" "apt-get update -q >/dev/null && apt install -t trixie-backports $pkgs" \
		>"$log/apt-kernel.log" 2>&1 || rc=$?
	r73=$(fld_newest_kernel "$work" 7.3)
	t_note "$name: apt install -t trixie-backports $pkgs: exit $rc in $(( $(date +%s) - t0 )) s, kernel ${r73:-none}"
	fld_apt_notes "$name" "$log/apt-kernel.log"
	[ "$rc" = 0 ] && t_pass "install: $name: apt install of trixie-backports' kernel and headers exits 0" ||
		t_fail "install: $name: apt install of trixie-backports' kernel and headers" "exit $rc (log $log/apt-kernel.log)"
	if [ -z "$r73" ]; then
		t_fail "install: $name: a 7.3 kernel was installed" "no /boot/vmlinuz-7.3* (log $log/apt-kernel.log)"
	else
		fld_kernel_checks "$name" "$work" "$rel" "$r73" "$log"
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
	fld_audit "$name" "$work" "$rel" "$log"
	inst_umount "$work"
	if [ -z "$img" ]; then
		:
	elif inst_image "$work" "$img" "$remove_cmd" "$rel" reinstall 2>"$log/image.err"; then
		rm -rf "$img.boot"
		cp -a "$work/boot" "$img.boot"
		echo "$rel" >"$img.kernel"
		t_pass "install: $name: disk image to boot $rel from"
	else
		t_fail "install: $name: disk image" "$(tail -n 1 "$log/image.err")"
	fi
	rm -rf "$work"
}

# fld_no_btf_case ROOT OUT REL: see the top of this file; ROOT (running REL)
# is a copy this case owns.
fld_no_btf_case() {
	local work=$1 out=$2 rel=$3 log=$2/no-btf r73 rc t0 pkgs="linux-headers-arm64"
	mkdir -p "$log"
	fld_backports_sources "$work" || { t_fail "install: no-btf: trixie-backports" "no mirror"; return; }
	echo "path-exclude=/usr/src/linux-headers-7.3*/vmlinux" >"$work/etc/dpkg/dpkg.cfg.d/vscmi-test-exclude"
	t0=$(date +%s)
	rc=0
	INST_UNAME=$rel inst_chroot "$work" "apt-get update -q >/dev/null && apt install -t trixie-backports $pkgs" \
		>"$log/apt-headers.log" 2>&1 || rc=$?
	r73=$(basename "$(ls -d "$work"/usr/src/linux-headers-7.3*-arm64 2>/dev/null | sort -V | tail -n 1)")
	r73=${r73#linux-headers-}
	t_note "no-btf: apt install -t trixie-backports $pkgs: exit $rc in $(( $(date +%s) - t0 )) s, headers ${r73:-none}"
	fld_apt_notes no-btf "$log/apt-headers.log"
	[ "$rc" = 0 ] && t_pass "install: no-btf: apt install of trixie-backports' headers exits 0" ||
		t_fail "install: no-btf: apt install of trixie-backports' headers" "exit $rc (log $log/apt-headers.log)"
	if [ -z "$r73" ] || [ -e "$work/usr/src/linux-headers-$r73/vmlinux" ]; then
		t_fail "install: no-btf: 7.3 headers without vmlinux installed" "headers '${r73:-none}' (log $log/apt-headers.log)"
	else
		INST_UNAME=$rel inst_chroot "$work" "dpkg-query -W -f '\${Status}' linux-headers-$r73" >"$log/status.txt" 2>&1 || true
		grep -qx 'install ok installed' "$log/status.txt" &&
			t_pass "install: no-btf: linux-headers-$r73 (no vmlinux) is fully configured" ||
			t_fail "install: no-btf: linux-headers-$r73 is fully configured" "$(cat "$log/status.txt")"
		grep -aF "virtio-scmi: skipped for Linux $r73: " "$log/apt-headers.log" | grep -q "no BTF" &&
			t_pass "install: no-btf: apt's output names $r73 and the reason (no BTF)" ||
			t_fail "install: no-btf: apt's output names $r73 and the reason" "no 'virtio-scmi: skipped for Linux $r73: no BTF...' in $log/apt-headers.log"
		INST_UNAME=$rel inst_chroot "$work" "dkms status virtio-scmi" >"$log/dkms-status.txt" 2>&1 || true
		[ -z "$(find "$work/lib/modules/$r73" -name 'virtio_scmi.ko*' 2>/dev/null)" ] &&
			! grep -q "$r73, aarch64: installed" "$log/dkms-status.txt" &&
			t_pass "install: no-btf: nothing of ours built or installed for $r73" ||
			t_fail "install: no-btf: nothing of ours built or installed for $r73" "$(tr '\n' ' ' <"$log/dkms-status.txt")"
	fi
	[ -n "$(find "$work/lib/modules/$rel" -name 'virtio_scmi.ko*' 2>/dev/null)" ] &&
		t_pass "install: no-btf: virtio_scmi still installed for $rel" ||
		t_fail "install: no-btf: virtio_scmi still installed for $rel" "no virtio_scmi.ko under /lib/modules/$rel"
	fld_audit no-btf "$work" "$rel" "$log"
	inst_umount "$work"
	rm -rf "$work"
}

# fld_bookworm_case BASE OUT DEB DIAG INSTALL_CMDS BPO_CMD: the README on
# Debian 12 (see the top of this file).
fld_bookworm_case() {
	local base=$1 out=$2 deb=$3 diag=$4 install_cmds=$5 bpo_cmd=$6
	local name=bookworm work=$CACHE/install/work/bookworm log=$out/bookworm rel rbpo rc t0 ver
	mkdir -p "$log"
	inst_unpack "$base" "$work"
	inst_assume_yes "$work"
	rel=$(fld_newest_kernel "$work")
	ver=$(INST_UNAME=$rel inst_chroot "$work" "dpkg-query -W -f '\${Version}' dkms" 2>&1)
	[[ $rel == 6.1.* && $ver == 3.0.10-* ]] &&
		t_pass "install: bookworm: Debian 12 root filesystem, kernel $rel, dkms $ver" ||
		t_fail "install: bookworm: Debian 12 root filesystem" "kernel '$rel', dkms '$ver' (want 6.1, 3.0.10)"
	mkdir -p "$work/root/pkgs"
	cp "$deb" "$diag" "$work/root/pkgs/"
	rc=0
	INST_UNAME=$rel inst_chroot "$work" "set -e; cd /root/pkgs; $(grep -v '\./virtio-scmi-dkms' <<<"$install_cmds")" \
		>"$log/apt-prepare.log" 2>&1 || rc=$?
	[ "$rc" = 0 ] && t_pass "install: bookworm: the README's preparation exits 0" ||
		t_fail "install: bookworm: the README's preparation" "exit $rc (log $log/apt-prepare.log)"
	rc=0
	INST_UNAME=$rel inst_chroot "$work" "set -e; cd /root/pkgs; $(grep '\./virtio-scmi-dkms' <<<"$install_cmds")" \
		>"$log/apt-install.log" 2>&1 || rc=$?
	fld_apt_notes "bookworm package" "$log/apt-install.log"
	[ "$rc" = 0 ] && t_pass "install: bookworm: apt install of the packages exits 0 (running $rel)" ||
		t_fail "install: bookworm: apt install of the packages" "exit $rc (log $log/apt-install.log)"
	[ "$(grep -aF "virtio-scmi: skipped for Linux $rel: " "$log/apt-install.log" | grep -c 'older than 6\.12')" = 1 ] &&
		t_pass "install: bookworm: one line in apt's output names $rel and why (older than 6.12)" ||
		t_fail "install: bookworm: one line names $rel and why" "want one 'virtio-scmi: skipped for Linux $rel: ...' line in $log/apt-install.log"
	grep -aq "BUILD_EXCLUSIVE directive" "$log/apt-install.log" &&
		t_pass "install: bookworm: dkms 3.0.10's own words for the skip of $rel are in apt's output" ||
		t_fail "install: bookworm: dkms' skip message" "no BUILD_EXCLUSIVE message in $log/apt-install.log"
	rc=0
	INST_UNAME=$rel inst_chroot "$work" "dkms build virtio-scmi/$(dpkg-deb -f "$deb" Version) -k $rel" >"$log/dkms-build.log" 2>&1 || rc=$?
	[ "$rc" = 77 ] && t_pass "install: bookworm: dkms build -k $rel exits 77 (skipped)" ||
		t_fail "install: bookworm: dkms build -k $rel" "exit $rc, want 77 (log $log/dkms-build.log)"
	# a 6.1 kernel update runs this hook (dkms 3.0.10's autoinstall)
	rc=0
	INST_UNAME=$rel inst_chroot "$work" "/etc/kernel/postinst.d/dkms $rel" >"$log/hook.log" 2>&1 || rc=$?
	fld_apt_notes "bookworm 6.1 hook" "$log/hook.log"
	[ "$rc" = 0 ] && grep -aqF "virtio-scmi: skipped for Linux $rel: " "$log/hook.log" &&
		t_pass "install: bookworm: a 6.1 kernel update's dkms hook exits 0 and names $rel and the reason" ||
		t_fail "install: bookworm: a 6.1 kernel update's dkms hook" "exit $rc (log $log/hook.log)"
	[ -z "$(find "$work/lib/modules/$rel" -name 'virtio_scmi.ko*' 2>/dev/null)" ] &&
		t_pass "install: bookworm: nothing of ours installed for $rel" ||
		t_fail "install: bookworm: nothing of ours installed for $rel" "found a virtio_scmi.ko"
	fld_backports_sources "$work" bookworm || { t_fail "install: bookworm: bookworm-backports" "no mirror"; return; }
	t0=$(date +%s)
	rc=0
	INST_UNAME=$rel inst_chroot "$work" "apt-get update -q >/dev/null && $bpo_cmd" >"$log/apt-kernel.log" 2>&1 || rc=$?
	rbpo=$(fld_newest_kernel "$work" 6.12)
	t_note "bookworm: $bpo_cmd: exit $rc in $(( $(date +%s) - t0 )) s, kernel ${rbpo:-none}"
	fld_apt_notes "bookworm kernel" "$log/apt-kernel.log"
	[ "$rc" = 0 ] && t_pass "install: bookworm: $bpo_cmd exits 0" ||
		t_fail "install: bookworm: $bpo_cmd" "exit $rc (log $log/apt-kernel.log)"
	if [ -z "$rbpo" ]; then
		t_fail "install: bookworm: a 6.12 kernel was installed" "no /boot/vmlinuz-6.12* (log $log/apt-kernel.log)"
	else
		fld_kernel_checks bookworm "$work" "$rel" "$rbpo" "$log"
		INST_UNAME=$rel inst_chroot "$work" "dkms status virtio-scmi; f=\$(ls /lib/modules/$rbpo/updates/dkms/virtio_scmi.ko*); \
			case \$f in *.xz) unxz -c \$f;; *.zst) zstd -dc \$f;; *) cat \$f;; esac >/tmp/m.ko && readelf -p .comment /tmp/m.ko | grep -m1 GCC" \
			>"$log/dkms-status.txt" 2>&1 || true
		t_note "bookworm: $(tr '\n' ' ' <"$log/dkms-status.txt")"
		grep -q "virtio-scmi/[^,]*, $rbpo, aarch64: installed" "$log/dkms-status.txt" &&
			t_pass "install: bookworm: dkms built and installed virtio-scmi for $rbpo" ||
			t_fail "install: bookworm: dkms built and installed virtio-scmi for $rbpo" "$(tr '\n' ' ' <"$log/dkms-status.txt")"
		grep -q 'GCC: (Debian 12' "$log/dkms-status.txt" &&
			t_pass "install: bookworm: built with bookworm's gcc-12" ||
			t_fail "install: bookworm: built with bookworm's gcc-12" "no Debian gcc-12 in the module's .comment"
	fi
	fld_audit bookworm "$work" "$rel" "$log"
	inst_umount "$work"
	rm -rf "$work"
}

# fld_start_cases BASE OUT DEB DIAG INSTALL_CMDS BPO_CMD REMOVE_CMD:
# unknown-abi and, with INST_LONG=1, bookworm and unknown-abi's disk image
# in the background (minutes of qemu-user each),
# beside the suite's own install and boot; fld_start_no_btf ROOT OUT REL
# starts no-btf; fld_wait_case NAME OUT replays one's results.
# unknown-abi leaves OUT/unknown-abi.img (see fld_kernel_case).
FLD_PIDS=()
fld_start_cases() {
	local base=$1 out=$2 deb=$3 diag=$4 install_cmds=$5 bpo_cmd=$6 remove_cmd=$7 var img=""
	FLD_PIDS=()
	var=$out/virtio-scmi-dkms-known-to-7.0.deb
	rm -f "$out"/*.results "$out/unknown-abi.img"
	[ "$INST_LONG" != 1 ] || img=$out/unknown-abi.img
	if fld_variant_deb "$deb" "$var"; then
		( trap 'inst_umount_all' EXIT
		  fld_kernel_case unknown-abi "$base" "$out" "$var" "$diag" "$install_cmds" \
			"core ABI \\(7\\.3\\) is unknown" "$img" "$remove_cmd" ) >"$out/unknown-abi.results" 2>"$out/unknown-abi.err" &
		FLD_PIDS+=("unknown-abi:$!")
	else
		t_fail "install: unknown-abi: test build knowing 6.12 to 7.0" "could not repack $deb"
		: >"$out/unknown-abi.results"
	fi
	if [ "$INST_LONG" != 1 ]; then
		t_skip "install: bookworm: Debian 12, dkms 3.0.10" "on demand (VSCMI_INSTALL_LONG=1; see README)"
		: >"$out/bookworm.results"
		return 0
	fi
	( trap 'inst_umount_all' EXIT
	  if ! bw=$(rootfs_tar bookworm 2>"$out/rootfs-bookworm.err"); then
		t_fail "install: bookworm: Debian 12 root filesystem" "$(tail -n 1 "$out/rootfs-bookworm.err")"
		exit 0
	  fi
	  fld_bookworm_case "$bw" "$out" "$deb" "$diag" "$install_cmds" "$bpo_cmd" ) >"$out/bookworm.results" 2>"$out/bookworm.err" &
	FLD_PIDS+=("bookworm:$!")
}

fld_start_no_btf() {
	( trap 'inst_umount_all' EXIT
	  fld_no_btf_case "$1" "$2" "$3" ) >"$2/no-btf.results" 2>"$2/no-btf.err" &
	FLD_PIDS+=("no-btf:$!")
}

fld_wait_case() {
	local name=$1 out=$2 e rc
	for e in "${FLD_PIDS[@]}"; do
		[ "${e%%:*}" = "$name" ] || continue
		rc=0
		wait "${e#*:}" || rc=$?
		[ "$rc" = 0 ] || t_fail "install: $name" "exit $rc ($out/$name.err)"
	done
	t_replay "$out/$name.results"
}
