# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# suite_smoke KERNEL...: boot each stock kernel with the kernel's own
# (upstream) virtio SCMI transport, built out of tree, against the test
# platform, and check that the SCMI core enumerates what the platform
# serves.  On the first kernel only: the virtio-mmio variant, a guest reset
# against the same platform process, and a SIGKILLed QEMU followed by a new
# one against the same platform process.

. "$TESTS/lib/guest.sh"

SMOKE_BASE_MSGS="0x00:version 0x01:attributes 0x03:vendor 0x06:list-protocols"

# _smoke_expect KERNEL FILE KO: expectations for tests/guest/smoke.sh from the
# running platform's state dump.
_smoke_expect() {
	local k=$1 out=$2 ko=$3 state
	state=$(platform_ctl state) || { echo "platform state: $state" >&2; return 1; }
	{
		echo "MODULE=scmi_transport_virtio"
		printf '%s\n' "$state" | awk '$1 == "platform" {
			for (i = 2; i <= NF; i++) {
				split($i, kv, "=")
				if (kv[1] == "vendor") print "VENDOR=\"" kv[2] "\""
				if (kv[1] == "sub_vendor") print "SUBVENDOR=\"" kv[2] "\""
			} }'
		printf 'CLOCKS="%s"\n' "$(printf '%s\n' "$state" | awk '$1 == "clock" {
			for (i = 4; i <= NF; i++) if ($i ~ /^rate=/) { sub(/^rate=/, "", $i); printf "%s%s:%s", s, $3, $i; s = " " } }')"
		printf 'PDS="%s"\n' "$(printf '%s\n' "$state" | awk '$1 == "power" { printf "%s%s", s, $3; s = " " }')"
		echo "CHECK_VENDOR_ID=1"
		if modinfo -F alias "$ko" 2>/dev/null | grep -qx 'virtio:d00000020v\*'; then
			echo EXPECT_AUTOLOAD=1
		else
			echo EXPECT_AUTOLOAD=0
		fi
		if kernel_has_config "$k" CONFIG_COMMON_CLK_SCMI >/dev/null && kernel_has_config "$k" CONFIG_DEBUG_FS >/dev/null; then
			echo CHECK_CLK=1
		else
			echo CHECK_CLK=0
		fi
		if kernel_has_config "$k" CONFIG_ARM_SCMI_POWER_DOMAIN >/dev/null &&
		   kernel_has_config "$k" CONFIG_PM_GENERIC_DOMAINS >/dev/null &&
		   kernel_has_config "$k" CONFIG_DEBUG_FS >/dev/null; then
			echo CHECK_GENPD=1
		else
			echo CHECK_GENPD=0
		fi
	} >"$out"
	grep -q '^VENDOR="..*"' "$out" && grep -q '^CLOCKS="..*"' "$out" ||
		{ echo "cannot parse the platform's state dump" >&2; return 1; }
}

# _smoke_skips PREFIX EXPECTFILE: report the checks the kernel cannot do.
_smoke_skips() {
	local p=$1 f=$2
	grep -q '^EXPECT_AUTOLOAD=0' "$f" && t_skip "$p/autoload" "this kernel's transport has no virtio device table (added in 6.13)"
	grep -q '^CHECK_CLK=0' "$f" && t_skip "$p/clk" "CONFIG_COMMON_CLK_SCMI or CONFIG_DEBUG_FS not set"
	grep -q '^CHECK_GENPD=0' "$f" &&
		t_skip "$p/genpd" "CONFIG_ARM_SCMI_POWER_DOMAIN, CONFIG_PM_GENERIC_DOMAINS or CONFIG_DEBUG_FS not set"
	return 0
}

# _smoke_ready_time PREFIX: note the boot-to-SCMI-ready time (printk stamp).
_smoke_ready_time() {
	local t
	t=$(guest_dmesg | sed -n "s/^\[ *\([0-9.]*\)\].*SCMI Protocol v.*/\1/p" | head -n 1)
	if [ -n "$t" ]; then
		t_note "$1: SCMI ready at ${t} s after kernel start (boot wall time $(cut -c1-5 "$GUEST_DIR/wall") s)"
	fi
}

