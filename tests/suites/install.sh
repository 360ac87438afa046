# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# install suite: install the freshly built packages into an ordinary Debian
# trixie arm64 root filesystem the way the README's Install section says,
# then boot it.
#
#  1. build: the .deb packages (virtio-scmi-dkms all, virtio-scmi-diag for
#     arm64, built in an arm64 build root through qemu-user)
#  4. skip case (in the background while 3 boots): a copy of the root filesystem with Debian 12's 6.1 headers
#     installed beside trixie's kernel, running "6.1" (qemu-user's uname):
#     the README's apt install succeeds, dkms skips 6.1 with exit 77 and its
#     BUILD_EXCLUSIVE message, and still builds for the trixie kernel
#  2. install: a fresh copy; the README's apt install commands; dkms must
#     build and install virtio_scmi for the installed kernel with the
#     distribution's compiler
#  3. boot: a disk image of that root filesystem, systemd as init, the test
#     SCMI platform; in the guest (tests/install/guest-check.sh) udev loads
#     virtio_scmi, SCMI clocks and power domains are live, virtio-scmi-diag
#     says healthy; then the README's apt remove, reboot, and nothing is left
#  5. field cases (after the boot; tests/install/field-install.sh):
#     unknown-abi and no-btf, each installing trixie-backports' 7.3 kernel
#     with apt after the package: apt green, kernel configured, the reason
#     named, nothing of ours for 7.3
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

inst_readme_cmds() {
	sed -n '/<!-- install:begin -->/,/<!-- install:end -->/p' "$TOP/README.md" |
		grep -E "^sudo apt ($1)( |$)" | sed 's/^sudo //'
}

