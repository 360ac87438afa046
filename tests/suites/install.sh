# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# install suite: install the freshly built packages into ordinary Debian
# arm64 root filesystems the way the README's Install section says, live
# through a kernel upgrade, and boot them.
#
#  1. build: the .deb packages (virtio-scmi-dkms all, virtio-scmi-diag for
#     arm64, cross built in an amd64 chroot)
#  2. install: a fresh copy of the trixie root; the README's apt install
#     commands; dkms must build and install virtio_scmi for the installed
#     kernel with the distribution's compiler
#     upgrade: then trixie-backports' 7.3 kernel and headers with apt: apt
#     exits 0, dkms builds for 7.3 in its postinst, dpkg --audit is empty
#  3. boot: a disk image of that root filesystem, systemd as init, the test
#     SCMI platform, the newest kernel (7.3) as a boot loader picks it; in
#     the guest (tests/install/guest-check.sh) it runs 7.3, udev loads
#     virtio_scmi, SCMI clocks and power domains are live, virtio-scmi-diag
#     says healthy; then the README's apt remove, reboot, and nothing is
#     left.  The time from apt install of 7.3 to the live clock is noted.
#  4. beside 2 and 3, under qemu-user (tests/install/field-install.sh):
#     unknown-abi, no-btf: trixie-backports' 7.3 arrives for a package that
#     cannot serve it: apt green, the kernel (or headers) configured, the
#     reason named, nothing of ours for 7.3; unknown-abi's root then boots
#     its 6.12 kernel with SCMI live, and the package removed and installed
#     again in that running guest is live without a reboot;
#     bookworm: Debian 12 (dkms 3.0.10) the README's way, then its
#     bookworm-backports 6.12 kernel: apt green at every step, 6.1 skipped.
#
# Logs: $RESULTS/install/.  Cache: $CACHE/install/ (root filesystem, build
# root).  Needs root (chroot, mounts) and binfmt_misc for qemu-aarch64.
# Kernel arguments are ignored: the kernel is the one the guest installs.

# shellcheck source=tests/install/build-packages.sh
. "$TESTS/install/build-packages.sh"
# shellcheck source=tests/install/lib.sh
. "$TESTS/install/lib.sh"
# shellcheck source=tests/lib/guest.sh
. "$TESTS/lib/guest.sh"
# shellcheck source=tests/install/field-install.sh
. "$TESTS/install/field-install.sh"

# The README's commands, read from its Install section, run as root (without
# "sudo").  apt is told to assume "yes" (etc/apt/apt.conf.d/90vscmi-test):
# the answer a user types.
inst_assume_yes() {
	echo 'APT::Get::Assume-Yes "true";' >"$1/etc/apt/apt.conf.d/90vscmi-test"
}

# inst_readme_cmds PATTERN [SECTION]: the "sudo apt PATTERN" lines of the
# README's Install section (without its bookworm part), or of SECTION
# ("install-bookworm": what bookworm adds).
inst_readme_cmds() {
	local sec=${2:-install} drop='/<!-- install-bookworm:begin -->/,/<!-- install-bookworm:end -->/d'
	[ "$sec" = install ] || drop=
	sed -n "/<!-- $sec:begin -->/,/<!-- $sec:end -->/p" "$TOP/README.md" | sed "$drop" |
		grep -E "^sudo apt ($1)( |$)" | sed 's/^sudo //'
}

