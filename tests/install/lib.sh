# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers of the install suite (tests/suites/install.sh): arm64 chroots run
# through qemu-user, the arm64 build of virtio-scmi-diag, and booting the
# installed root filesystem from a disk image with systemd as init.
#
#   inst_unpack SRC DIR            fresh copy of a cached root filesystem
#                                  (a directory or a tarball)
#   inst_chroot DIR CMD            run CMD (bash -c) in DIR with /proc, /sys,
#                                  /dev mounted; INST_UNAME, if set, is what
#                                  uname -r says there (qemu-user)
#   inst_umount DIR                undo inst_chroot's mounts (also on EXIT)
#   inst_builder_tar               cached amd64 chroot that cross builds for
#                                  arm64 (the diag tool's build dependencies)
#   inst_diag_deb OUTDIR           cross build virtio-scmi-diag_<v>_arm64.deb
#                                  (cached by source hash), print its path
#   inst_image DIR IMG [REMOVE_CMD [KERNEL [reinstall]]]
#                                  disk image of DIR with the boot-time
#                                  check service (tests/install/guest-check.sh),
#                                  which runs REMOVE_CMD (the README's) on boot 1,
#                                  checks that boot 1 runs KERNEL if given, and
#                                  with "reinstall" installs the package again
#                                  in that boot instead of rebooting
#   inst_boot IMG DIR NAME TIMEOUT [KERNEL]
#                                  boot IMG (its own kernel and initrd, a copy
#                                  of its /boot in DIR: the newest, as a boot
#                                  loader's default, or KERNEL, as picked in
#                                  its menu) with the SCMI platform; console in
#                                  $RESULTS/install/NAME/console.log; sets
#                                  INST_CLOCK_LIVE_AT (epoch s) when the guest
#                                  reported a live SCMI clock

here_il=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/install/rootfs.sh
. "$here_il/rootfs.sh"

INST_MOUNTS=()

inst_unpack() {
	local src=$1 dir=$2
	inst_umount "$dir"
	rm -rf "$dir"
	mkdir -p "$dir"
	if [ -d "$src" ]; then
		cp -a "$src/." "$dir/"
	else
		tar -C "$dir" --numeric-owner -xpf "$src"
	fi
}

inst_mount() {
	local dir=$1 m
	for m in proc sys dev dev/pts; do
		mountpoint -q "$dir/$m" && continue
		mkdir -p "$dir/$m"
		case $m in
		proc) mount -t proc proc "$dir/proc" ;;
		sys) mount -t sysfs sys "$dir/sys" ;;
		dev) mount --bind /dev "$dir/dev" ;;
		dev/pts) mount --bind /dev/pts "$dir/dev/pts" ;;
		esac
		INST_MOUNTS+=("$dir/$m")
	done
	cp -L /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null || true
}

inst_umount() {
	local dir=$1 m
	for m in dev/pts dev sys proc; do
		mountpoint -q "$dir/$m" 2>/dev/null && umount -l "$dir/$m"
	done
	return 0
}

