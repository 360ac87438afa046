# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The "faults" suite: our virtio_scmi module against a platform that
# misbehaves on purpose (tests/platform fault injection), with exerciser
# traffic before, during and after each fault.
#
#   suite_faults KERNEL...      (kernels: suite_kernels, by default the
#                               "long faults:" line of tests/kernels.conf)
#
# Per kernel five boots:
#   faults-main   virtio_scmi loaded with rx_timeout_ms=$VSCMI_FAULTS_TIMEOUT_MS
#                 (1000: round trips of 500 ms were seen on a loaded host): first every module parameter with bad values
#                 (param/NAME=VALUE: refused with the module's message),
#                 valid non-default ones (param-valid/...), then one test
#                 per fault, armed and cleared from the host through the
#                 control channel of tests/faults/host.sh; the last,
#                 restore-before-ready, suspends (pm_test devices) with
#                 vscmi_traffic sending and the restore held 500 ms before
#                 DRIVER_OK (module test hook): the platform must see no
#                 command on a fresh cmdq before DRIVER_OK
#   faults-restart the platform killed (SIGKILL) while commands are in
#                 flight and a new one started on the same socket
#   faults-devices a device without P2A (single queue), a second SCMI
#                 device (refused), a legacy virtio-mmio one (refused), the
#                 DT's arm,max-rx-timeout-ms (_faults_devices)
#   faults-nonode, faults-barenode  no arm,scmi-virtio DT node; the node
#                 without protocol children
#   faults-probe-failure  a DT with two protocol nodes of reg 0x14: the
#                 SCMI core's probe fails after our channel setup, and
#                 notifications afterwards must be dropped, not delivered
#                 (tests/faults/probe-failure.sh; the regression shows on
#                 cores without the 6.12.y channel clean-up, e.g. 6.12-bpo)
# Results: faults/<kernel>/<fault>, faults/<kernel>/param/<name>=<value>.
# Guest script: tests/faults/guest.sh; host helper: tests/faults/host.sh.
#
# Environment: VSCMI_FAULTS_TIMEOUT_MS (1000), VSCMI_FAULTS_FLOOD_RATE
# (12500 notifications/s asked: the platform's pacing falls short on a
# loaded host, and at least 10000/s must be generated), VSCMI_FAULTS_FLOOD_S (10), VSCMI_FAULTS_BOOT_TIMEOUT
# (600 s per boot).

declare -F guest_boot >/dev/null || . "$TESTS/lib/guest.sh"
declare -F rb_build >/dev/null || . "$TESTS/robust/host-lib.sh"
[ -r "$TESTS/lib/module.sh" ] && ! declare -F module_build >/dev/null &&
	. "$TESTS/lib/module.sh"

FAULTS_PROTOCOLS="0x11 0x13 0x14 0x15 0x16"
# arm,max-rx-timeout-ms of the faults-devices boot's DT
FAULTS_DT_TIMEOUT_MS=300

# _faults_script DIR MODE: the guest script with its settings
_faults_script() {
	local out=$1/$2.sh
	{
		echo "FT_MODE=$2 FT_TIMEOUT_MS=${VSCMI_FAULTS_TIMEOUT_MS:-1000} FT_DT_TIMEOUT_MS=$FAULTS_DT_TIMEOUT_MS" \
			"FT_FLOOD_RATE=${VSCMI_FAULTS_FLOOD_RATE:-12500} FT_FLOOD_S=${VSCMI_FAULTS_FLOOD_S:-10}"
		cat "$TESTS/faults/guest.sh"
	} >"$out"
	echo "$out"
}

# _faults_host_ok PREFIX: the host helper must have served the guest
_faults_host_ok() {
	local st
	st=$(cat "$GUEST_DIR/during.status" 2>/dev/null)
	if [ "$st" = 0 ]; then
		t_pass "$1/host-control"
	else
		t_fail "$1/host-control" "host helper status '${st:-none}': $(tail -n 1 "$GUEST_DIR/during.log" 2>/dev/null)"
	fi
}