# The skip case: Debian 12's 6.1 headers beside trixie's kernel, "6.1" running.
inst_skip_case() {
	local base=$1 out=$2 v=$3 deb=$4 diag=$5 install_cmds=$6 work r rc
	work=$CACHE/install/work/skip
	inst_unpack "$base" "$work"
	inst_assume_yes "$work"
	local h61 hdeps=() p
	h61=$(vapt_cache show "linux-headers-arm64=$(vapt_newest linux-headers-arm64 bookworm)" 2>/dev/null |
		sed -n 's/^Depends: \(linux-headers-[^ ]*\) .*/\1/p' | head -n 1)
	r=${h61#linux-headers-}
	mkdir -p "$work/root/pkgs"
	for p in "$h61" "linux-headers-${r%-arm64}-common" "linux-kbuild-6.1:arm64"; do
		p=$(vapt_fetch "$p" "$CACHE/install/debs" 2>>"$out/skip.log") && cp "$p" "$work/root/pkgs/" && hdeps+=("./${p##*/}")
	done
	if [ ${#hdeps[@]} = 3 ] && inst_chroot "$work" "cd /root/pkgs && apt-get update -q && apt-get install -y -q ${hdeps[*]}" \
		>>"$out/skip.log" 2>&1 && inst_chroot "$work" "test -e /lib/modules/$r/build/.config"; then
		t_pass "install: skip case: Debian 12 headers $r installed beside the trixie kernel"
		cp "$deb" "$diag" "$work/root/pkgs/"
		rc=0
		INST_UNAME=$r inst_chroot "$work" "set -e; cd /root/pkgs; $install_cmds" >"$out/skip-apt.log" 2>&1 || rc=$?
		t_note "skip case, apt output: $(grep -aE "BUILD_EXCLUSIVE|should not be built|skipped|Building for|Error" "$out/skip-apt.log" | head -n 4 | tr '\n' '|')"
		[ "$rc" = 0 ] && t_pass "install: skip case: apt install succeeds (running kernel $r)" ||
			t_fail "install: skip case: apt install" "exit $rc (log $out/skip-apt.log)"
		if grep -aq "BUILD_EXCLUSIVE directive" "$out/skip-apt.log" &&
		   grep -aq "$r" "$out/skip-apt.log"; then
			t_pass "install: skip case: dkms prints why $r is skipped"
		else
			t_fail "install: skip case: skip message" "no BUILD_EXCLUSIVE message for $r in $out/skip-apt.log"
		fi
		[ "$(grep -aF "virtio-scmi: skipped for Linux $r: " "$out/skip-apt.log" | grep -c 'older than 6\.12')" = 1 ] &&
			t_pass "install: skip case: one line names $r and why (older than 6.12)" ||
			t_fail "install: skip case: one line names $r and why" "want one 'virtio-scmi: skipped for Linux $r: ...' line in $out/skip-apt.log"
		rc=0
		INST_UNAME=$r inst_chroot "$work" "dkms build virtio-scmi/$v -k $r" >"$out/skip-dkms.log" 2>&1 || rc=$?
		[ "$rc" = 77 ] && t_pass "install: skip case: dkms build -k $r exits 77 (skipped)" ||
			t_fail "install: skip case: dkms build -k $r" "exit $rc, want 77"
		[ -z "$(find "$work/lib/modules/$r" -name 'virtio_scmi.ko*' 2>/dev/null)" ] &&
			t_pass "install: skip case: nothing installed for $r" ||
			t_fail "install: skip case: nothing installed for $r" "found a virtio_scmi.ko"
	else
		t_fail "install: skip case: install Debian 12 headers" "see $out/skip.log"
	fi
	inst_umount "$work"
	rm -rf "$work"

}

suite_install() {
	local out=$RESULTS/install v base deb diag work rel r rc t0 t_apt t_live kernels
	mkdir -p "$out"
	v=$(pkg_version)
	trap 'inst_umount_all; platform_stop' RETURN
	t_plan "install: dpkg-buildpackage*" "install: apt install*" "install: skip case: *" \
		"install/guest/completed" "install/guest/both-boots" "install/guest/installed/*" "install/guest/removed/*" \
		"install: unknown-abi: *" "install: no-btf: *"
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
	local install_cmds remove_cmd
	install_cmds=$(inst_readme_cmds 'update|install')
	remove_cmd=$(inst_readme_cmds remove)
	if grep -q "^apt install \./virtio-scmi-dkms_${v}_all.deb \./virtio-scmi-diag_${v}_arm64.deb\$" <<<"$install_cmds" &&
	   [ "$remove_cmd" = "apt remove virtio-scmi-dkms" ]; then
		t_pass "install: README's commands: $(tr '\n' ';' <<<"$install_cmds") $remove_cmd"
	else
		t_fail "install: README's commands" "the Install section does not name these packages: $(tr '\n' ';' <<<"$install_cmds")"
		return 0
	fi

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
	inst_umount "$work"

	# 3. boot it: udev autoload, live clocks and power domains, diag; remove; reboot
	if ! inst_image "$work" "$CACHE/install/work/guest.img" "$remove_cmd" 2>"$out/image.err"; then
		t_fail "install: disk image" "$(tail -n 1 "$out/image.err")"
		return 0
	fi
	rm -rf "$CACHE/install/work/guest-boot"
	cp -a "$work/boot" "$CACHE/install/work/guest-boot"
	rm -rf "$work"
	t_pass "install: disk image with systemd as init"
	# The skip case needs only the cached root filesystem: it runs under
	# qemu-user beside the guest boot (TCG), its results replayed after.
	local skip_pid
	( inst_skip_case "$base" "$out" "$v" "$deb" "$diag" "$install_cmds" ) >"$out/skip-results.txt" 2>"$out/skip-case.err" &
	skip_pid=$!
	rc=0
	inst_boot "$CACHE/install/work/guest.img" "$CACHE/install/work/guest-boot" boot 1500 || rc=$?
	t_live=""
	[ -n "$INST_CLOCK_LIVE_AT" ] && t_live=$((INST_CLOCK_LIVE_AT - t0))
	t_note "time from apt install to a live SCMI clock in the booted guest: ${t_live:-never} s (apt ${t_apt} s; boot wall $(cat "$out/boot/wall" 2>/dev/null) s, status $(cat "$out/boot/status" 2>/dev/null))"
	grep -a '^VSCMI-CLOCK-LIVE\|^VSCMI-NOTE' "$out/boot/console.log" | tr -d '\r' | while IFS= read -r p; do t_note "guest: $p"; done
	# Both boots must have run to their end: the installed phase (which
	# removes the package and reboots) and the removed phase.
	GUEST_PLAN="installed/clock-live installed/udev-autoload installed/diag-healthy installed/apt-remove
		installed/* removed/module-gone removed/no-ko-left removed/no-dkms-state-left removed/no-sources-left
		removed/diag-says-not-installed removed/*" GUEST_DIR=$out/boot guest_results "install/guest" "$out/boot"
	n=$(tr -d '\r' <"$out/boot/console.log" | grep -ac '^VSCMI-DONE')
	if [ "$n" = 2 ] && tr -d '\r' <"$out/boot/console.log" | grep -aq '^VSCMI-PHASE removed'; then
		t_pass "install/guest/both-boots"
	else
		t_fail "install/guest/both-boots" "$n of 2 boots finished (console $out/boot/console.log)"
	fi
	rm -f "$CACHE/install/work/guest.img"

	wait "$skip_pid" || t_fail "install: skip case" "exit $? ($out/skip-case.err)"
	t_replay "$out/skip-results.txt"

	# 5. field cases: a kernel the package cannot serve arrives with apt
	fld_install_cases "$base" "$out" "$deb" "$diag" "$install_cmds"
}
