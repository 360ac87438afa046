# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The "guest" suite: boot each kernel with OUR virtio_scmi module and the
# vscmi_exerciser test module, against the test platform with its default
# resource set, and check what the SCMI core and its consumers see.
#
#   suite_guest KERNEL...
#
# Per kernel three boots:
#   main  vhost-user-scmi-pci, --smp 4: autoload from the modalias, core
#         enumeration, clk/genpd consumers, every exerciser check (all
#         protocols, delayed responses, notifications, atomic, concurrent
#         callers on all CPUs), freeze/restore with pm_test, rmmod/modprobe
#         and VSCMI_GUEST_RELOADS (20) reloads with a memory-growth check
#         and, booted with slab_debug=U on the kmalloc caches, an exact
#         check that no object virtio_scmi allocated outlives its unload
#         (with a control: tests/sanitize/canary leaking 1 KiB per load),
#         atomic/polling module parameters if the module has them
#   baseline  the same reload loop with the upstream transport built out
#         of tree: the noise floor for the slab-growth comparison
#   mmio  vhost-user-scmi on virtio-mmio, --smp 2: the core checks
# Results: guest/<kernel>/<check> and guest/<kernel>/mmio/<check>.
# Guest-side script: tests/exerciser/guest-test.sh; host helper during the
# boot: tests/exerciser/host-during.sh.
#
# Environment: VSCMI_GUEST_RELOADS (20), VSCMI_GUEST_CONC (200 commands per
# CPU and protocol), VSCMI_GUEST_DRESP_US (20000: the platform holds each
# delayed response that long), VSCMI_GUEST_TIMEOUT (1200 s per boot).

declare -F guest_boot >/dev/null || . "$TESTS/lib/guest.sh"
[ -r "$TESTS/lib/module.sh" ] && ! declare -F module_build >/dev/null &&
	. "$TESTS/lib/module.sh"

# All protocols, system power (0x12) included, so the core creates an
# exerciser device for each.
GUEST_SUITE_PROTOCOLS="0x11 0x12 0x13 0x14 0x15 0x16 0x17 0x18"

# _guest_module KERNEL: print the path of our virtio_scmi.ko (a cached
# build of the current sources, tests/lib/module.sh).
_guest_module() {
	declare -F module_ko >/dev/null || { echo "tests/lib/module.sh missing" >&2; return 1; }
	module_ko "$1"
}

# _guest_stat FILE KEY: a counter from a platform stats snapshot.
_guest_stat() {
	awk -v k="$2" '$1 == k { print $2; f = 1 } END { exit !f }' "$1" 2>/dev/null
}

# _guest_delta NAME DIR BEGIN END KEY NOTEKEY [EXTRAKEY]: the platform
# counter KEY grew between the BEGIN and END snapshots by exactly what the
# exerciser reported in its "NOTEKEY=N" note, plus what it received of
# periodic events ("EXTRAKEY=M"; one more may have been in flight when the
# exerciser unregistered).
_guest_delta() {
	local name=$1 dir=$2 b=$3 e=$4 key=$5 nk=$6 xk=${7:-} v0 v1 want extra=0 slack=0
	want=$(tr -d '\r' <"$dir/console.log" | grep -ao "$nk=[0-9]*" | tail -n 1 | cut -d= -f2)
	if [ -n "$xk" ]; then
		extra=$(tr -d '\r' <"$dir/console.log" | grep -ao "$xk=[0-9]*" | tail -n 1 | cut -d= -f2)
		extra=${extra:-0}
		[ "$extra" -gt 0 ] && slack=2
	fi
	if ! v0=$(_guest_stat "$dir/stats-$b" "$key") || ! v1=$(_guest_stat "$dir/stats-$e" "$key"); then
		t_fail "$name" "no platform stats snapshots ($dir/stats-$b, stats-$e; see during.log)"
		return
	fi
	if [ -z "$want" ]; then
		t_fail "$name" "the exerciser reported no $nk"
	elif [ "$want" -eq 0 ]; then
		t_fail "$name" "the exerciser caused no events ($nk=0)"
	elif [ $((v1 - v0)) -ge $((want + extra)) ] && [ $((v1 - v0)) -le $((want + extra + slack)) ]; then
		t_pass "$name"
	else
		t_fail "$name" "platform $key grew by $((v1 - v0)), the exerciser expected $want + $extra received periodic"
	fi
}