inst_umount_all() {
	local m
	for ((m = ${#INST_MOUNTS[@]} - 1; m >= 0; m--)); do
		mountpoint -q "${INST_MOUNTS[m]}" 2>/dev/null && umount -l "${INST_MOUNTS[m]}"
	done
	INST_MOUNTS=()
	return 0
}

inst_chroot() {
	local dir=$1 cmd=$2
	inst_mount "$dir"
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 TERM=dumb \
		DEBIAN_FRONTEND=noninteractive ${INST_UNAME:+QEMU_UNAME=$INST_UNAME} \
		chroot "$dir" /bin/bash -c "$cmd"
}

# The arm64 build of virtio-scmi-diag is a Debian cross build
# (dpkg-buildpackage -aarm64) in an amd64 trixie chroot with arm64 as a
# foreign architecture: native speed, where an arm64 build root under
# qemu-user took half an hour to make on this 2-core host.
INST_CROSS_PKGS=(build-essential crossbuild-essential-arm64 debhelper dh-dkms libkmod-dev:arm64 pkgconf:arm64)

inst_builder_tar() {
	mkdir -p "$CACHE/install"
	( flock 9 && _inst_builder_build ) 9>"$CACHE/install/.cross.lock"
}

_inst_builder_build() {
	local tar uri key log t0
	key=$(printf '%s\n' trixie amd64+arm64 "${INST_CROSS_PKGS[@]}" | sha256sum | cut -c1-12)
	tar=$CACHE/install/cross-trixie-$key.tar
	[ -s "$tar" ] && { echo "$tar"; return 0; }
	mkdir -p "$CACHE/install"
	uri=$(apt_mirror) || return 1
	log=$CACHE/install/cross-$key.log
	t0=$(date +%s)
	log "building the trixie amd64 cross build chroot for the diag tool (once; log $log)"
	if ! mmdebstrap --quiet --variant=apt --architectures=amd64,arm64 --format=tar \
		--include="$(IFS=,; echo "${INST_CROSS_PKGS[*]}")" \
		--customize-hook='rm -f "$1"/var/cache/apt/archives/*.deb' \
		trixie "$tar.tmp" "$uri" >"$log" 2>&1; then
		rm -f "$tar.tmp"
		tail -n 5 "$log" >&2
		return 1
	fi
	mv "$tar.tmp" "$tar"
	log "cross build chroot made in $(( $(date +%s) - t0 )) s"
	echo "$tar"
}

inst_diag_deb() {
	local out=$1 v key dir btar deb
	v=$(pkg_version)
	key=$(cd "$TOP" && cat debian/* debian/source/* src/virtio-scmi-diag/*.c src/virtio-scmi-diag/Makefile \
		src/virtio-scmi-diag/*.1 2>/dev/null | sha256sum | cut -c1-12)
	deb=$CACHE/install/diag-$key/virtio-scmi-diag_${v}_arm64.deb
	if [ ! -s "$deb" ]; then
		btar=$(inst_builder_tar) || return 1
		dir=$CACHE/install/work/builder
		inst_unpack "$btar" "$dir"
		pkg_tree "$dir/build/virtio-scmi-$v"
		log "cross building virtio-scmi-diag for arm64"
		if ! inst_chroot "$dir" "cd /build/virtio-scmi-$v && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -B -aarm64 -us -uc" \
			>"$out/diag-arm64-build.log" 2>&1; then
			inst_umount "$dir"
			tail -n 5 "$out/diag-arm64-build.log" >&2
			return 1
		fi
		inst_umount "$dir"
		mkdir -p "${deb%/*}"
		cp "$dir/build/virtio-scmi-diag_${v}_arm64.deb" "$deb"
		rm -rf "$dir"
	fi
	cp "$deb" "$out/"
	echo "$out/${deb##*/}"
}

inst_image() {
	local dir=$1 img=$2 remove_cmd=${3:-apt remove virtio-scmi-dkms} kernel=${4:-} then=${5:-} size
	mkdir -p "$dir/etc/vscmi-install-check"
	echo "$remove_cmd" >"$dir/etc/vscmi-install-check/remove-cmd"
	rm -f "$dir/etc/vscmi-install-check/expect-kernel" "$dir/etc/vscmi-install-check/reinstall"
	[ -z "$kernel" ] || echo "$kernel" >"$dir/etc/vscmi-install-check/expect-kernel"
	[ "$then" != reinstall ] || : >"$dir/etc/vscmi-install-check/reinstall"
	install -m 0755 "$TOP/tests/install/guest-check.sh" "$dir/usr/local/sbin/vscmi-install-check"
	cat >"$dir/etc/systemd/system/vscmi-install-check.service" <<'EOT'
[Unit]
Description=virtio-scmi install suite: boot-time check
After=systemd-udev-settle.service local-fs.target
Wants=systemd-udev-settle.service

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/vscmi-install-check
StandardOutput=tty
TTYPath=/dev/ttyAMA0

[Install]
WantedBy=multi-user.target
EOT
	mkdir -p "$dir/etc/systemd/system/multi-user.target.wants"
	ln -sf ../vscmi-install-check.service \
		"$dir/etc/systemd/system/multi-user.target.wants/vscmi-install-check.service"
	ln -sf /dev/null "$dir/etc/systemd/system/serial-getty@ttyAMA0.service"
	echo '/dev/vda / ext4 rw,errors=remount-ro 0 1' >"$dir/etc/fstab"
	# The guest has no network: apt must not wait for it, and must not ask.
	echo 'APT::Get::Assume-Yes "true";' >"$dir/etc/apt/apt.conf.d/90vscmi-test"
	rm -f "$dir/etc/resolv.conf"
	size=$(( $(du -sm "$dir" | cut -f1) + 1024 ))
	rm -f "$img"
	mke2fs -q -t ext4 -L root -d "$dir" "$img" "${size}M"
}

inst_boot() {
	local img=$1 dir=$2 name=$3 timeout=$4 rel=${5:-} out args qpid t0 rc
	out=$RESULTS/install/$name
	mkdir -p "$out"
	rm -f "$out"/{console.log,qemu.log,status}
	if [ -z "$rel" ]; then
		rel=$(basename "$(ls "$dir"/vmlinuz-* | sort -V | tail -n 1)")
		rel=${rel#vmlinuz-}
	fi
	cp "$dir/vmlinuz-$rel" "$out/vmlinuz"
	cp "$dir/initrd.img-$rel" "$out/initrd.img"
	guest_dtb "$out/virt-scmi.dtb" 2 1024 || { echo dtb-failed >"$out/status"; return 1; }
	platform_start "$out" || { echo platform-failed >"$out/status"; return 1; }
	args=$(_qemu_machine_args 2 1024)
	: >"$out/console.log"
	INST_CLOCK_LIVE_AT=""
	t0=$(date +%s)
	# shellcheck disable=SC2086
	timeout -k 5 "$timeout" $QEMU $args -display none -serial "file:$out/console.log" \
		-kernel "$out/vmlinuz" -initrd "$out/initrd.img" -dtb "$out/virt-scmi.dtb" \
		-append "root=/dev/vda rw console=ttyAMA0 panic=-1 quiet systemd.show_status=0" \
		-drive "file=$img,format=raw,if=none,id=hd0,cache=unsafe" -device virtio-blk-pci,drive=hd0 \
		-chardev "socket,id=vscmi,path=$PLATFORM_SOCK" -device vhost-user-scmi-pci,chardev=vscmi,id=scmi,bus=rp0 \
		>"$out/qemu.log" 2>&1 &
	qpid=$!
	while kill -0 "$qpid" 2>/dev/null; do
		if [ -z "$INST_CLOCK_LIVE_AT" ] && grep -aq '^VSCMI-CLOCK-LIVE' "$out/console.log"; then
			INST_CLOCK_LIVE_AT=$(date +%s)
		fi
		sleep 1
	done
	rc=0
	wait "$qpid" || rc=$?
	platform_stop
	case $rc in
	0) echo poweroff >"$out/status" ;;
	124) echo timeout >"$out/status" ;;
	*) echo "qemu-exit $rc" >"$out/status" ;;
	esac
	echo "$(( $(date +%s) - t0 ))" >"$out/wall"
	[ "$rc" = 0 ]
}