# _smoke_stats PREFIX: the platform saw the BASE discovery sequence.
_smoke_stats() {
	local p=$1 st m id what n
	st=$(platform_ctl engine stats 2>&1) || { t_fail "$p/platform-stats" "engine stats: $st"; return; }
	printf '%s\n' "$st" >"$GUEST_DIR/platform-stats.txt"
	for m in $SMOKE_BASE_MSGS; do
		id=${m%%:*}; what=${m#*:}
		n=$(printf '%s\n' "$st" | awk -v id="$id" '$1 == "req" && $2 == "0x10" && $3 == id { print $NF }')
		if [ "${n:-0}" -ge 1 ]; then
			t_pass "$p/platform-saw-base-$what"
		else
			t_fail "$p/platform-saw-base-$what" "BASE message $id count ${n:-0}"
		fi
	done
}

_smoke_boot() {
	# _smoke_boot KERNEL TEST KO EXPECT [guest_boot options...]
	local k=$1 test=$2 ko=$3 exp=$4
	shift 4
	guest_boot --kernel "$k" --name "$test" --no-platform --script "$TESTS/guest/smoke.sh" \
		--modules "$ko" --file "$exp:/root/expect" "$@"
}

suite_smoke() {
	local k first=1 ko dir exp p n
	for k in "$@"; do
		p=smoke/$k
		t_plan "$p/pci/completed" "$p/pci/*"
		[ "$first" = 1 ] && t_plan "$p/reboot/completed" "$p/reboot/second-boot-enumerated" \
			"$p/killed/qemu-sigkilled" "$p/after-kill/completed" "$p/mmio/completed"
		if ! kernel_prepare "$k" >"$RESULTS/.prepare-$k.log" 2>&1; then
			t_fail "$p/prepare" "$(tail -n 1 "$RESULTS/.prepare-$k.log")"
			continue
		fi
		if ! ko=$(upstream_transport "$k" 2>"$RESULTS/.upstream-$k.log"); then
			t_fail "$p/upstream-transport" "$(tail -n 1 "$RESULTS/.upstream-$k.log")"
			continue
		fi
		dir=$RESULTS/$k/smoke-pci
		mkdir -p "$dir"
		if ! platform_start "$dir" ${SMOKE_PLATFORM_ARGS:-}; then
			t_fail "$p/platform" "could not start the platform (log $dir/platform.log)"
			continue
		fi
		exp=$dir/expect
		if ! _smoke_expect "$k" "$exp" "$ko" 2>"$dir/expect.err"; then
			t_fail "$p/expectations" "$(tail -n 1 "$dir/expect.err")"
			platform_stop
			continue
		fi

		_smoke_boot "$k" smoke-pci "$ko" "$exp" --transport pci
		guest_results "$p/pci"
		_smoke_skips "$p/pci" "$exp"
		_smoke_ready_time "$p/pci"
		_smoke_stats "$p/pci"

		if [ "$first" = 1 ]; then
			# A guest reset: the second boot enumerates again against
			# the same platform process.
			platform_ctl reset-stats >/dev/null
			_smoke_boot "$k" smoke-reboot "$ko" "$exp" --hold --allow-reboot --timeout 240 \
				--during 'guest_wait_console "^VSCMI-DONE" 110 1 &&
					qemu_monitor system_reset &&
					guest_wait_console "^VSCMI-DONE" 110 2; qemu_monitor quit'
			guest_results "$p/reboot"
			n=$(tr -d '\r' <"$GUEST_CONSOLE" | grep -c "SCMI Protocol v.*'")
			if [ "$(tr -d '\r' <"$GUEST_CONSOLE" | grep -c '^VSCMI-DONE')" -eq 2 ] && [ "$n" -ge 2 ]; then
				t_pass "$p/reboot/second-boot-enumerated"
			else
				t_fail "$p/reboot/second-boot-enumerated" \
					"$(tr -d '\r' <"$GUEST_CONSOLE" | grep -c '^VSCMI-DONE') boots finished, $n SCMI enumerations"
			fi
			_smoke_stats "$p/reboot"

			# SIGKILL QEMU while the guest is busy (module loading,
			# SCMI discovery), then boot again on the same platform.
			guest_boot --kernel "$k" --name smoke-killed --no-platform \
				--script "$TESTS/guest/smoke.sh" --modules "$ko" --file "$exp:/root/expect" \
				--timeout 120 --during 'guest_wait_console "^VSCMI-BOOT" 100 &&
					sleep 0.5 && kill -KILL "$(cat "$QEMU_PIDFILE")"'
			if [ "$GUEST_STATUS" = killed ] && [ "$(cat "$GUEST_DIR/during.status")" = 0 ]; then
				t_pass "$p/killed/qemu-sigkilled"
			else
				t_fail "$p/killed/qemu-sigkilled" "status $GUEST_STATUS, kill step $(cat "$GUEST_DIR/during.status")"
			fi
			if platform_alive; then
				t_pass "$p/killed/platform-survived"
			else
				t_fail "$p/killed/platform-survived" "platform exited (log $dir/platform.log)"
			fi
			platform_ctl reset-stats >/dev/null
			_smoke_boot "$k" smoke-after-kill "$ko" "$exp" --transport pci
			guest_results "$p/after-kill"
			_smoke_stats "$p/after-kill"
		fi
		platform_stop

		if [ "$first" = 1 ]; then
			# The same checks over virtio-mmio (vhost-user-scmi).
			dir=$RESULTS/$k/smoke-mmio
			mkdir -p "$dir"
			if platform_start "$dir" ${SMOKE_PLATFORM_ARGS:-}; then
				_smoke_boot "$k" smoke-mmio "$ko" "$exp" --transport mmio
				guest_results "$p/mmio"
				_smoke_skips "$p/mmio" "$exp"
				_smoke_ready_time "$p/mmio"
				_smoke_stats "$p/mmio"
				platform_stop
			else
				t_fail "$p/mmio/platform" "could not start the platform (log $dir/platform.log)"
			fi
		fi
		first=0
	done
}