# _guest_memstat DIR KEY: a value from the guest's "memstat" note.
_guest_memstat() {
	tr -d '\r' <"$1/console.log" 2>/dev/null | grep -a 'VSCMI-NOTE memstat ' | tail -n 1 |
		grep -o "$2=-\?[0-9]*" | cut -d= -f2
}

# _guest_baseline KERNEL BUILDDIR EXERCISER RELOADS TIMEOUT: run the reload
# loop with the kernel's own transport and compare the slab growth of our
# module with it: the SCMI core keeps some memory per instance whatever the
# transport, so that is the noise floor.  Ours may exceed it by half of it
# or 256 KiB, whichever is more.
_guest_baseline() {
	local k=$1 bdir=$2 ex=$3 reloads=$4 to=$5 up script main=$RESULTS/$1/guest-main
	local ours base allow name=guest/$k/reload/slab_vs_upstream
	if ! up=$(upstream_transport "$k" 2>"$bdir/upstream.err"); then
		t_fail "$name" "upstream transport build failed: $(tail -n 1 "$bdir/upstream.err")"
		return
	fi
	script=$bdir/baseline.sh
	{
		echo "VX_MODE=baseline VX_RELOADS=$reloads"
		cat "$TESTS/exerciser/guest-test.sh"
	} >"$script"
	GUEST_SCMI_PROTOCOLS=$GUEST_SUITE_PROTOCOLS guest_boot --kernel "$k" --name guest-baseline \
		--script "$script" --modules "$up $ex" --smp 4 --mem 1024 --timeout "$to" --no-autoload
	t_note "guest/$k: baseline boot ${GUEST_STATUS} ($GUEST_DIR)"
	guest_results "guest/$k/baseline"
	ours=$(_guest_memstat "$main" slabinfo_b)
	base=$(_guest_memstat "$GUEST_DIR" slabinfo_b)
	if [ -z "$ours" ] || [ -z "$base" ]; then
		t_fail "$name" "no memstat from the $([ -n "$ours" ] && echo baseline || echo main) boot"
		return
	fi
	allow=$(( base > 0 ? base + (base / 2 > 262144 ? base / 2 : 262144) : 262144 ))
	t_note "guest/$k: slab growth over $reloads reloads: virtio_scmi $ours B, upstream $base B (allowed $allow B)"
	if [ "$ours" -le "$allow" ]; then
		t_pass "$name"
	else
		t_fail "$name" "slab grew $ours B over $reloads reloads, upstream transport $base B (allowed $allow B)"
	fi
}

