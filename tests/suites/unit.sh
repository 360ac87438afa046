# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# suite_unit [KERNEL...]: host-side unit tests, no QEMU.  Builds and runs
#   - the SCMI engine's tests   (make -C tests/platform/scmi test)
#   - the daemon's tests        (make -C tests/platform test), when that
#                               Makefile has a "test" target
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

suite_unit() {
	t_plan "engine: *" "harness: *"
	# The harness's own verdicts on canned consoles (tests/lib/selftest.sh).
	declare -F guest_results >/dev/null || . "$TESTS/lib/guest.sh"
	. "$TESTS/lib/selftest.sh"
	harness_selftest
	_unit_run engine "$TESTS/platform/scmi"
	if [ -r "$TESTS/platform/Makefile" ] && grep -q '^test:' "$TESTS/platform/Makefile"; then
		t_plan "daemon: *"
		_unit_run daemon "$TESTS/platform"
	else
		t_note "daemon: tests/platform/Makefile has no test target yet"
	fi
}
