#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/install/rootfs.sh: build (once, cached) the Debian arm64 root
# filesystems the install suite installs the package into: trixie (dkms
# 3.2) and bookworm (dkms 3.0.10).  Each is an ordinary guest: the distro
# kernel and its headers, dkms, udev, kmod and systemd, made with mmdebstrap
# through qemu-user (binfmt_misc).  Nothing from this project is in it.
#
#   tests/install/rootfs.sh [SUITE]    print the path of the cached root
#                                      filesystem of SUITE (trixie, the
#                                      default, or bookworm), a directory,
#                                      building it first if needed
#
# The mirror is the host's own (tests/lib/apt.sh), never written down here.

here_rf=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/lib/common.sh
. "$here_rf/../lib/common.sh"
# shellcheck source=tests/lib/apt.sh
. "$here_rf/../lib/apt.sh"

ROOTFS_PKGS=(dkms udev kmod systemd systemd-sysv e2fsprogs initramfs-tools zstd)
# Installed last, from a customize hook, so that the initramfs is generated
# once: every package configured after the kernel would otherwise trigger a
# regeneration, and each one costs minutes of emulated shell under
# qemu-user.  The result is the same root filesystem.
ROOTFS_KERNEL_PKGS=(linux-image-arm64 linux-headers-arm64)
# The initramfs holds what this virtual machine needs to mount its root
# (virtio-blk, ext4), as a VM image's often does (initramfs-tools'
# MODULES=list), not Debian's default MODULES=most: under qemu-user one
# initramfs took about 7 minutes with "most" and 2 with the list, and the
# install suite's kernels make five.  dkms and the kernel's hooks run as
# with any other setting.
ROOTFS_INITRAMFS_MODULES=(virtio_blk ext4)
ROOTFS_RECIPE=3

# rootfs_tar [SUITE]: the cached root filesystem's path, built first if
# needed; callers serialise on $CACHE/install/.rootfs-SUITE.lock (tests/run
# builds them in the background while other suites run).
rootfs_tar() {
	local suite=${1:-trixie}
	case $suite in
	trixie|bookworm) ;;
	*) echo "rootfs: unknown suite '$suite' (trixie or bookworm)" >&2; return 2 ;;
	esac
	mkdir -p "$CACHE/install"
	( flock 9 && _rootfs_build "$suite" ) 9>"$CACHE/install/.rootfs-$suite.lock"
}

_rootfs_build() {
	local suite=$1 key dir tar uri log
	key=$(printf '%s\n' "$suite" arm64 apt "${ROOTFS_PKGS[@]}" "${ROOTFS_KERNEL_PKGS[@]}" \
		"${ROOTFS_INITRAMFS_MODULES[@]}" "$ROOTFS_RECIPE" |
		sha256sum | cut -c1-12)
	dir=$CACHE/install
	tar=$dir/rootfs-$suite-arm64-$key
	if [ -d "$tar/etc" ]; then
		echo "$tar"
		return 0
	fi
	mkdir -p "$dir"
	[ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] ||
		die "binfmt_misc has no qemu-aarch64 entry (run tests/lib/host-deps.sh)"
	uri=$(apt_mirror)
	log=$dir/rootfs-$key.log
	log "building the $suite arm64 root filesystem (10 to 20 minutes under qemu-user; log $log)"
	local inc t0 conf=/etc/initramfs-tools/update-initramfs.conf
	inc=$(IFS=,; echo "${ROOTFS_PKGS[*]}")
	t0=$(date +%s)
	if ! mmdebstrap --arch=arm64 --variant=apt --include="$inc" \
		--customize-hook="sed -i 's/^update_initramfs=.*/update_initramfs=no/' \"\$1$conf\"" \
		--customize-hook="sed -i 's/^MODULES=.*/MODULES=list/' \"\$1/etc/initramfs-tools/initramfs.conf\"" \
		--customize-hook="printf '%s\\n' ${ROOTFS_INITRAMFS_MODULES[*]} >>\"\$1/etc/initramfs-tools/modules\"" \
		--customize-hook="chroot \"\$1\" env INITRD=No DEBIAN_FRONTEND=noninteractive apt-get install -y -q ${ROOTFS_KERNEL_PKGS[*]}" \
		--customize-hook="sed -i 's/^update_initramfs=.*/update_initramfs=yes/' \"\$1$conf\"" \
		--customize-hook='chroot "$1" update-initramfs -c -k all' \
		--customize-hook='echo vscmi-guest >"$1/etc/hostname"' \
		--customize-hook='rm -f "$1"/var/cache/apt/archives/*.deb' \
		"$suite" "$tar.tmp" "$uri" >"$log" 2>&1; then	# .tmp: a directory
		tail -n 20 "$log" >&2
		rm -rf "$tar.tmp"
		die "mmdebstrap failed (log $log)"
	fi
	mv "$tar.tmp" "$tar"
	echo "built in $(( $(date +%s) - t0 )) s" >>"$log"
	log "root filesystem built in $(( $(date +%s) - t0 )) s"
	echo "$tar"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	rootfs_tar "$@"
fi