_guest_kernel() {
	local k=$1 bdir ko ex script wall
	local reloads=${VSCMI_GUEST_RELOADS:-20} conc=${VSCMI_GUEST_CONC:-200}
	local dresp=${VSCMI_GUEST_DRESP_US:-20000} to=${VSCMI_GUEST_TIMEOUT:-1200}

	if ! kernel_prepare "$k" >/dev/null; then
		t_fail "guest/$k/prepare" "kernel_prepare $k failed"
		return
	fi
	bdir=$RESULTS/$k/guest-build
	rm -rf "$bdir" && mkdir -p "$bdir"
	if ! kernel_build_module "$k" "$TESTS/exerciser" "$bdir/exerciser" 2>"$bdir/exerciser.err"; then
		t_fail "guest/$k/exerciser_build" "$(tail -n 1 "$bdir/exerciser.err")"
		return
	fi
	ex=$bdir/exerciser/vscmi_exerciser.ko
	if grep -q 'warning:' "$bdir/exerciser/build.log"; then
		t_fail "guest/$k/exerciser_build" "warnings: $(grep -m1 'warning:' "$bdir/exerciser/build.log")"
	else
		t_pass "guest/$k/exerciser_build"
	fi
	if ! ko=$(_guest_module "$k" 2>"$bdir/module.err"); then
		t_fail "guest/$k/module_build" "$(tail -n 1 "$bdir/module.err")"
		return
	fi
	t_note "guest/$k: module $ko"
	# The leak check's control (guest-test.sh, stale_check): 1 KiB lost
	# per load.
	if ! kernel_build_module "$k" "$TESTS/sanitize/canary" "$bdir/canary" 2>"$bdir/canary.err"; then
		t_fail "guest/$k/canary_build" "$(tail -n 1 "$bdir/canary.err")"
		return
	fi

	# main boot
	script=$bdir/main.sh
	{
		echo "VX_MODE=main VX_DRESP_MS=$((dresp / 1000)) VX_RELOADS=$reloads VX_CONC=$conc"
		cat "$TESTS/exerciser/guest-test.sh"
	} >"$script"
	# slab_debug=U on the kmalloc caches: every object records its
	# allocation site (the reload loop's leak check, stale_check).
	GUEST_SCMI_PROTOCOLS=$GUEST_SUITE_PROTOCOLS guest_boot --kernel "$k" --name guest-main \
		--script "$script" --modules "$ko $ex $bdir/canary/vscmi_canary.ko" --smp 4 --mem 1024 --timeout "$to" \
		--append "slab_debug=U,kmalloc-*" \
		--during "bash '$TESTS/exerciser/host-during.sh' $dresp async-begin async-end notify-begin notify-end dresp-fast dresp-restore dresp-fast-polled dresp-restore-polled"
	wall=$(cat "$GUEST_DIR/wall" 2>/dev/null)
	t_note "guest/$k: main boot ${GUEST_STATUS} after ${wall%.*} s ($GUEST_DIR)"
	guest_results "guest/$k"
	_guest_delta "guest/$k/platform/delayed_responses" "$GUEST_DIR" async-begin async-end \
		delayed_sent delayed_responses_expected
	_guest_delta "guest/$k/platform/notifications" "$GUEST_DIR" notify-begin notify-end \
		notifications_sent notifications_expected notifications_periodic

	# baseline boot: the same reload loop with the upstream transport
	_guest_baseline "$k" "$bdir" "$ex" "$reloads" "$to"

	# mmio boot
	script=$bdir/mmio.sh
	{
		echo "VX_MODE=mmio VX_DRESP_MS=$((dresp / 1000))"
		cat "$TESTS/exerciser/guest-test.sh"
	} >"$script"
	# QEMU's virtio-mmio transport is legacy unless told otherwise, and a
	# legacy device is refused (SCMI needs VERSION_1).
	GUEST_SCMI_PROTOCOLS=$GUEST_SUITE_PROTOCOLS guest_boot --kernel "$k" --name guest-mmio \
		--script "$script" --modules "$ko $ex" --transport mmio --smp 2 --timeout "$to" \
		--qemu-args "-global virtio-mmio.force-legacy=false" \
		--during "bash '$TESTS/exerciser/host-during.sh' $dresp"
	wall=$(cat "$GUEST_DIR/wall" 2>/dev/null)
	t_note "guest/$k: mmio boot ${GUEST_STATUS} after ${wall%.*} s ($GUEST_DIR)"
	guest_results "guest/$k/mmio"
	return 0
}

suite_guest() {
	local k
	[ $# -gt 0 ] || { t_fail guest "no kernels"; return; }
	for k in "$@"; do
		local p g=guest/$k
		t_plan "$g/completed" "$g/platform/delayed_responses" "$g/platform/notifications" \
			"$g/baseline/completed" "$g/baseline/reload/cycles" "$g/reload/slab_vs_upstream" \
			"$g/reload/no_leaked_objects" "$g/reload/leak_check_control" \
			"$g/mmio/completed" "$g/autoload/driver_bound" "$g/core/enumerated" "$g/reload/cycles" \
			"$g/async/*" "$g/atomic/*" "$g/concurrent/answers" "$g/freeze/*" "$g/genpd/*" "$g/clk/*" \
			"$g/after_reload/*" "$g/dresp-fast/*" "$g/mode_atomic/*" "$g/mode_polling/*"
		for p in base clock power perf sensor reset voltage powercap notify; do
			t_plan "$g/$p/*"
		done
		for p in autoload base clock power perf sensor reset clk genpd; do
			t_plan "$g/mmio/$p/*"
		done
		_guest_kernel "$k"
	done
}
