#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/install/prefetch.sh: make the install suite's cached inputs (the
# trixie arm64 root filesystem, bookworm's too with VSCMI_INSTALL_LONG=1,
# and the amd64 cross build chroot) if they are missing.  tests/run starts it in the background when the install suite is
# selected, so that on a fresh machine the minutes of qemu-user work overlap
# the other suites; the install suite then waits on the same locks.
set -uo pipefail
here_pf=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/lib/common.sh
. "$here_pf/../lib/common.sh"
# shellcheck source=tests/install/build-packages.sh
. "$here_pf/build-packages.sh"
# shellcheck source=tests/install/lib.sh
. "$here_pf/lib.sh"

t0=$(date +%s)
rc=0
inst_builder_tar || rc=1
rootfs_tar trixie || rc=1
# the bookworm case runs on demand only (VSCMI_INSTALL_LONG=1)
[ "${VSCMI_INSTALL_LONG:-0}" != 1 ] || rootfs_tar bookworm || rc=1
echo "# prefetch done in $(( $(date +%s) - t0 )) s, status $rc"
exit $rc
