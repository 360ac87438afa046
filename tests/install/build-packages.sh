#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Build the .deb and .rpm packages from the working tree, outside the clone.
#
#   tests/install/build-packages.sh OUTDIR      (or source it and call
#                                                pkg_build_all OUTDIR)
#
# The tracked and untracked-but-not-ignored files of the clone are copied to
# $CACHE/package/work/virtio-scmi-<version>/ and built there, so the clone
# never gets build products.  The packages' own checks (the diag tool's
# fake-root tests) are skipped here: the package suite runs them on the
# packaged binary.  OUTDIR receives:
#   virtio-scmi-dkms_<v>_all.deb, virtio-scmi-diag_<v>_<arch>.deb,
#   virtio-scmi_<v>.dsc, virtio-scmi_<v>.tar.xz, *.buildinfo, *.changes,
#   virtio-scmi-dkms-<v>-1.noarch.rpm, virtio-scmi-diag-<v>-1.<arch>.rpm,
#   virtio-scmi-<v>-1.src.rpm, and deb-build.log / rpm-build.log.

here_bp=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/lib/common.sh
. "$here_bp/../lib/common.sh"

# Version from debian/changelog (the .deb's single source of truth).
pkg_version() {
	sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' "$TOP/debian/changelog"
}

# Version in the RPM spec, for the equality check.
pkg_rpm_version() {
	awk '$1 == "Version:" { print $2; exit }' "$TOP/rpm/virtio-scmi-dkms.spec"
}

# pkg_tree DEST: copy the working tree's files (no .git, nothing ignored).
pkg_tree() {
	local dest=$1
	rm -rf "$dest"
	mkdir -p "$dest"
	(cd "$TOP" && git ls-files -co --exclude-standard -z | while IFS= read -r -d '' f; do
		[ -e "$f" ] && printf '%s\0' "$f"
	done | cpio -0 -pdm --quiet "$dest")
}

pkg_build_deb() {
	local out=$1 v work
	v=$(pkg_version)
	work=$CACHE/package/work/deb
	pkg_tree "$work/virtio-scmi-$v"
	rm -f "$work"/*.deb "$work"/*.dsc "$work"/*.tar.* "$work"/*.changes "$work"/*.buildinfo
	if ! (cd "$work/virtio-scmi-$v" && DEB_BUILD_OPTIONS="nocheck ${DEB_BUILD_OPTIONS:-}" dpkg-buildpackage -us -uc -j2) >"$out/deb-build.log" 2>&1; then
		tail -n 15 "$out/deb-build.log" >&2
		return 1
	fi
	cp "$work"/*.deb "$work"/*.dsc "$work"/*.tar.* "$work"/*.changes "$work"/*.buildinfo "$out/"
}

pkg_build_rpm() {
	local out=$1 v work
	v=$(pkg_version)
	work=$CACHE/package/work/rpm
	rm -rf "$work"
	mkdir -p "$work/SOURCES"
	pkg_tree "$work/tree/virtio-scmi-$v"
	tar -C "$work/tree" -czf "$work/SOURCES/virtio-scmi-$v.tar.gz" "virtio-scmi-$v"
	# --nodeps: the BuildRequires name Fedora packages; this host is Debian.
	if ! rpmbuild -ba --nodeps --nocheck --define "_topdir $work" \
		"$work/tree/virtio-scmi-$v/rpm/virtio-scmi-dkms.spec" >"$out/rpm-build.log" 2>&1; then
		tail -n 15 "$out/rpm-build.log" >&2
		return 1
	fi
	cp "$work"/RPMS/*/*.rpm "$work"/SRPMS/*.rpm "$out/"
}

pkg_build_all() {
	local out=$1
	mkdir -p "$out"
	rm -f "$out"/*.deb "$out"/*.rpm "$out"/*.dsc "$out"/*.changes "$out"/*.buildinfo "$out"/*.tar.*
	pkg_build_deb "$out" && pkg_build_rpm "$out"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	pkg_build_all "${1:?usage: build-packages.sh OUTDIR}"
	ls -1 "$1"
fi
