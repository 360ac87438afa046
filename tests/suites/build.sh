# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# suite_build KERNEL...: per kernel, prepare the kernel (packages, build
# chroot), build the kernel's own virtio SCMI transport out of tree as the
# reference and check the result; then the checks of our own module, when
# tests/lib/module.sh provides module_build_tests.

. "$TESTS/lib/kernels.sh"
[ -r "$TESTS/lib/module.sh" ] && . "$TESTS/lib/module.sh"

# _build_check_upstream NAME KO: the reference module is what the kernel
# would have built: right vermagic, name, license, and (6.13+) the virtio
# device alias that makes it load automatically.
_build_check_upstream() {
	local k=$1 ko=$2 p=build/$1/upstream-transport rel vm xy
	rel=$(kernel_release "$k")
	vm=$(modinfo -F vermagic "$ko" 2>/dev/null)
	if [ "${vm%% *}" = "$rel" ]; then
		t_pass "$p/vermagic"
	else
		t_fail "$p/vermagic" "vermagic '${vm}', want '$rel ...'"
	fi
	[ "$(modinfo -F name "$ko" 2>/dev/null)" = scmi_transport_virtio ] &&
		t_pass "$p/name" || t_fail "$p/name" "name '$(modinfo -F name "$ko" 2>/dev/null)'"
	[ "$(modinfo -F license "$ko" 2>/dev/null)" = GPL ] &&
		t_pass "$p/license" || t_fail "$p/license" "license '$(modinfo -F license "$ko" 2>/dev/null)'"
	xy=$(echo "$rel" | grep -oE '^[0-9]+\.[0-9]+')
	if [ "$(printf '%s\n' "$xy" 6.13 | sort -V | head -n 1)" = 6.13 ]; then
		# MODULE_DEVICE_TABLE(virtio, ...) since 6.13.
		if modinfo -F alias "$ko" 2>/dev/null | grep -qx 'virtio:d00000020v\*'; then
			t_pass "$p/alias"
		else
			t_fail "$p/alias" "no alias virtio:d00000020v* ($(modinfo -F alias "$ko" | tr '\n' ' '))"
		fi
	else
		if modinfo -F alias "$ko" 2>/dev/null | grep -q .; then
			t_fail "$p/alias" "kernel $xy had no device table, got an alias"
		else
			t_pass "$p/alias"
		fi
	fi
	# Only symbols of the kernel or its modules: the build's own modpost
	# run would have complained otherwise; check it did not.
	if grep -qE 'WARNING: modpost: .*undefined' "$(dirname "$ko")/build.log"; then
		t_fail "$p/symbols" "$(grep -m1 -E 'WARNING: modpost: .*undefined' "$(dirname "$ko")/build.log")"
	else
		t_pass "$p/symbols"
	fi
}

suite_build() {
	local k t0 ko log
	for k in "$@"; do
		t_plan "build/$k/prepare" "build/$k/upstream-transport" "build/$k/upstream-transport/*"
		declare -F module_build_tests >/dev/null &&
			t_plan "build/$k/module" "build/$k/modinfo" "build/$k/size" "build/$k/layout-check"
		log=$RESULTS/build/$k
		mkdir -p "$log"
		t0=$(date +%s)
		if kernel_prepare "$k" >"$log/prepare.log" 2>&1; then
			t_pass "build/$k/prepare"
			t_note "build/$k: $(kernel_release "$k") ($(kernel_version "$k")), prepare $(( $(date +%s) - t0 )) s"
		else
			t_fail "build/$k/prepare" "$(tail -n 1 "$log/prepare.log")"
			continue
		fi
		t0=$(date +%s)
		if ko=$(upstream_transport "$k" 2>"$log/upstream.log"); then
			t_pass "build/$k/upstream-transport"
			t_note "build/$k: upstream transport $(( $(date +%s) - t0 )) s: $ko"
			_build_check_upstream "$k" "$ko"
		else
			t_fail "build/$k/upstream-transport" "$(tail -n 1 "$log/upstream.log")"
		fi
		if declare -F module_build_tests >/dev/null; then
			module_build_tests "$k"
		fi
	done
}
