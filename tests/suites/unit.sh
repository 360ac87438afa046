# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# suite_unit [KERNEL...]: host-side unit tests, no QEMU.  Builds and runs
#   - the SCMI engine's tests   (make -C tests/platform/scmi test)
#   - the daemon's tests        (make -C tests/platform test), when that
#                               Makefile has a "test" target
#   - guest shell helpers       (vx_quiet of tests/exerciser/guest-test.sh
#                               and tests/robust/guest-lib.sh, under dash)
#   - the harness's verdicts    (tests/lib/selftest.sh: canned consoles)
# Both print "ok N - name" / "not ok N - name: reason" and end with
# "N passed, N failed"; every line becomes one t_pass/t_fail here, prefixed
# with the component.  Kernel arguments are ignored.  Logs:
# $RESULTS/unit/<component>.log.

# _unit_run COMPONENT DIR: build + run DIR's "make test", report each line
# (t_tap: its closing summary line is the plan).
_unit_run() {
	local comp=$1 dir=$2 log rc=0
	log=$RESULTS/unit/$comp.log
	mkdir -p "$RESULTS/unit"
	make -s -C "$dir" -j2 test >"$log" 2>&1 || rc=$?
	t_tap "$comp" "$log" "$rc"
}

# _unit_vx_quiet FILE: the guest helper vx_quiet of FILE (busybox sh on
# the guest, dash here) against canned exerciser results: it passes a
# command only when at least one check passed and none failed; skips are
# not passes.
_unit_vx_quiet() {
	local file=$1 name d fn results want got case_name
	name="guest-helpers: vx_quiet/${file#"$TESTS/"}"
	d=$(mktemp -d)
	fn=$(sed -n '/^vx_quiet() {/,/^}/p' "$file")
	if [ -z "$fn" ]; then
		t_fail "$name" "no vx_quiet() in $file"
		rm -rf "$d"
		return
	fi
	for case_name in pass all-skip ok-and-skip not-ok empty; do
		case $case_name in
		pass) results=$'ok clock/0/rate
# done: 1 ok' want=0 ;;
		all-skip) results=$'ok atomic/clock # SKIP no atomic transport
# done: 0 ok' want=1 ;;
		ok-and-skip) results=$'ok clock/0/rate
ok clock/1/rate # SKIP no such clock
# done' want=0 ;;
		not-ok) results=$'ok clock/0/rate
not ok clock/1/rate: got 1, want 2
# done' want=1 ;;
		empty) results='# done: nothing' want=1 ;;
		esac
		printf '%s\n' "$results" >"$d/results"
		: >"$d/run"
		got=0
		VX=$d dash -c "$fn"$'\n''vx_quiet clock >/dev/null' </dev/null || got=1
		if [ "$got" = "$want" ]; then
			t_pass "$name/$case_name"
		else
			t_fail "$name/$case_name" "returned $got, want $want for: ${results//$'\n'/ | }"
		fi
	done
	rm -rf "$d"
}

suite_unit() {
	t_plan "engine: *" "harness: *"
	# The harness's own verdicts on canned consoles (tests/lib/selftest.sh).
	declare -F guest_results >/dev/null || . "$TESTS/lib/guest.sh"
	. "$TESTS/lib/selftest.sh"
	harness_selftest
	t_plan "guest-helpers: vx_quiet/*"
	_unit_vx_quiet "$TESTS/exerciser/guest-test.sh"
	_unit_vx_quiet "$TESTS/robust/guest-lib.sh"
	_unit_run engine "$TESTS/platform/scmi"
	if [ -r "$TESTS/platform/Makefile" ] && grep -q '^test:' "$TESTS/platform/Makefile"; then
		t_plan "daemon: *"
		_unit_run daemon "$TESTS/platform"
	else
		t_note "daemon: tests/platform/Makefile has no test target yet"
	fi
}
