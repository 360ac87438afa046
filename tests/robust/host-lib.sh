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

rb_build() {
	local k=$1 s=$2 ko d try
	if ! kernel_prepare "$k" >/dev/null; then
		t_fail "$s/$k/prepare" "kernel_prepare $k failed"
		return 1
	fi
	RB_BDIR=$RESULTS/$k/$s-build
	rm -rf "$RB_BDIR" && mkdir -p "$RB_BDIR"
	for d in exerciser robust; do
		if ! kernel_build_module "$k" "$TESTS/$d" "$RB_BDIR/$d" 2>"$RB_BDIR/$d.err"; then
			t_fail "$s/$k/build_$d" "$(tail -n 1 "$RB_BDIR/$d.err")"
			return 1
		fi
		if grep -q 'warning:' "$RB_BDIR/$d/build.log"; then
			t_fail "$s/$k/build_$d" "warnings: $(grep -m1 'warning:' "$RB_BDIR/$d/build.log")"
			return 1
		fi
	done
	# The module cache has one build per kernel, shared by every work
	# tree using the cache: take a copy of ours (checked under the
	# cache's lock) so that another tree's rebuild cannot swap it.
	for try in 1 2 3; do
		if ! ko=$(module_ko "$k" 2>"$RB_BDIR/module.err"); then
			t_fail "$s/$k/build_module" "$(tail -n 1 "$RB_BDIR/module.err")"
			return 1
		fi
		if (
			flock 9
			[ "$(cat "$(dirname "$ko")/src.sha256" 2>/dev/null)" = "$(_module_src_hash)" ] &&
				cp "$ko" "$RB_BDIR/virtio_scmi.ko"
		) 9>"$MODULE_CACHE/.lock-$k"; then
			break
		fi
		rm -f "$RB_BDIR/virtio_scmi.ko"
	done
	if [ ! -e "$RB_BDIR/virtio_scmi.ko" ]; then
		t_fail "$s/$k/build_module" "the shared module cache kept changing under us ($ko)"
		return 1
	fi
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
