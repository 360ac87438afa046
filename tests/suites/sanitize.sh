# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The "sanitize" suite (on demand, not in the default set): build (or reuse)
# the sanitizer kernel (tests/sanitize/kernel.sh: Debian's linux-source of
# the newest matrix release, allnoconfig + tests/sanitize/debug.config with
# KASAN, KFENCE, kmemleak, lockdep, DEBUG_ATOMIC_SLEEP, DEBUG_OBJECTS,
# UBSAN) and run on it, with virtio_scmi and the exerciser built for it:
#   the guest suite, the faults suite and a short fuzz run (those two when
#   tests/suites/faults.sh and fuzz.sh exist; skipped with the reason
#   otherwise).
# Every boot fails its dmesg-clean test on any sanitizer, lockdep or
# kmemleak report (tests/lib/guest.sh); the guest init scans kmemleak before
# it powers off, and sanitize/kmemleak/<boot> checks each boot's scan.
#
#   suite_sanitize [KERNEL...]   the sanitizer variants named (7.3-debug,
#                                7.3-rt-debug: PREEMPT_RT with
#                                PROVE_RAW_LOCK_NESTING), or both
#
# Results per variant K: sanitize/K/kernel-build, sanitize/K/kernel-config,
# sanitize/K/control/{load,kasan,kmemleak,dmesg-check} (positive controls
# with tests/sanitize/canary; on RT also rt-irqoff-spinlock: a spinlock_t
# taken with interrupts off must be reported), sanitize/K/kmemleak/<boot>,
# and the guest/, faults/, fuzz/ tests of the runs under the kernel name K.
# Environment: VSCMI_SANITIZE_FUZZ_MSGS (10000): fuzzed messages of the short
# fuzz run (passed as VSCMI_FUZZ_MSGS); VSCMI_SANITIZE_TIMEOUT (900 s) for
# the canary boot; SANITIZE_JOBS (2): make -j of the kernel build.

declare -F kernel_prepare >/dev/null || . "$TESTS/lib/kernels.sh"
declare -F guest_boot >/dev/null || . "$TESTS/lib/guest.sh"

# The options the suite is about: present in the kernel actually built.
SANITIZE_REQUIRED="CONFIG_KASAN CONFIG_KASAN_GENERIC CONFIG_KFENCE CONFIG_DEBUG_KMEMLEAK CONFIG_PROVE_LOCKING
CONFIG_DEBUG_ATOMIC_SLEEP CONFIG_DEBUG_OBJECTS CONFIG_UBSAN CONFIG_ARM_SCMI_PROTOCOL CONFIG_COMMON_CLK_SCMI
CONFIG_RESET_SCMI CONFIG_ARM_SCMI_POWER_DOMAIN CONFIG_ARM_SCMI_PERF_DOMAIN CONFIG_PM_DEBUG CONFIG_PM_SLEEP
CONFIG_HOTPLUG_PCI_PCIE CONFIG_VIRTIO_PCI CONFIG_VIRTIO_MMIO CONFIG_MODULE_UNLOAD CONFIG_DEBUG_FS"

# _sanitize_kconfig K: sanitize/kernel-config.
_sanitize_kconfig() {
	local k=$1 c missing="" req=$SANITIZE_REQUIRED
	case $k in *-rt-*) req+=" CONFIG_PREEMPT_RT CONFIG_PROVE_RAW_LOCK_NESTING" ;; esac
	for c in $req; do
		kernel_has_config "$k" "$c" >/dev/null || missing+=" $c"
	done
	# The BTF virtio_scmi's layout check reads (tests/sanitize/kernel.sh).
	kernel_btf "$k" >/dev/null || missing+=" BTF(arm_scmi core)"
	if kernel_has_config "$k" CONFIG_ARM_SCMI_TRANSPORT_VIRTIO >/dev/null; then
		t_fail "sanitize/$k/kernel-config" "the kernel has the in-tree virtio transport"
	elif [ -n "$missing" ]; then
		t_fail "sanitize/$k/kernel-config" "missing:$missing"
	else
		t_pass "sanitize/$k/kernel-config"
	fi
}

