# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Host-side helpers of the fuzz, stress and pm suites.
#
#   rb_build KERNEL SUITE     kernel_prepare, then build the exerciser and
#                             vscmi_traffic and get our virtio_scmi.ko
#                             (tests/lib/module.sh cache); sets RB_MODULES
#                             ("ko ko ko") and RB_BDIR; t_fail + non-zero
#                             on any failure
#   rb_script OUT SETTINGS GUEST_SCRIPT
#                             write the guest script: SETTINGS (a line of
#                             shell assignments), guest-lib.sh, the script
#   rb_guest_wall             the last boot's wall time, whole seconds

declare -F guest_boot >/dev/null || . "$TESTS/lib/guest.sh"
declare -F module_ko >/dev/null || . "$TESTS/lib/module.sh"

RB_DIR=$TESTS/robust
# Every protocol in the DT, system power (0x12) included, so the core
# creates an exerciser device for each (as the guest suite does).
RB_PROTOCOLS="0x11 0x12 0x13 0x14 0x15 0x16 0x17 0x18"

# _rb_build_cached KERNEL DIR: build tests/DIR (exerciser or robust) into
# $RB_BDIR/DIR, from a cache keyed by the sources' hash.
_rb_build_cached() {
	local k=$1 d=$2 h c
	h=$(cd "$TESTS/$d" && find . -maxdepth 1 -type f \( -name '*.[ch]' -o -name Kbuild \) -print0 |
		sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
	c=$CACHE/module-by-hash/$d-$k-$(kernel_release "$k")-$h
	mkdir -p "$CACHE/module-by-hash"
	(
		flock 9
		[ -e "$c/build.log" ] && exit 0
		rm -rf "$c.tmp"
		kernel_build_module "$k" "$TESTS/$d" "$c.tmp" && mv "$c.tmp" "$c"
	) 9>"$CACHE/module-by-hash/.lock-$d-$k" || return 1
	rm -rf "${RB_BDIR:?}/$d" && cp -r "$c" "$RB_BDIR/$d"
}

rb_build() {
	local k=$1 s=$2 d
	if ! kernel_prepare "$k" >/dev/null; then
		t_fail "$s/$k/prepare" "kernel_prepare $k failed"
		return 1
	fi
	RB_BDIR=$RESULTS/$k/$s-build
	rm -rf "$RB_BDIR" && mkdir -p "$RB_BDIR"
	for d in exerciser robust; do
		if ! _rb_build_cached "$k" "$d" 2>"$RB_BDIR/$d.err"; then
			t_fail "$s/$k/build_$d" "$(tail -n 1 "$RB_BDIR/$d.err")"
			return 1
		fi
		if grep -q 'warning:' "$RB_BDIR/$d/build.log"; then
			t_fail "$s/$k/build_$d" "warnings: $(grep -m1 'warning:' "$RB_BDIR/$d/build.log")"
			return 1
		fi
	done
	# tests/lib/module.sh keeps one build per kernel, shared by every work
	# tree using the cache (each rebuilds it for its own sources): keep
	# ours keyed by the source hash instead.
	d=$CACHE/module-by-hash/$k-$(kernel_release "$k")-$(_module_src_hash)
	mkdir -p "$CACHE/module-by-hash"
	if ! (
		flock 9
		[ -e "$d/virtio_scmi.ko" ] && exit 0
		rm -rf "$d.tmp"
		module_build "$k" "$d.tmp" >"$RB_BDIR/module.err" 2>&1 && mv "$d.tmp" "$d"
	) 9>"$CACHE/module-by-hash/.lock-$k"; then
		t_fail "$s/$k/build_module" "$(tail -n 1 "$RB_BDIR/module.err")"
		return 1
	fi
	cp "$d/virtio_scmi.ko" "$RB_BDIR/virtio_scmi.ko" || return 1
	RB_MODULES="$RB_BDIR/virtio_scmi.ko $RB_BDIR/exerciser/vscmi_exerciser.ko $RB_BDIR/robust/vscmi_traffic.ko"
	return 0
}

rb_script() {
	{
		echo "$2"
		cat "$RB_DIR/guest-lib.sh" "$3"
	} >"$1"
}

rb_guest_wall() {
	local w
	w=$(cat "$GUEST_DIR/wall" 2>/dev/null)
	echo "${w%.*}"
}

# rb_during_ok NAME: the --during helper finished with status 0.
rb_during_ok() {
	local st
	st=$(cat "$GUEST_DIR/during.status" 2>/dev/null)
	if [ "$st" = 0 ]; then
		t_pass "$1"
	else
		t_fail "$1" "host helper status '${st:-none}': $(tail -n 2 "$GUEST_DIR/during.log" 2>/dev/null | tr '\n' ' ')"
	fi
}

# rb_notes DIR PATTERN: the guest's VSCMI-NOTE lines matching PATTERN, as
# t_note lines.
rb_notes() {
	local line
	while IFS= read -r line; do
		t_note "${line#VSCMI-NOTE }"
	done < <(tr -d '\r' <"$1/console.log" | grep -a "^VSCMI-NOTE .*$2")
}
