#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything the test rig needs on a Debian 12 (bookworm) amd64 host.
# The mirror is never named here: it is read from the system's own apt sources.
# Idempotent: a second run only checks.
set -euo pipefail

need_root() { [ "$(id -u)" = 0 ] || { echo "host-deps: must run as root" >&2; exit 1; }; }

mirror_uri() {
	local f uri=""
	for f in /etc/apt/sources.list.d/debian.sources; do
		[ -r "$f" ] && uri=$(awk '/^URIs:/{print $2; exit}' "$f")
	done
	if [ -z "$uri" ] && [ -r /etc/apt/sources.list ]; then
		uri=$(awk '$1=="deb"{for(i=2;i<=NF;i++) if ($i ~ /^(https?|file):/) {print $i; exit}}' /etc/apt/sources.list)
	fi
	[ -n "$uri" ] || { echo "host-deps: cannot find the Debian mirror in apt sources" >&2; exit 1; }
	echo "$uri"
}

PKGS_MAIN=(
	build-essential gcc make bc flex bison libelf-dev libssl-dev
	mmdebstrap device-tree-compiler cpio xz-utils zstd gzip
	binutils-aarch64-linux-gnu dwarves bpftool python3
	socat e2fsprogs fakeroot dpkg-dev debhelper dh-dkms dkms lintian rpm rpmlint
	libkmod-dev pkg-config gnuplot-nox arch-test
)
PKGS_BPO=(qemu-system-arm qemu-user-static qemu-utils)

main() {
	need_root
	local uri bpo=/etc/apt/sources.list.d/virtio-scmi-bpo.sources
	uri=$(mirror_uri)
	if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
		cat >"$bpo" <<EOT
Types: deb
URIs: $uri
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOT
		rm -f /var/lib/apt/lists/lock
	fi
	local missing=() p
	for p in "${PKGS_MAIN[@]}" "${PKGS_BPO[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ] || ! qemu-system-aarch64 -device help 2>/dev/null | grep -q vhost-user-scmi; then
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -q >/dev/null
		apt-get install -y -q --no-install-recommends "${PKGS_MAIN[@]}" >/dev/null
		apt-get install -y -q --no-install-recommends -t bookworm-backports "${PKGS_BPO[@]}" >/dev/null
	fi
	qemu-system-aarch64 -device help 2>/dev/null | grep -q '"vhost-user-scmi-pci"' ||
		{ echo "host-deps: qemu-system-aarch64 lacks vhost-user-scmi-pci" >&2; exit 1; }
	# arm64 binaries through qemu-user (for the install suite's root filesystem)
	if [ -d /proc/sys/fs/binfmt_misc ] && [ ! -e /proc/sys/fs/binfmt_misc/register ]; then
		mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc || true
	fi
	if [ -w /proc/sys/fs/binfmt_misc/register ] && [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] &&
	   [ -r /usr/lib/binfmt.d/qemu-aarch64.conf ]; then
		cat /usr/lib/binfmt.d/qemu-aarch64.conf >/proc/sys/fs/binfmt_misc/register || true
	fi
	echo "host-deps: ok ($(qemu-system-aarch64 --version | head -1))"
}

main "$@"