# _sanitize_kmemleak K SINCE: one test per boot of this run (console.log
# newer than the SINCE stamp): the guest's kmemleak scan ran and reported
# nothing.  Leaks whose report names virtio_scmi/vscmi are counted apart.
_sanitize_kmemleak() {
	local k=$1 since=$2 con boot rep n ours first
	while IFS= read -r con; do
		boot=${con#"$RESULTS/$k/"}
		boot=${boot%/console.log}
		rep=$(tr -d '\r' <"$con" | sed -n '/^VSCMI-KMEMLEAK-BEGIN/,/^VSCMI-KMEMLEAK-END/p')
		if tr -d '\r' <"$con" | grep -aq '^VSCMI-KMEMLEAK-FAILED'; then
			t_fail "sanitize/$k/kmemleak/$boot" "the guest's kmemleak scan was refused ($con)"
			continue
		fi
		if [ -z "$rep" ]; then
			if tr -d '\r' <"$con" | grep -aq '^VSCMI-DONE'; then
				t_fail "sanitize/$k/kmemleak/$boot" "the guest finished without a kmemleak scan ($con)"
			else
				t_fail "sanitize/$k/kmemleak/$boot" "the guest did not finish: no scan ($con)"
			fi
			continue
		fi
		n=$(printf '%s\n' "$rep" | grep -c 'unreferenced object')
		if [ "$n" -eq 0 ]; then
			t_pass "sanitize/$k/kmemleak/$boot"
			continue
		fi
		# Count the reports (blocks from one "unreferenced object" to the
		# next) that mention our module or the exerciser.
		ours=$(printf '%s\n' "$rep" | awk '
			/unreferenced object/ { if (b && m) c++; b = 1; m = 0 }
			/virtio_scmi|vscmi/ { m = 1 }
			END { if (b && m) c++; print c + 0 }')
		first=$(printf '%s\n' "$rep" | awk '/unreferenced object/ { n++ } n == 1 && !/^VSCMI-/' | head -n 14 |
			tr '\n' '|' | tr -s ' ')
		t_fail "sanitize/$k/kmemleak/$boot" "$n leak(s), $ours naming virtio_scmi/vscmi; first: $first"
	done < <(find "$RESULTS/$k" -name console.log -newer "$since" 2>/dev/null | sort)
}

# _sanitize_controls K: positive controls.  A guest of its own loads
# tests/sanitize/canary (a leak and a one-byte out-of-bounds read on
# purpose); KASAN and kmemleak must report both, and the dmesg check every
# guest run uses (GUEST_BAD_PATTERNS) must flag the boot.  Without these a
# clean run could also mean a sanitizer that reports nothing.
_sanitize_controls() {
	local k=$1 out script con rep rt=0 params="leak=1 oob=1"
	kernel_has_config "$k" CONFIG_PREEMPT_RT >/dev/null && rt=1 params+=" irqoff_lock=1"

	out=$RESULTS/$k/sanitize-canary-build
	if ! kernel_build_module "$k" "$TESTS/sanitize/canary" "$out" 2>"$RESULTS/.sanitize-canary.err"; then
		t_fail "sanitize/$k/control/build" "canary module: $(tail -n 2 "$RESULTS/.sanitize-canary.err" | tr '\n' ' ')"
		return
	fi
	script=$(mktemp)
	cat >"$script" <<EOS
modprobe vscmi_canary $params && echo "VSCMI-CANARY loaded"
# kmemleak reports objects older than 5 s only.
sleep 6
EOS
	guest_boot --kernel "$k" --name sanitize-canary --no-scmi --script "$script" \
		--modules "$out/vscmi_canary.ko" --timeout "${VSCMI_SANITIZE_TIMEOUT:-900}"
	rm -f "$script"
	con=$(tr -d '\r' <"$GUEST_DIR/console.log")
	t_note "sanitize: canary boot $GUEST_STATUS ($GUEST_DIR)"
	if ! printf '%s\n' "$con" | grep -aq '^VSCMI-CANARY loaded'; then
		t_fail "sanitize/$k/control/load" "vscmi_canary did not load (status $GUEST_STATUS; $GUEST_DIR/console.log)"
		return
	fi
	if printf '%s\n' "$con" | grep -aq 'BUG: KASAN: slab-out-of-bounds in vscmi_canary'; then
		t_pass "sanitize/$k/control/kasan"
	else
		t_fail "sanitize/$k/control/kasan" "no KASAN report for the canary's out-of-bounds read"
	fi
	rep=$(printf '%s\n' "$con" | sed -n '/^VSCMI-KMEMLEAK-BEGIN/,/^VSCMI-KMEMLEAK-END/p')
	if printf '%s\n' "$rep" | grep -aq 'unreferenced object' && printf '%s\n' "$rep" | grep -aq vscmi_canary; then
		t_pass "sanitize/$k/control/kmemleak"
	else
		t_fail "sanitize/$k/control/kmemleak" "kmemleak did not report the canary's leak${rep:+ (scan ran)}"
	fi
	if [ "$rt" = 1 ]; then
		# PREEMPT_RT: a spinlock_t with hard interrupts off must be reported
		# (the pattern virtio_scmi's eventq callback once had).
		if printf '%s\n' "$con" | grep -aq 'BUG: sleeping function called from invalid context' &&
		   printf '%s\n' "$con" | grep -aq 'vscmi_canary_irqoff_lock'; then
			t_pass "sanitize/$k/control/rt-irqoff-spinlock"
		else
			t_fail "sanitize/$k/control/rt-irqoff-spinlock" \
				"no 'sleeping function called from invalid context' report naming vscmi_canary_irqoff_lock"
		fi
	fi
	if printf '%s\n' "$con" | grep -av '^VSCMI-' | grep -aqE -- "$GUEST_BAD_PATTERNS"; then
		t_pass "sanitize/$k/control/dmesg-check"
	else
		t_fail "sanitize/$k/control/dmesg-check" "GUEST_BAD_PATTERNS does not match the canary's reports"
	fi
}

# _sanitize_other SUITE K: run suite_SUITE on K when that suite exists in
# this tree (in this shell: the counters of tests/lib/report.sh add up).
_sanitize_other() {
	local s=$1 k=$2 f
	# The long suites take their kernels from suite_kernels: name ours.
	local KERNELS_EXPLICIT=1
	export KERNELS_EXPLICIT
	f=$TESTS/suites/$s.sh
	if ! declare -F "suite_$s" >/dev/null && [ -r "$f" ]; then
		# shellcheck disable=SC1090
		. "$f"
	fi
	if ! declare -F "suite_$s" >/dev/null; then
		t_skip "sanitize/$k/$s" "suite $s not in this tree ($f missing or has no suite_$s)"
		return
	fi
	t_note "sanitize: suite $s on $k"
	"suite_$s" "$k"
}

# _sanitize_fuzz K: the short fuzz run.
_sanitize_fuzz() {
	local VSCMI_FUZZ_MSGS=${VSCMI_SANITIZE_FUZZ_MSGS:-10000}
	export VSCMI_FUZZ_MSGS
	_sanitize_other fuzz "$1"
}

# suite_sanitize [KERNEL...]: the sanitizer variants named (7.3-debug,
# 7.3-rt-debug), or all of SANITIZE_KERNELS when none is.
suite_sanitize() {
	local k ks=()
	for k in "$@"; do
		sanitize_is_local "$k" && ks+=("$k")
	done
	[ ${#ks[@]} -gt 0 ] || read -ra ks <<<"$SANITIZE_KERNELS"
	[ -z "${KERNELS_EXPLICIT:-}" ] || [ ${#ks[@]} -eq $# ] ||
		t_note "sanitize: kernels given that are not sanitizer variants are ignored: $*"
	for k in "${ks[@]}"; do
		_sanitize_kernel "$k"
	done
}

_sanitize_kernel() {
	local k=$1 t0 d since secs
	t_note "sanitize: kernel $k (from linux-source of $SANITIZE_BASE)"
	t_plan "sanitize/$k/kernel-build" "sanitize/$k/control/*" "guest/$k/completed" "sanitize/$k/kmemleak/*"
	case $k in *-rt-*) t_plan "sanitize/$k/control/rt-irqoff-spinlock" ;; esac
	t0=$(date +%s)
	if ! d=$(sanitize_kernel_dir "$k"); then
		t_fail "sanitize/$k/kernel-build" "base kernel $SANITIZE_BASE could not be prepared"
		return
	fi
	if [ -e "$d/.done" ]; then
		secs=reused
	else
		secs=built
	fi
	if ! kernel_prepare "$k"; then
		t_fail "sanitize/$k/kernel-build" "build failed (log $d/build.log)"
		return
	fi
	t_pass "sanitize/$k/kernel-build"
	t_note "sanitize: $(kernel_release "$k") $secs in $(( $(date +%s) - t0 )) s; cold build (make) took" \
		"$(cat "$d/build-seconds") s; sizes: $(tr '\n' ' ' <"$d/size")"
	_sanitize_kconfig "$k"

	_sanitize_controls "$k"

	since=$RESULTS/.sanitize-since-$k
	mkdir -p "$RESULTS/$k"
	touch "$since"

	# shellcheck source=tests/suites/guest.sh
	declare -F suite_guest >/dev/null || . "$TESTS/suites/guest.sh"
	suite_guest "$k"
	_sanitize_other faults "$k"
	_sanitize_fuzz "$k"

	_sanitize_kmemleak "$k" "$since"
	t_note "sanitize: wall time $(( $(date +%s) - t0 )) s"
}