suite_install() {
	local out=$RESULTS/install v base deb diag work rel r rc t0 t_apt t_live n
	mkdir -p "$out"
	v=$(pkg_version)
	trap 'inst_umount_all; platform_stop' RETURN
	# VSCMI_INSTALL_LONG=1 adds the bookworm case and the boot of
	# unknown-abi's root (README: how long they take)
	INST_LONG=${VSCMI_INSTALL_LONG:-0}
	case $INST_LONG in
	0|1) ;;
	*) t_fail "install: VSCMI_INSTALL_LONG" "'$INST_LONG': want 0 or 1"; return 0 ;;
	esac
	if [ "$INST_LONG" = 1 ]; then
		t_plan "install/unknown-abi-guest/completed" "install/unknown-abi-guest/installed/kernel" \
			"install/unknown-abi-guest/installed/clock-live" "install/unknown-abi-guest/installed/reinstall-live-without-reboot" \
			"install: bookworm: *bookworm-backports*"
	else
		t_plan "install/unknown-abi-guest"
	fi
	t_plan "install: dpkg-buildpackage*" "install: apt install*" \
		"install: upgrade: *" "install/upgrade-guest/completed" "install/upgrade-guest/both-boots" \
		"install/upgrade-guest/installed/kernel" "install/upgrade-guest/installed/*" "install/upgrade-guest/removed/*" \
		"install: unknown-abi: *" "install: no-btf: *" "install: bookworm: *"
	if [ "$(id -u)" != 0 ]; then
		t_skip "install" "needs root (chroot, loop-free disk image, mounts)"
		return 0
	fi

	# 1. packages
	if pkg_build_deb "$out" 2>"$out/build.err"; then
		t_pass "install: dpkg-buildpackage (virtio-scmi-dkms_${v}_all.deb)"
	else
		t_fail "install: dpkg-buildpackage" "$(tail -n 1 "$out/build.err")"
		return 0
	fi
	deb=$out/virtio-scmi-dkms_${v}_all.deb
	if diag=$(inst_diag_deb "$out" 2>"$out/diag.err"); then
		t_pass "install: virtio-scmi-diag built for arm64 ($(basename "$diag"))"
	else
		t_fail "install: virtio-scmi-diag for arm64" "$(tail -n 1 "$out/diag.err")"
		return 0
	fi
	if base=$(rootfs_tar 2>"$out/rootfs.err"); then
		t_pass "install: Debian trixie arm64 root filesystem (mmdebstrap, cached: $(basename "$base"))"
	else
		t_fail "install: root filesystem" "$(tail -n 1 "$out/rootfs.err")"
		return 0
	fi
	local install_cmds remove_cmd bpo_cmd
	install_cmds=$(inst_readme_cmds 'update|install')
	remove_cmd=$(inst_readme_cmds remove)
	bpo_cmd=$(inst_readme_cmds install install-bookworm)
	if grep -q "^apt install \./virtio-scmi-dkms_${v}_all.deb \./virtio-scmi-diag_${v}_arm64.deb\$" <<<"$install_cmds" &&
	   [ "$remove_cmd" = "apt remove virtio-scmi-dkms" ] &&
	   [ "$bpo_cmd" = "apt install -t bookworm-backports linux-image-arm64 linux-headers-arm64" ]; then
		t_pass "install: README's commands: $(tr '\n' ';' <<<"$install_cmds") $remove_cmd; bookworm: $bpo_cmd"
	else
		t_fail "install: README's commands" "the Install section does not name these packages: $(tr '\n' ';' <<<"$install_cmds") bookworm: '$bpo_cmd'"
		return 0
	fi

	# The field cases need only the cached root filesystems: they run under
	# qemu-user beside this install and its boot (TCG), their results
	# replayed after.
	fld_start_cases "$base" "$out" "$deb" "$diag" "$install_cmds" "$bpo_cmd" "$remove_cmd"

	# 2. the install as a user does it
	work=$CACHE/install/work/guest
	inst_unpack "$base" "$work"
	inst_assume_yes "$work"
	rel=$(basename "$(ls "$work"/boot/vmlinuz-* | sort -V | tail -n 1)")
	rel=${rel#vmlinuz-}
	mkdir -p "$work/root/pkgs"
	cp "$deb" "$diag" "$work/root/pkgs/"
	# the README's preparation (apt update, headers, gcc, openssl), then its
	# package install, timed from here to the live clock in the guest
	rc=0
	INST_UNAME=$rel inst_chroot "$work" "set -e; cd /root/pkgs; $(grep -v '\./virtio-scmi-dkms' <<<"$install_cmds")" \
		>"$out/apt-prepare.log" 2>&1 || rc=$?
	[ "$rc" = 0 ] && t_pass "install: README's preparation ($(grep -v '\./virtio-scmi-dkms' <<<"$install_cmds" | tr '\n' ';'))" ||
		t_fail "install: README's preparation" "exit $rc (log $out/apt-prepare.log)"
	t0=$(date +%s)
	rc=0
	INST_UNAME=$rel inst_chroot "$work" "set -e; cd /root/pkgs; $(grep '\./virtio-scmi-dkms' <<<"$install_cmds")" \
		>"$out/apt-install.log" 2>&1 || rc=$?
	t_apt=$(( $(date +%s) - t0 ))
	[ "$rc" = 0 ] && t_pass "install: apt install ./virtio-scmi-dkms ./virtio-scmi-diag (${t_apt} s, running $rel)" ||
		t_fail "install: apt install" "exit $rc (log $out/apt-install.log)"
	INST_UNAME=$rel inst_chroot "$work" "dkms status virtio-scmi" >"$out/dkms-status.txt" 2>&1 || true
	t_note "dkms status: $(tr '\n' ' ' <"$out/dkms-status.txt")"
	grep -q "virtio-scmi/$v, $rel, aarch64: installed" "$out/dkms-status.txt" &&
		t_pass "install: dkms built and installed virtio-scmi/$v for $rel" ||
		t_fail "install: dkms status" "$(tr '\n' ' ' <"$out/dkms-status.txt")"
	local ko
	ko=$(ls "$work/lib/modules/$rel/updates/dkms/virtio_scmi.ko"* 2>/dev/null | head -n 1)
	if [ -n "$ko" ]; then
		t_pass "install: /lib/modules/$rel/updates/dkms/${ko##*/}"
		INST_UNAME=$rel inst_chroot "$work" "modinfo -F vermagic virtio_scmi; modinfo -F signer virtio_scmi; modinfo -F alias virtio_scmi; \
			readelf -p .comment /lib/modules/$rel/updates/dkms/virtio_scmi.ko* 2>/dev/null | grep -m1 GCC || \
			{ unxz -c /lib/modules/$rel/updates/dkms/virtio_scmi.ko.xz 2>/dev/null || zstd -dc /lib/modules/$rel/updates/dkms/virtio_scmi.ko.zst; } > /tmp/m.ko && readelf -p .comment /tmp/m.ko | grep -m1 GCC" \
			>"$out/modinfo.txt" 2>&1 || true
		t_note "modinfo: $(tr '\n' '|' <"$out/modinfo.txt")"
		grep -q "^$rel " "$out/modinfo.txt" && t_pass "install: vermagic is $rel" ||
			t_fail "install: vermagic" "$(head -n 1 "$out/modinfo.txt")"
		grep -q 'GCC: (Debian 14' "$out/modinfo.txt" && t_pass "install: built with the distribution's gcc-14" ||
			t_fail "install: compiler" "no Debian gcc-14 in the module's .comment"
		grep -qx 'virtio:d00000020v\*' "$out/modinfo.txt" && t_pass "install: module alias virtio:d00000020v*" ||
			t_fail "install: module alias" "missing"
	else
		t_fail "install: module file" "no virtio_scmi.ko under /lib/modules/$rel/updates/dkms (log $out/apt-install.log)"
	fi

	# no-btf starts from a copy of this root as the README's install left it
	inst_umount "$work"
	inst_unpack "$work" "$CACHE/install/work/no-btf"
	fld_start_no_btf "$CACHE/install/work/no-btf" "$out" "$rel"

	# 2b. upgrade: a newer kernel of a known ABI arrives with apt (the
	# README's table: the backports kernel with its headers from the same
	# suite); dkms builds for it in the kernel's postinst
	local r73 upg_cmd="apt install -t trixie-backports linux-image-arm64 linux-headers-arm64" t_kapt t1
	fld_backports_sources "$work" || t_fail "install: upgrade: trixie-backports in apt's sources" "no mirror"
	INST_UNAME=$rel inst_chroot "$work" "apt-get update -q" >"$out/upgrade-update.log" 2>&1 ||
		t_fail "install: upgrade: apt-get update" "log $out/upgrade-update.log"
	t1=$(date +%s)
	rc=0
	INST_UNAME=$rel inst_chroot "$work" "$upg_cmd" >"$out/upgrade-apt.log" 2>&1 || rc=$?
	t_kapt=$(( $(date +%s) - t1 ))
	fld_apt_notes upgrade "$out/upgrade-apt.log"
	[ "$rc" = 0 ] && t_pass "install: upgrade: $upg_cmd exits 0 (${t_kapt} s)" ||
		t_fail "install: upgrade: $upg_cmd" "exit $rc (log $out/upgrade-apt.log)"
	r73=$(fld_newest_kernel "$work" 7.3)
	if [ -z "$r73" ]; then
		t_fail "install: upgrade: a 7.3 kernel was installed" "no /boot/vmlinuz-7.3* (log $out/upgrade-apt.log)"
		r73=none
	else
		fld_kernel_checks upgrade "$work" "$rel" "$r73" "$out"
		INST_UNAME=$rel inst_chroot "$work" "dkms status virtio-scmi; f=\$(ls /lib/modules/$r73/updates/dkms/virtio_scmi.ko*); \
			case \$f in *.xz) unxz -c \$f;; *.zst) zstd -dc \$f;; *) cat \$f;; esac >/tmp/m.ko && modinfo -F vermagic /tmp/m.ko && \
			readelf -p .comment /tmp/m.ko | grep -m1 GCC" >"$out/upgrade-status.txt" 2>&1 || true
		t_note "upgrade: $(tr '\n' ' ' <"$out/upgrade-status.txt")"
		grep -q "virtio-scmi/$v, $r73, aarch64: installed" "$out/upgrade-status.txt" &&
			t_pass "install: upgrade: dkms built and installed virtio-scmi/$v for $r73 while apt installed it" ||
			t_fail "install: upgrade: dkms built and installed virtio-scmi/$v for $r73" "$(tr '\n' ' ' <"$out/upgrade-status.txt")"
		grep -q "^$r73 " "$out/upgrade-status.txt" && grep -q 'GCC: (Debian 14' "$out/upgrade-status.txt" &&
			t_pass "install: upgrade: vermagic $r73, built with the distribution's gcc-14" ||
			t_fail "install: upgrade: vermagic and compiler" "$(tr '\n' ' ' <"$out/upgrade-status.txt")"
	fi
	fld_audit upgrade "$work" "$rel" "$out"
	inst_umount "$work"

	# 3. boot it as a boot loader does, into the newest kernel (7.3): udev
	# autoload, live clocks and power domains, diag; remove; reboot
	if ! inst_image "$work" "$CACHE/install/work/guest.img" "$remove_cmd" "$r73" 2>"$out/image.err"; then
		t_fail "install: disk image" "$(tail -n 1 "$out/image.err")"
		return 0
	fi
	rm -rf "$CACHE/install/work/guest-boot"
	cp -a "$work/boot" "$CACHE/install/work/guest-boot"
	rm -rf "$work"
	t_pass "install: disk image with systemd as init"
	rc=0
	inst_boot "$CACHE/install/work/guest.img" "$CACHE/install/work/guest-boot" boot 1500 || rc=$?
	t_live=""
	[ -n "$INST_CLOCK_LIVE_AT" ] && t_live=$((INST_CLOCK_LIVE_AT - t1))
	t_note "upgrade: time from apt install of $r73 to a live SCMI clock after the reboot into it: ${t_live:-never} s (apt ${t_kapt} s; boot wall $(cat "$out/boot/wall" 2>/dev/null) s, status $(cat "$out/boot/status" 2>/dev/null)); the package's own apt install took ${t_apt} s"
	grep -a '^VSCMI-CLOCK-LIVE\|^VSCMI-NOTE' "$out/boot/console.log" | tr -d '\r' | while IFS= read -r p; do t_note "guest: $p"; done
	# Both boots must have run to their end: the installed phase (which
	# removes the package and reboots) and the removed phase.
	GUEST_PLAN="installed/kernel installed/clock-live installed/udev-autoload installed/diag-healthy installed/apt-remove
		installed/* removed/module-gone removed/no-ko-left removed/no-dkms-state-left removed/no-sources-left
		removed/diag-says-not-installed removed/*" GUEST_DIR=$out/boot guest_results "install/upgrade-guest" "$out/boot"
	n=$(tr -d '\r' <"$out/boot/console.log" | grep -ac '^VSCMI-DONE')
	if [ "$n" = 2 ] && tr -d '\r' <"$out/boot/console.log" | grep -aq '^VSCMI-PHASE removed'; then
		t_pass "install/upgrade-guest/both-boots"
	else
		t_fail "install/upgrade-guest/both-boots" "$n of 2 boots finished (console $out/boot/console.log)"
	fi
	rm -f "$CACHE/install/work/guest.img"

	# 4. field cases: a kernel the package cannot serve arrives with apt;
	# with unknown-abi's, the kernel that worked before still boots with
	# SCMI live (picked in the boot menu: 7.3 is the newest), and the
	# package installed again on that running guest is live at once
	fld_wait_case unknown-abi "$out"
	if [ "$INST_LONG" != 1 ]; then
		t_skip "install/unknown-abi-guest" "on demand (VSCMI_INSTALL_LONG=1): the 6.12 kernel booted with SCMI live, the package installed again live without a reboot"
	elif [ -s "$out/unknown-abi.img" ]; then
		inst_boot "$out/unknown-abi.img" "$out/unknown-abi.img.boot" unknown-abi-boot 1500 "$(cat "$out/unknown-abi.img.kernel")" || true
		grep -a '^VSCMI-NOTE' "$out/unknown-abi-boot/console.log" | tr -d '\r' | while IFS= read -r p; do t_note "unknown-abi guest: $p"; done
		GUEST_PLAN="installed/kernel installed/clock-live installed/udev-autoload installed/diag-healthy installed/apt-remove
			installed/reinstall-unloaded installed/reinstall-device-unbound installed/reinstall-apt
			installed/reinstall-live-without-reboot installed/*" \
			GUEST_DIR=$out/unknown-abi-boot guest_results "install/unknown-abi-guest" "$out/unknown-abi-boot"
		rm -rf "$out/unknown-abi.img" "$out/unknown-abi.img.boot"
	else
		t_fail "install/unknown-abi-guest/completed" "no disk image to boot (see the unknown-abi results)"
	fi
	fld_wait_case no-btf "$out"
	fld_wait_case bookworm "$out"
}
