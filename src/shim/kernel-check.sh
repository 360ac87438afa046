# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# kernel-check.sh RELEASE ARCH KERNEL_SOURCE_DIR [KERNEL_CONFIG [layout]]
#
# Decides, before anything is compiled, whether virtio_scmi can be built for
# one kernel.  dkms.conf runs it (with bash: packaged sources carry no
# executable bits) for the kernel dkms works on.  Prints nothing and exits 0
# when the module can be built; otherwise prints ONE line saying why, naming
# the kernel, and exits 1.  The reasons, in the order they are checked:
#
#   not arm64, no kernel configuration, older than the first known core ABI
#   revision, newer than the last known one, no SCMI core, SCMI core a module
#   (=m), no virtio, in-tree virtio transport (=y or =m), no BTF to check the
#   core layout against, and with "layout": the shim's declarations do not
#   match the kernel's BTF (the build's own check, src/shim/layout.mk, run
#   alone on a copy of the sources in a temporary directory:
#   make VSCMI_LAYOUT_ONLY=1, a few seconds).
#
# The known revisions are read from abi.h beside this script (the only place
# that maps versions to revisions).  BTF is where src/shim/layout.mk looks
# for it: KERNEL_SOURCE_DIR/vmlinux, or /sys/kernel/btf/vmlinux when RELEASE
# is the running kernel.  The file /etc/virtio-scmi/allow-no-btf (or
# VSCMI_ALLOW_NO_BTF=1 in the environment) lets a kernel without BTF through;
# layout.mk honours the same override.

vscmi_kc_main() {
	local rel=$1 arch=$2 ksrc=$3 kconf=${4:-$3/.config} what=${5:-}
	local here abi lo hi maj min kv v f
	local pfx="virtio-scmi: skipped for Linux $rel"

	case $arch in
	aarch64|arm64) ;;
	*)
		echo "$pfx: architecture $arch, only arm64 (aarch64) guests need it"
		return 1 ;;
	esac
	if [ ! -r "$kconf" ]; then
		echo "$pfx: no kernel configuration ($kconf): are its headers installed?"
		return 1
	fi

	here=$(dirname "${BASH_SOURCE[0]}")
	abi=$here/abi.h
	# "#elif VSCMI_KVER < 612" ... "#elif VSCMI_KVER < 704": first and last
	lo=$(sed -n 's/^#[[:space:]]*elif VSCMI_KVER < \([0-9][0-9]*\)$/\1/p' "$abi" 2>/dev/null | head -n 1)
	hi=$(sed -n 's/^#[[:space:]]*elif VSCMI_KVER < \([0-9][0-9]*\)$/\1/p' "$abi" 2>/dev/null | tail -n 1)
	if [ -z "$lo" ] || [ -z "$hi" ]; then
		echo "$pfx: $abi lists no core ABI revisions: the source tree is incomplete"
		return 1
	fi
	hi=$((hi - 1))

	# The version the headers say, else the one the release string says.
	f=$ksrc/include/generated/uapi/linux/version.h
	maj=$(sed -n 's/^#define LINUX_VERSION_MAJOR \([0-9][0-9]*\)$/\1/p' "$f" 2>/dev/null)
	min=$(sed -n 's/^#define LINUX_VERSION_PATCHLEVEL \([0-9][0-9]*\)$/\1/p' "$f" 2>/dev/null)
	if [ -z "$maj" ] || [ -z "$min" ]; then
		if [[ $rel =~ ^([0-9]+)\.([0-9]+) ]]; then
			maj=${BASH_REMATCH[1]}
			min=${BASH_REMATCH[2]}
		else
			echo "$pfx: cannot tell its version"
			return 1
		fi
	fi
	kv=$((10#$maj * 100 + 10#$min))
	if [ "$kv" -lt "$lo" ]; then
		echo "$pfx: $maj.$min is older than $((lo / 100)).$((lo % 100)), the first SCMI core with a hook for external transports"
		return 1
	fi
	if [ "$kv" -gt "$hi" ]; then
		echo "$pfx: its arm_scmi core ABI ($maj.$min) is unknown to this virtio-scmi (it knows $((lo / 100)).$((lo % 100)) to $((hi / 100)).$((hi % 100))); a newer virtio-scmi may support it"
		return 1
	fi

	v=$(sed -n 's/^CONFIG_ARM_SCMI_PROTOCOL=\(.*\)$/\1/p' "$kconf")
	case $v in
	y) ;;
	m)
		echo "$pfx: CONFIG_ARM_SCMI_PROTOCOL=m, the module needs the SCMI core built in (=y)"
		return 1 ;;
	*)
		echo "$pfx: no SCMI core (CONFIG_ARM_SCMI_PROTOCOL is not set)"
		return 1 ;;
	esac
	v=$(sed -n 's/^CONFIG_VIRTIO=\(.*\)$/\1/p' "$kconf")
	if [ "$v" != y ] && [ "$v" != m ]; then
		echo "$pfx: no virtio (CONFIG_VIRTIO is not set)"
		return 1
	fi
	v=$(sed -n 's/^CONFIG_ARM_SCMI_TRANSPORT_VIRTIO=\(.*\)$/\1/p' "$kconf")
	if [ -n "$v" ]; then
		echo "$pfx: it has the in-tree SCMI virtio transport (CONFIG_ARM_SCMI_TRANSPORT_VIRTIO=$v), which serves the device instead"
		return 1
	fi

	if [ ! -r "$ksrc/vmlinux" ] &&
	   { [ "$rel" != "$(uname -r)" ] || [ ! -r /sys/kernel/btf/vmlinux ]; } &&
	   [ "${VSCMI_ALLOW_NO_BTF:-}" != 1 ] && [ ! -e /etc/virtio-scmi/allow-no-btf ]; then
		echo "$pfx: no BTF to check the SCMI core layout against (no $ksrc/vmlinux, and not the running kernel); see /etc/virtio-scmi/allow-no-btf in README"
		return 1
	fi
	[ "$what" != layout ] || vscmi_kc_layout "$rel" "$ksrc" "$here/../.." "$pfx"
}

# vscmi_kc_layout RELEASE KERNEL_SOURCE_DIR SOURCE_ROOT PREFIX
vscmi_kc_layout() {
	local rel=$1 ksrc=$2 top=$3 pfx=$4 tmp rc=0 why

	tmp=$(mktemp -d "${TMPDIR:-/tmp}/virtio-scmi-check.XXXXXX") || {
		echo "$pfx: cannot make a temporary directory for the layout check"
		return 1
	}
	# The verdict is the stamp btfcheck leaves on success: make itself
	# may still fail after it (modpost finds no module to process).
	if cp "$top/Kbuild" "$tmp/" && cp -R "$top/src" "$tmp/src"; then
		make -C "$ksrc" M="$tmp" KERNELRELEASE="$rel" VSCMI_LAYOUT_ONLY=1 \
			modules >"$tmp/check.log" 2>&1 || rc=$?
	fi
	if [ ! -e "$tmp/src/shim/layout.ok" ]; then
		why=$(grep -m 1 'virtio_scmi: .*mismatch' "$tmp/check.log" 2>/dev/null)
		[ -n "$why" ] || why=$(grep -m 1 -E 'rror|\*\*\*' "$tmp/check.log" 2>/dev/null)
		echo "$pfx: the layout check against its BTF failed: ${why:-make exit $rc}"
		rc=1
	else
		rc=0
	fi
	rm -rf "$tmp"
	return "$rc"
}

vscmi_kc_main "$@"
