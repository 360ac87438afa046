# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The "pm" suite: our virtio_scmi through system sleep transitions.
#
#   suite_pm KERNEL...        (suite_kernels: "long pm:" or primary kernels
#                             unless --kernel given)
#
# One boot per kernel (2 vCPUs), guest script tests/robust/pm-guest.sh,
# with background traffic (vscmi_traffic) during every cycle and the
# exerciser's clock, perf and sensor checks after each:
#   freeze/devices, freeze/platform   VSCMI_PM_CYCLES (20) suspend-to-idle
#             cycles at that pm_test level (pm_test_delay set to 0)
#   hibernate/devices, hibernate/core VSCMI_PM_CYCLES hibernation cycles
#             at that pm_test level (freeze/thaw callbacks; "core" also
#             takes the other CPUs down); without an image
#   hibernate/image                   VSCMI_PM_IMAGES (VSCMI_PM_CYCLES)
#             real hibernation image cycles: /sys/power/disk test_resume,
#             the image written to a swap disk (virtio-blk) and restored,
#             with the console kept on (no_console_suspend).  On 6.x the
#             guest boots with arm64.nolva (48-bit VAs): 6.12's arm64
#             trans_pgd_create_copy() does not allocate the p4d level of
#             5-level page tables (52-bit VAs with LPA2, which TCG's "max"
#             CPU has) and oopses in swsusp_arch_resume() on the first
#             restore; 7.x allocates it
#   inflight/delay_<MS>ms             a hibernation freeze (pm_test
#             devices) while the platform holds
#             every response MS ms (fault "delay MS always", armed by
#             tests/robust/host-pm.sh): commands pending at freeze, for
#             MS in VSCMI_PM_INFLIGHT ("300 20000": answered during the
#             driver's 1 s freeze wait / failed by it, which the driver
#             must report: failed_at_freeze); then traffic again
#   consumer/s2idle, consumer/image  the consumer test: a DT device
#             (tests/consumer/dt-hook.sh, GUEST_DT_HOOK) with an SCMI power
#             domain, clock and reset, bound to tests/consumer/vscmi_consumer.c
#             (runtime PM; clock off in suspend_late, on in resume_early;
#             genpd switches the domain in the noirq phases), through
#             VSCMI_PM_S2IDLE (5) real suspend-to-idle cycles (pm_test none,
#             woken by the PL031 RTC alarm) and through the hibernate/image
#             cycles.  The platform's state log (ctl state-log, saved by
#             tests/robust/host-pm.sh) must show, per s2idle cycle, the
#             clock off, the domain off, the domain on, the clock on, asked
#             by the guest, and both on after it; per image cycle what
#             README says of hibernation (_pm_consumer_image: every request
#             refused, the device reset's state, restore_early -ENODEV, on
#             again at the guest's wake-up before the next cycle); the
#             guest, its callbacks succeeding (bar those) and no SCMI error
#             in dmesg.  VSCMI_PM_ONLY=consumer runs only these (and the
#             image cycles they use), VSCMI_PM_ONLY=freeze these and the
#             freeze/* cycles (the default on a kernel that is not
#             "primary:", with VSCMI_PM_CYCLES_OTHER (5) cycles each)
# Every traffic section checks the cause of every failed command
# (<section>/error_causes): vscmi_traffic records the system sleep phase it
# saw last and the error; failures are allowed only where README says SCMI
# is unavailable (suspend-to-idle: the device's D3hot window, seen as the
# callers' suspend_noirq; hibernation: freeze to thaw_early /
# restore_early) and only as -ENODEV (and -ECOMM for the commands the
# in-flight test makes the freeze fail).
# The SCMI device is given x-pcie-pm-no-soft-reset=on (it keeps its state
# in D3hot): the virtio PCI transport then leaves it running through a
# suspend (s2idle) instead of freezing it, and the consumer's clock and
# domain requests of the late and noirq phases reach the platform (polled:
# vscmi_sleep_poll()).  Hibernation always freezes the device (virtio PCI's
# freeze callback, normal phase): the consumer's requests of the late,
# noirq and early phases fail with -ENODEV there, which consumer/image
# asserts.
# Kernels without CONFIG_PM_DEBUG (no /sys/power/pm_test) report every
# test skipped with that reason.  The 6.12 kernel has no knob for the
# hibernation pm_test wait: 5 s per hibernation cycle there.