_faults_count() {
	tr -d '\r' <"$GUEST_DIR/console.log" | grep -a 'VSCMI-RESULT ' | grep -avEc " param(-valid)?/"
}

_faults_restart() {
	local k=$1 ko=$2 ex=$3 to=$4 dir script pid wall
	dir=$RESULTS/$k/faults-restart
	mkdir -p "$dir"
	# QEMU is the vhost-user server here and the platform connects to it
	# (--connect): a restarted back end reconnects and QEMU hands it the
	# rings again (tests/platform/README.md, "vhost-user").
	platform_build "$dir/platform-build.log" || { t_fail "faults/$k/platform-restart" "platform build failed"; return; }
	rm -f "$dir"/{scmi.sock,ctl.sock,platform.pid,platform.log}
	PLATFORM_DIR=$dir PLATFORM_SOCK=$dir/scmi.sock PLATFORM_CTL=$dir/ctl.sock
	export PLATFORM_DIR PLATFORM_SOCK PLATFORM_CTL
	# (in a subshell: no job report when host.sh kills it)
	(setsid "$PLATFORM_BIN" --connect "$PLATFORM_SOCK" --control "$PLATFORM_CTL" \
		--log "$dir/platform.log" --pidfile "$dir/platform.pid" >>"$dir/platform.log" 2>&1 </dev/null &)
	script=$(_faults_script "$dir" reconnect)
	GUEST_SCMI_PROTOCOLS=$FAULTS_PROTOCOLS GUEST_CHARDEV_OPTS=",server=on,wait=on" \
		guest_boot --kernel "$k" --name faults-restart --no-platform --no-autoload \
		--script "$script" --modules "$ko $ex" --timeout "$to" \
		--during "bash '$TESTS/faults/host.sh' --restart '--connect $PLATFORM_SOCK'"
	pid=$(cat "$dir/platform.pid" 2>/dev/null)
	[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null
	sleep 0.5
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
	wall=$(cat "$GUEST_DIR/wall" 2>/dev/null)
	t_note "faults/$k: restart boot ${GUEST_STATUS} after ${wall%.*} s ($GUEST_DIR)"
	guest_results "faults/$k/restart"
	_faults_host_ok "faults/$k/restart"
	grep -a '^host:' "$GUEST_DIR/during.log" | sed 's/^/# /'
}

_faults_probe_failure() {
	local k=$1 ko=$2 to=$3 dir dtb node=/firmware/scmi/protocol@114 wall
	dir=$RESULTS/$k/faults-probe-failure
	mkdir -p "$dir"
	dtb=$dir/dup-protocol.dtb
	# guest_boot's DTB (2 CPUs, 512 MB) plus a second clock protocol node;
	# QEMU takes the last -dtb given
	if ! GUEST_SCMI_PROTOCOLS=$FAULTS_PROTOCOLS guest_dtb "$dtb" 2 512 ||
		! fdtput -c "$dtb" "$node" || ! fdtput -t x "$dtb" "$node" reg 0x14; then
		t_fail "faults/$k/probe-failure/dtb" "cannot build the DTB with a duplicate protocol"
		return
	fi
	GUEST_SCMI_PROTOCOLS=$FAULTS_PROTOCOLS guest_boot --kernel "$k" --name faults-probe-failure \
		--script "$TESTS/faults/probe-failure.sh" --modules "$ko" --no-autoload --timeout "$to" \
		--qemu-args "-dtb $dtb" --during "bash '$TESTS/faults/host-probe-failure.sh'"
	wall=$(cat "$GUEST_DIR/wall" 2>/dev/null)
	t_note "faults/$k: probe-failure boot ${GUEST_STATUS} after ${wall%.*} s ($GUEST_DIR)"
	guest_results "faults/$k/probe-failure"
}

# _faults_module KERNEL OUT: our virtio_scmi.ko for KERNEL copied to OUT:
# the cached build (tests/lib/module.sh) if it is of these sources (the
# cache is per kernel: another tree may rebuild it meanwhile), else a
# build of our own.
_faults_module() {
	local k=$1 out=$2 ko h
	mkdir -p "$(dirname "$out")"
	if ko=$(module_ko "$k"); then
		h=$(_module_src_hash)
		(
			flock 9
			[ "$(cat "$(dirname "$ko")/src.sha256" 2>/dev/null)" = "$h" ] && cp "$ko" "$out"
		) 9>"$MODULE_CACHE/.lock-$k" && return 0
	fi
	module_build "$k" "$(dirname "$out")/own" >&2 && cp "$(dirname "$out")/own/$MODULE_NAME.ko" "$out"
}

# _faults_exerciser KERNEL: the exerciser built for KERNEL, cached by the
# hash of its sources (prints the .ko path)
_faults_exerciser() {
	local k=$1 h d
	h=$(cd "$TESTS/exerciser" && find . -type f \( -name '*.[ch]' -o -name Kbuild \) -print0 |
		sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
	d=$CACHE/faults/exerciser-$k-$(kernel_release "$k")-$h
	if [ ! -e "$d/.done" ]; then
		rm -rf "$d.tmp" && mkdir -p "$d.tmp"
		kernel_build_module "$k" "$TESTS/exerciser" "$d.tmp" || return 1
		if grep -q 'warning:' "$d.tmp/build.log"; then
			echo "exerciser: $(grep -m1 'warning:' "$d.tmp/build.log")" >&2
			return 1
		fi
		touch "$d.tmp/.done"
		rm -rf "$d" && mv "$d.tmp" "$d"
	fi
	echo "$d/vscmi_exerciser.ko"
}

# _faults_devices KERNEL KO EXERCISER TIMEOUT: three SCMI virtio devices in
# one guest: A, the suite's pci device on a platform started with --no-p2a
# (single queue) and the DT's arm,max-rx-timeout-ms set; B, a second pci
# device (0000:00:1e.0) on a full platform; C, a virtio-mmio device left
# legacy (no VERSION_1).  Then a DT without the arm,scmi-virtio node and
# one with the node but no protocol children.
_faults_devices() {
	local k=$1 ko=$2 ex=$3 to=$4 dir script x pids=() i
	dir=$RESULTS/$k/faults-devices
	mkdir -p "$dir"
	if ! platform_build "$dir/platform-build.log"; then
		t_fail "faults/$k/devices/platform" "platform build failed"
		return
	fi
	for x in b c; do
		rm -f "$dir/$x.sock" "$dir/$x-ctl.sock"
		"$PLATFORM_BIN" --socket "$dir/$x.sock" --control "$dir/$x-ctl.sock" \
			--log "$dir/platform-$x.log" --pidfile "$dir/platform-$x.pid" \
			>>"$dir/platform-$x.log" 2>&1 </dev/null &
		pids+=($!)
	done
	for ((i = 0; i < 100; i++)); do
		[ -S "$dir/b.sock" ] && [ -S "$dir/c.sock" ] && break
		sleep 0.1
	done
	script=$(_faults_script "$RESULTS/$k/faults-build" devices)
	GUEST_SCMI_PROTOCOLS=$FAULTS_PROTOCOLS GUEST_SCMI_DT_PROPS="arm,max-rx-timeout-ms=$FAULTS_DT_TIMEOUT_MS" \
		guest_boot --kernel "$k" --name faults-devices --script "$script" --modules "$ko $ex" \
		--no-autoload --timeout "$to" --platform-args "--no-p2a" \
		--qemu-args "-chardev socket,id=vscmi2,path=$dir/b.sock -device vhost-user-scmi-pci,chardev=vscmi2,id=scmi2,bus=pcie.0,addr=0x1e -chardev socket,id=vscmi3,path=$dir/c.sock -device vhost-user-scmi,chardev=vscmi3,id=scmi3" \
		--during "bash '$TESTS/faults/host.sh'"
	kill "${pids[@]}" 2>/dev/null
	wait "${pids[@]}" 2>/dev/null
	t_note "faults/$k: devices boot ${GUEST_STATUS} after $(cut -d. -f1 "$GUEST_DIR/wall" 2>/dev/null) s ($GUEST_DIR)"
	guest_results "faults/$k/devices"
	_faults_host_ok "faults/$k/devices"
	tr -d '\r' <"$GUEST_DIR/console.log" | grep -a 'VSCMI-NOTE devices' | sed 's/^VSCMI-NOTE /# /' | cut -c1-400

	for x in nonode:none barenode:bare; do
		script=$(_faults_script "$RESULTS/$k/faults-build" "${x%%:*}")
		GUEST_SCMI_PROTOCOLS=$FAULTS_PROTOCOLS GUEST_SCMI_NODE=${x#*:} \
			guest_boot --kernel "$k" --name "faults-${x%%:*}" --script "$script" \
			--modules "$ko $ex" --no-autoload --timeout "$to"
		t_note "faults/$k: ${x%%:*} boot ${GUEST_STATUS} after $(cut -d. -f1 "$GUEST_DIR/wall" 2>/dev/null) s ($GUEST_DIR)"
		guest_results "faults/$k/${x%%:*}"
	done
}

_faults_kernel() {
	local k=$1 bdir ko ex script wall to=${VSCMI_FAULTS_BOOT_TIMEOUT:-600} t0 n
	t0=$(date +%s)
	if ! kernel_prepare "$k" >/dev/null; then
		t_fail "faults/$k/prepare" "kernel_prepare $k failed"
		return
	fi
	bdir=$RESULTS/$k/faults-build
	rm -rf "$bdir" && mkdir -p "$bdir"
	if ! ex=$(_faults_exerciser "$k" 2>"$bdir/exerciser.err"); then
		t_fail "faults/$k/exerciser_build" "$(tail -n 1 "$bdir/exerciser.err")"
		return
	fi
	ko=$bdir/module/virtio_scmi.ko
	if ! _faults_module "$k" "$ko" 2>"$bdir/module.err"; then
		t_fail "faults/$k/module_build" "$(tail -n 1 "$bdir/module.err")"
		return
	fi
	# vscmi_traffic (tests/robust) for restore-before-ready: kernel threads
	# that send through a suspend
	if ! RB_BDIR=$bdir _rb_build_cached "$k" robust 2>"$bdir/robust.err"; then
		t_fail "faults/$k/traffic_build" "$(tail -n 1 "$bdir/robust.err")"
		return
	fi

	script=$(_faults_script "$bdir" main)
	GUEST_SCMI_PROTOCOLS=$FAULTS_PROTOCOLS guest_boot --kernel "$k" --name faults-main \
		--script "$script" --modules "$ko $ex $bdir/robust/vscmi_traffic.ko" --no-autoload --timeout "$to" \
		--during "bash '$TESTS/faults/host.sh'"
	wall=$(cat "$GUEST_DIR/wall" 2>/dev/null)
	t_note "faults/$k: main boot ${GUEST_STATUS} after ${wall%.*} s ($GUEST_DIR)"
	guest_results "faults/$k"
	_faults_host_ok "faults/$k"
	n=$(_faults_count)
	tr -d '\r' <"$GUEST_DIR/console.log" | grep -a 'VSCMI-NOTE fl\|VSCMI-NOTE fault .*: platform' |
		sed 's/^VSCMI-NOTE /# /' | cut -c1-400

	_faults_restart "$k" "$ko" "$ex" "$to"
	_faults_devices "$k" "$ko" "$ex" "$to"
	_faults_probe_failure "$k" "$ko" "$to"
	t_note "faults/$k: $((n + 1)) faults tried, wall time $(( $(date +%s) - t0 )) s"
}

suite_faults() {
	local k
	[ $# -gt 0 ] || { t_fail faults "no kernels"; return; }
	for k in $(suite_kernels faults "$@"); do
		t_plan "faults/$k/completed" "faults/$k/param/*" "faults/$k/param-valid/*" "faults/$k/restart/completed" \
			"faults/$k/devices/completed" "faults/$k/devices/*-refused" "faults/$k/devices/no-p2a" \
			"faults/$k/devices/dt-max-rx-timeout" "faults/$k/nonode/completed" "faults/$k/barenode/completed" \
			"faults/$k/probe-failure/completed"
		_faults_kernel "$k"
	done
}