declare -F rb_build >/dev/null || . "$TESTS/robust/host-lib.sh"

# The consumer checks report through these: t_pass / t_fail, or for the
# upstream transport's measurement boot notes (_pm_measured).
_PMC_PASS=t_pass _PMC_FAIL=t_fail
_pm_measured_pass() { t_note "measured: ok $1"; }
_pm_measured_fail() { t_note "measured: not ok $1: $2"; }

# _pm_consumer_check K NAME CYCLES GROUPS: the platform's state log of a
# consumer section ($GUEST_DIR/state-log-NAME) against what the guest did.
# The guest pulsed the consumer's reset line (reset 1) before and after each
# cycle: the deasserts cut the log into cycles.  In each cycle the guest's
# own requests (agent ospm) to the consumer's clock (clock 1) and domain
# (power 0) must be GROUPS times "clock off, domain off, domain on, clock
# on", and both must be on at its end (a device reset of the platform,
# agent "reset", counts for the state but is no request).
_pm_consumer_check() {
	local k=$1 name=$2 cycles=$3 groups=$4 f out pre
	f=$GUEST_DIR/state-log-$name pre=pm/$k/consumer/$name
	if [ ! -s "$f" ]; then
		$_PMC_FAIL "$pre/platform_log" "no state log saved ($GUEST_DIR/during.log)"
		return
	fi
	$_PMC_PASS "$pre/platform_log"
	if [ "$name" = image ]; then
		_pm_consumer_image "$k" "$f" "$cycles"
		return
	fi
	out=$(awk -v cycles="$cycles" -v groups="$groups" '
		function ev() {
			if ($2 == "power" && $3 == 0 && $5 == "state") return ($7 == "off" ? "P-" : "P+")
			if ($2 == "clock" && $3 == 1 && $5 == "enabled") return ($7 == "no" ? "C-" : "C+")
			return ""
		}
		BEGIN { pd = "on"; ck = "yes"; m = 0; want = ""
			for (g = 0; g < groups; g++) want = want "C- P- P+ C+ " }
		$1 == "dropped" { if ($2 != 0) lost = $2; next }
		$1 == "OK" { next }
		$2 == "reset" && $3 == 1 && $5 == "asserted" && $7 == "no" && $8 == "ospm" {
			m++
			if (m % 2 == 0) {
				c = m / 2
				if (seq[c] != want && !bad) bad = "cycle " c ": guest requests \"" seq[c] "\", want \"" want "\"; all changes: " all[c]
				if ((pd != "on" || ck != "yes") && !off) off = "cycle " c ": domain " pd ", clock enabled " ck " after it; changes: " all[c]
			}
			next
		}
		{
			e = ev(); if (e == "") next
			if (e == "P-") pd = "off"; if (e == "P+") pd = "on"; if (e == "C-") ck = "no"; if (e == "C+") ck = "yes"
			if (m % 2 == 0) { if (!between) between = "between cycles " m / 2 " and " m / 2 + 1 ": " $0; next }
			c = (m + 1) / 2
			all[c] = all[c] e "(" $8 ") "
			if ($8 == "ospm") seq[c] = seq[c] e " "
		}
		END {
			print "marks " m
			print "bad " (lost ? "log overflowed: " lost " dropped" : bad ? bad : between ? between : "")
			print "off " off
			print "first " all[1]
		}' "$f")
	local bad off
	bad=$(sed -n 's/^bad //p' <<<"$out")
	off=$(sed -n 's/^off //p' <<<"$out")
	t_note "pm/$k: consumer/$name: cycle 1 changes (agent): $(sed -n 's/^first //p' <<<"$out")"
	_pm_consumer_marks "$pre" "$(sed -n 's/^marks //p' <<<"$out")" "$cycles" "$f"
	if [ -z "$bad" ]; then $_PMC_PASS "$pre/platform_sequence"; else $_PMC_FAIL "$pre/platform_sequence" "$bad ($f)"; fi
	if [ -z "$off" ]; then $_PMC_PASS "$pre/platform_on_after"; else $_PMC_FAIL "$pre/platform_on_after" "$off ($f)"; fi
	_pm_consumer_order "$k" "$name" "$f"
}

# _pm_consumer_marks PRE MARKS CYCLES LOG: the guest pulsed the consumer's
# reset line before and after each of its CYCLES cycles
_pm_consumer_marks() {
	if [ "$2" = $((2 * $3)) ]; then $_PMC_PASS "$1/platform_marks"; else
		$_PMC_FAIL "$1/platform_marks" "$2 reset pulses of the guest in the state log, want $((2 * $3)) ($4)"; fi
}

# _pm_consumer_image K LOG CYCLES: the consumer's hibernation image cycles
# against what README (suspend and resume) says a consumer gets there: the
# virtio PCI transport freezes the device in its normal-phase freeze
# callback and restores it in its normal-phase thaw and restore callbacks,
# so every request of the late, noirq and early phases is refused
# (-ENODEV) before it reaches the platform.  Per cycle (between the
# guest's two reset pulses): no request of the guest (agent ospm) to the
# consumer's clock or domain reaches the platform; after it both are off,
# put back by the platform's device reset (agent reset); the consumer's
# restore_early failed with -19, the cause (genpd's power-on in its
# runtime resume); and the guest's wake-up before the next cycle (normal
# phase, SCMI works) switched the domain and then the clock on.
_pm_consumer_image() {
	local k=$1 f=$2 cycles=$3 pre out n
	pre=pm/$k/consumer/image
	t_note "pm/$k: consumer/image: state log $f"
	out=$(awk -v cycles="$cycles" '
		function ev() {
			if ($2 == "power" && $3 == 0 && $5 == "state") return ($7 == "off" ? "P-" : "P+")
			if ($2 == "clock" && $3 == 1 && $5 == "enabled") return ($7 == "no" ? "C-" : "C+")
			return ""
		}
		BEGIN { pd = "on"; ck = "yes"; m = 0 }
		$1 == "dropped" { if ($2 != 0) lost = $2; next }
		$1 == "OK" { next }
		$2 == "reset" && $3 == 1 && $5 == "asserted" && $7 == "no" && $8 == "ospm" {
			m++
			if (m % 2 == 1 && m > 1 && wake != "P+ C+ " && !bad)
				bad = "between cycles " (m - 1) / 2 " and " (m + 1) / 2 ": the wake-up asked \"" wake "\", want \"P+ C+ \""
			wake = ""
			if (m % 2 == 0 && (pd != "off" || ck != "no") && !bad)
				bad = "cycle " m / 2 ": domain " pd ", clock enabled " ck " after it, want both off (device reset); changes: " all[m / 2]
			next
		}
		{
			e = ev(); if (e == "") next
			if (e == "P-") pd = "off"; if (e == "P+") pd = "on"; if (e == "C-") ck = "no"; if (e == "C+") ck = "yes"
			if (m % 2 == 0) { if ($8 == "ospm") wake = wake e " "; next }
			c = (m + 1) / 2
			all[c] = all[c] e "(" $8 ") "
			if ($8 == "ospm" && !bad) bad = "cycle " c ": the guest request " e " reached the platform (" $0 "): README says the late, noirq and early phases of hibernation are refused"
		}
		END {
			print "marks " m
			print "bad " (lost ? "log overflowed: " lost " dropped" : bad)
			print "first " all[1]
		}' "$f")
	t_note "pm/$k: consumer/image: cycle 1 changes (agent): $(sed -n 's/^first //p' <<<"$out")"
	_pm_consumer_marks "$pre" "$(sed -n 's/^marks //p' <<<"$out")" "$cycles" "$f"
	n=$(sed -n 's/^bad //p' <<<"$out")
	if [ -z "$n" ]; then $_PMC_PASS "$pre/platform_refused_then_reset"; else
		$_PMC_FAIL "$pre/platform_refused_then_reset" "$n ($f)"; fi
	n=$(tr -d '\r' <"$GUEST_DIR/console.log" | awk '$1 == "VC-LOG" && $2 == "image" && $5 == "restore_early" && $6 == -19' | wc -l)
	if [ "$n" = "$cycles" ]; then $_PMC_PASS "$pre/restore_early_enodev"; else
		$_PMC_FAIL "$pre/restore_early_enodev" "the consumer's restore_early returned -19 (ENODEV: transport frozen) in $n of $cycles cycles"; fi
}

# _pm_consumer_order K NAME LOG: the platform's changes against the
# consumer's callbacks (suspend-to-idle).  The guest's times (CLOCK_BOOTTIME,
# which counts the sleep) are put on the platform's clock by the reset
# pulse before the cycle (suspend side) and after it (resume side); TOL is
# the longest pulse (assert to deassert, both logged by the guest after
# the platform answered), the uncertainty of that mapping.  Per cycle:
#   suspend < clock off <= suspend_late;  suspend_noirq <= domain off;
#   domain on <= resume_noirq;  resume_noirq <= clock on <= resume_early.
_pm_consumer_order() {
	local k=$1 name=$2 f=$3 out
	out=$(awk -v want="$name" '
		FNR == NR {
			if ($2 == "reset" && $3 == 1 && $5 == "asserted" && $7 == "no" && $8 == "ospm") ht[++hm] = $1
			else if ($2 == "power" && $3 == 0 && $5 == "state" && $8 == "ospm") ev[hm, $7 == "off" ? "P-" : "P+"] = $1
			else if ($2 == "clock" && $3 == 1 && $5 == "enabled" && $8 == "ospm") ev[hm, $7 == "no" ? "C-" : "C+"] = $1
			next
		}
		{ sub(/\r$/, "") }
		$1 != "VC-LOG" || $2 != want { next }
		$5 == "mark_assert" { ga = $3; next }
		$5 == "mark_deassert" { gt[++gm] = $3; if ($3 - ga > tol) tol = $3 - ga; next }
		{ cb[gm, $5] = $3 }
		END {
			for (m = 1; m + 1 <= gm; m += 2) {
				c = (m + 1) / 2; o1 = ht[m] - gt[m]; o2 = ht[m + 1] - gt[m + 1]
				if (!((m, "C-") in ev) || !((m, "P+") in ev)) { print "cycle " c ": incomplete in the state log"; exit }
				s = cb[m, "suspend"] + o1; l = cb[m, "suspend_late"] + o1; n = cb[m, "suspend_noirq"] + o1
				rn = cb[m, "resume_noirq"] + o2; re = cb[m, "resume_early"] + o2
				cm = ev[m, "C-"]; pm = ev[m, "P-"]; pp = ev[m, "P+"]; cp = ev[m, "C+"]
				if (c == 1)
					printf "timeline cycle 1 (ms from suspend end, platform clock; tol %.3f): suspend_late %.3f clock-off %.3f suspend_noirq %.3f domain-off %.3f | domain-on %.3f resume_noirq %.3f clock-on %.3f resume_early %.3f\n",
						tol / 1e6, (l - s) / 1e6, (cm - s) / 1e6, (n - s) / 1e6, (pm - s) / 1e6, (pp - s) / 1e6, (rn - s) / 1e6, (cp - s) / 1e6, (re - s) / 1e6
				if (!(cm > s - tol && cm <= l + tol)) bad = bad "cycle " c ": clock off not within suspend..suspend_late; "
				if (!(pm >= n - tol)) bad = bad "cycle " c ": domain off before suspend_noirq ended; "
				if (!(pp <= rn + tol)) bad = bad "cycle " c ": domain on after resume_noirq; "
				if (!(cp >= rn - tol && cp <= re + tol)) bad = bad "cycle " c ": clock on not within resume_noirq..resume_early; "
			}
			print "bad " bad
		}' "$f" <(tr -d '\r' <"$GUEST_DIR/console.log"))
	t_note "pm/$k: consumer/$name: $(grep -m1 '^timeline' <<<"$out")"
	if grep -q '^bad $' <<<"$out"; then
		$_PMC_PASS "pm/$k/consumer/$name/order_vs_callbacks"
	else
		$_PMC_FAIL "pm/$k/consumer/$name/order_vs_callbacks" "$(grep -v '^timeline' <<<"$out" | sed 's/^bad //') ($f)"
	fi
}

# _pm_kernel K: the suite's boot on K.  A primary kernel (tests/kernels.conf
# "primary:") runs every part, VSCMI_PM_CYCLES (20) cycles each; another one
# (e.g. from the "long pm:" line) only the freeze/* pm_test cycles and the
# consumer's s2idle and image cycles (VSCMI_PM_ONLY=freeze), with
# VSCMI_PM_CYCLES_OTHER (5) cycles each, to keep make check in its budget.
# VSCMI_PM_ONLY and VSCMI_PM_CYCLES given explicitly apply to every kernel.
_pm_kernel() {
	local k=$1 cycles inflight=${VSCMI_PM_INFLIGHT:-300 20000} to script n
	local append="" s2idle=${VSCMI_PM_S2IDLE:-5} only images
	if kernels_primary | grep -qxF -- "$k"; then
		cycles=${VSCMI_PM_CYCLES:-20} only=${VSCMI_PM_ONLY:-}
	else
		cycles=${VSCMI_PM_CYCLES:-${VSCMI_PM_CYCLES_OTHER:-5}} only=${VSCMI_PM_ONLY-freeze}
		t_note "pm/$k: not a primary kernel: VSCMI_PM_ONLY=${only:-(all)}, $cycles cycles"
	fi
	images=${VSCMI_PM_IMAGES:-$cycles}
	[ "$only" = consumer ] && inflight="" cycles=0
	[ "$only" = freeze ] && inflight=""
	[ "$images" = 0 ] || t_plan "pm/$k/consumer/image/platform_refused_then_reset" "pm/$k/consumer/image/restore_early_enodev"
	n=$(wc -w <<<"$inflight")
	to=${VSCMI_PM_TIMEOUT:-$((300 + cycles * 4 * 25 + n * 60 + images * 30 + s2idle * 20))}
	rb_build "$k" pm || return
	if ! _rb_build_cached "$k" consumer 2>"$RB_BDIR/consumer.err" ||
	   grep -q 'warning:' "$RB_BDIR/consumer/build.log"; then
		t_fail "pm/$k/build_consumer" "$(tail -n 1 "$RB_BDIR/consumer.err") $(grep -m1 'warning:' "$RB_BDIR/consumer/build.log" 2>/dev/null)"
		return
	fi
	RB_MODULES+=" $RB_BDIR/consumer/vscmi_consumer.ko"
	script=$RB_BDIR/pm.sh
	rb_script "$script" "RB_PM_CYCLES=$cycles RB_INFLIGHT='$inflight' RB_PM_IMAGES=$images RB_PM_S2IDLE=$s2idle RB_PM_ONLY=$only" "$RB_DIR/pm-guest.sh"
	# a sparse swap disk for the hibernation image
	rm -f "$RB_BDIR/swap.img" && truncate -s 384M "$RB_BDIR/swap.img"
	if [ "$images" != 0 ]; then
		append="no_console_suspend"
		case $k in 6.*) append+=" arm64.nolva" ;; esac
	fi
	# VSCMI_PM_APPEND: more kernel arguments (measurements, e.g.
	# hibernate=nocompress)
	append+="${VSCMI_PM_APPEND:+ $VSCMI_PM_APPEND}"
	append=${append# }
	GUEST_DT_HOOK=$TESTS/consumer/dt-hook.sh GUEST_SCMI_PROTOCOLS=$RB_PROTOCOLS guest_boot --kernel "$k" --name pm --script "$script" \
		--modules "$RB_MODULES" --stock-modules virtio_blk --smp 2 --mem 512 --timeout "$to" \
		${append:+--append "$append"} --qemu-args "-drive file=$RB_BDIR/swap.img,if=none,id=swap,format=raw -device virtio-blk-pci,drive=swap,bus=pcie.0 -global vhost-user-scmi-pci.x-pcie-pm-no-soft-reset=on" \
		--during "bash '$RB_DIR/host-pm.sh' $n"
	t_note "pm/$k: boot ${GUEST_STATUS} after $(rb_guest_wall) s ($GUEST_DIR)"
	rb_notes "$GUEST_DIR" 'pm: '
	guest_results "pm/$k"
	_pm_consumer_check "$k" s2idle "$s2idle" 1
	[ "$images" = 0 ] || _pm_consumer_check "$k" image "$images" 2
	if [ "$only" = consumer ] || [ "$only" = freeze ]; then
		t_skip "pm/$k/inflight/host_fault" "VSCMI_PM_ONLY=$only: no in-flight test"
	elif tr -d '\r' <"$GUEST_DIR/console.log" | grep -aq 'VSCMI-RESULT skip inflight'; then
		t_skip "pm/$k/inflight/host_fault" "no in-flight test on this kernel"
	else
		rb_during_ok "pm/$k/inflight/host_fault"
	fi
}

# _pm_upstream K: the consumer's suspend-to-idle cycles with the upstream
# transport (scmi_transport_virtio built out of tree, tests/lib/kernels.sh
# upstream_transport), VSCMI_PM_UPSTREAM cycles (0: not run), and with
# VSCMI_PM_UPSTREAM_IMAGES (0) that many hibernation image cycles.  A
# measurement for README's comparison, not a test of ours: the guest's and
# the platform log's verdicts become notes ("measured: ..."); what is
# asserted is that the boot ran them (pm/K/upstream/*).
_pm_upstream() {
	local k=$1 cycles=${VSCMI_PM_UPSTREAM:-0} up script images=${VSCMI_PM_UPSTREAM_IMAGES:-0} append="" disk=""
	if [ "$cycles" = 0 ]; then
		t_skip "pm/$k/upstream/completed" "VSCMI_PM_UPSTREAM=0: the upstream transport's consumer cycles not asked for"
		return
	fi
	if ! up=$(upstream_transport "$k" 2>"$RB_BDIR/upstream.err"); then
		t_fail "pm/$k/upstream/completed" "upstream transport build failed: $(tail -n 1 "$RB_BDIR/upstream.err")"
		return
	fi
	script=$RB_BDIR/pm-upstream.sh
	rb_script "$script" "RB_PM_TRANSPORT=upstream RB_PM_ONLY=consumer RB_PM_S2IDLE=$cycles RB_PM_IMAGES=$images RB_PM_CYCLES=0 RB_INFLIGHT=" "$RB_DIR/pm-guest.sh"
	# image cycles (VSCMI_PM_UPSTREAM_IMAGES): the swap disk and boot
	# arguments of ours' (_pm_kernel)
	if [ "$images" != 0 ]; then
		rm -f "$RB_BDIR/swap-upstream.img" && truncate -s 384M "$RB_BDIR/swap-upstream.img"
		disk="-drive file=$RB_BDIR/swap-upstream.img,if=none,id=swap,format=raw -device virtio-blk-pci,drive=swap,bus=pcie.0 "
		append="no_console_suspend"
		case $k in 6.*) append+=" arm64.nolva" ;; esac
	fi
	GUEST_DT_HOOK=$TESTS/consumer/dt-hook.sh GUEST_SCMI_PROTOCOLS=$RB_PROTOCOLS guest_boot --kernel "$k" --name pm-upstream \
		--script "$script" --modules "$up $RB_MODULES" --stock-modules virtio_blk --smp 2 --mem 512 --no-autoload \
		--timeout "$((300 + cycles * 300 + images * 900))" ${append:+--append "$append"} \
		--qemu-args "$disk-global vhost-user-scmi-pci.x-pcie-pm-no-soft-reset=on" \
		--during "bash '$RB_DIR/host-pm.sh' 0"
	t_note "pm/$k: upstream boot ${GUEST_STATUS} after $(rb_guest_wall) s ($GUEST_DIR)"
	rb_notes "$GUEST_DIR" 'pm: '
	rb_notes "$GUEST_DIR" 'measured: '
	guest_results "pm/$k/upstream"
	_PMC_PASS=_pm_measured_pass _PMC_FAIL=_pm_measured_fail
	_pm_consumer_check "$k" s2idle "$cycles" 1
	[ "$images" = 0 ] || _pm_consumer_check "$k" image "$images" 2
	_PMC_PASS=t_pass _PMC_FAIL=t_fail
}

suite_pm() {
	local k
	[ $# -gt 0 ] || { t_fail pm "no kernels"; return; }
	for k in $(suite_kernels pm "$@"); do
		t_plan "pm/$k/completed" "pm/$k/consumer/s2idle/platform_sequence" "pm/$k/upstream/completed"
		_pm_kernel "$k" && _pm_upstream "$k"
	done
}
