# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Self-tests of the harness's own judgement (run by the unit suite): canned
# guest consoles and TAP logs go through guest_results and t_tap, and each
# case checks the one verdict it is about.  A harness that let a dead
# script, a lost result, a taint, a hang after VSCMI-DONE, a warning that
# only the kmsg watcher saw, or a missing planned result pass would fail
# here, with no guest booted.
#
#   harness_selftest      one result per case: "harness: <case>"

# _hs_console DIR STATUS LINES...: a console.log of a clean boot of the test
# /init with LINES as the script's output, and the boot's status.
_hs_console() {
	local dir=$1 status=$2 n=0 l
	shift 2
	mkdir -p "$dir"
	{
		echo "VSCMI-BOOT 6.12.0-test 1.0"
		for l in "$@"; do
			echo "$l"
			case $l in VSCMI-RESULT*|VSCMI-SKIP*) n=$((n + 1)) ;; esac
		done
		echo "VSCMI-SCRIPT-EXIT ${HS_EXIT:-0}"
		echo "VSCMI-RESULTS ${HS_COUNT:-$n}"
		echo "VSCMI-TAINT ${HS_TAINT:-12288}"
		echo "VSCMI-DMESG-BEGIN"
		echo "[    1.000000] clean"
		echo "VSCMI-DMESG-END"
		echo "VSCMI-DONE"
	} >"$dir/console.log"
	echo "$status" >"$dir/status"
}

# _hs_verdict DIR PREFIX: guest_results' lines for the boot, in a subshell
# with counters of its own.
_hs_verdict() {
	(
		T_PASSED=0 T_FAILED=0 T_SKIPPED=0 T_NUM=0 T_NAMES=() T_FAILED_NAMES=()
		guest_results "$2" "$1"
	)
}

# _hs_case NAME WANT VERDICT: pass NAME when the verdict has the line WANT
# (an extended regex) and, for a clean case (WANT "^clean$"), no failure.
_hs_case() {
	local name=$1 want=$2 verdict=$3
	if [ "$want" = "^clean$" ]; then
		if grep -q '^not ok' <<<"$verdict" || ! grep -q '^ok' <<<"$verdict"; then
			t_fail "harness: $name" "a clean boot was not passed: $(grep -m1 '^not ok' <<<"$verdict")"
		else
			t_pass "harness: $name"
		fi
	elif grep -qE -- "$want" <<<"$verdict"; then
		t_pass "harness: $name"
	else
		t_fail "harness: $name" "no '$want' in: $(tr '\n' '|' <<<"$verdict" | cut -c1-300)"
	fi
}

harness_selftest() {
	local d v
	d=$(mktemp -d)

	_hs_console "$d/clean" poweroff "VSCMI-RESULT ok a" "VSCMI-RESULT skip b: no b here" "VSCMI-SKIP c: no c"
	_hs_case clean-boot-passes '^clean$' "$(GUEST_PLAN="a b c" _hs_verdict "$d/clean" t)"

	_hs_console "$d/exit" poweroff "VSCMI-RESULT ok a"
	sed -i 's/^VSCMI-SCRIPT-EXIT 0$/VSCMI-SCRIPT-EXIT 3/' "$d/exit/console.log"
	_hs_case script-died '^not ok [0-9]+ - t/script-exit: the test script exited 3' "$(_hs_verdict "$d/exit" t)"

	_hs_console "$d/noexit" poweroff "VSCMI-RESULT ok a"
	sed -i '/^VSCMI-SCRIPT-EXIT /d' "$d/noexit/console.log"
	_hs_case script-never-returned '^not ok [0-9]+ - t/script-exit: the test script never returned' \
		"$(_hs_verdict "$d/noexit" t)"

	HS_COUNT=2 _hs_console "$d/lost" poweroff "VSCMI-RESULT ok a"
	_hs_case result-lost '^not ok [0-9]+ - t/results: the guest emitted 2 results, 1 were parsed' \
		"$(_hs_verdict "$d/lost" t)"

	_hs_console "$d/garbled" poweroff "VSCMI-RESULT ok a" "VSCMI-RESULT okay b"
	_hs_case result-unparsed "^not ok [0-9]+ - t/unparsed: result line 'okay b'" "$(_hs_verdict "$d/garbled" t)"

	HS_TAINT=$((512 | 4096)) _hs_console "$d/taint" poweroff "VSCMI-RESULT ok a"
	_hs_case tainted '^not ok [0-9]+ - t/tainted: kernel tainted 4608: 9:W' "$(_hs_verdict "$d/taint" t)"

	_hs_console "$d/hang" timeout "VSCMI-RESULT ok a"
	_hs_case hang-after-done "^not ok [0-9]+ - t/shutdown: the boot ended 'timeout'" "$(_hs_verdict "$d/hang" t)"

	_hs_console "$d/kmsg" poweroff "VSCMI-RESULT ok a" "KMSG WARNING: CPU: 0 PID: 1 at x.c:1 f+0x0/0x4"
	_hs_case warn-seen-by-kmsg-watcher '^not ok [0-9]+ - t/dmesg-clean: KMSG WARNING' "$(_hs_verdict "$d/kmsg" t)"

	_hs_console "$d/nodone" poweroff "VSCMI-RESULT ok a"
	sed -i '/^VSCMI-DONE$/d' "$d/nodone/console.log"
	_hs_case no-done '^not ok [0-9]+ - t/completed: no VSCMI-DONE' "$(_hs_verdict "$d/nodone" t)"

	_hs_console "$d/plan" poweroff "VSCMI-RESULT ok a" "VSCMI-RESULT ok z"
	v=$(GUEST_PLAN="a b/*" _hs_verdict "$d/plan" t)
	_hs_case plan-missing '^not ok [0-9]+ - t/plan/b/\*: planned, never reported' "$v"
	_hs_case plan-extra '^not ok [0-9]+ - t/plan/z: reported, not in the plan' "$v"

	# t_tap: a program that died before its summary, and one whose summary
	# disagrees with its lines.
	printf 'ok 1 - a\nok 2 - b\n' >"$d/died.log"
	_hs_case tap-no-summary '^not ok [0-9]+ - p: run: no closing' \
		"$( (T_NUM=0 T_PASSED=0 T_FAILED=0 T_SKIPPED=0; t_tap p "$d/died.log" 1) )"
	printf 'ok 1 - a\n3 passed, 0 failed\n' >"$d/short.log"
	_hs_case tap-count-mismatch "^not ok [0-9]+ - p: run: it says '3 passed, 0 failed'" \
		"$( (T_NUM=0 T_PASSED=0 T_FAILED=0 T_SKIPPED=0; t_tap p "$d/short.log" 0) )"

	# t_plan: a planned suite result that never appears.
	_hs_case suite-plan-missing "^not ok [0-9]+ - s/plan: planned 'x/\\*', never reported" \
		"$( (T_NUM=0 T_PASSED=0 T_FAILED=0 T_SKIPPED=0 T_NAMES=(y) T_PLAN=("x/*"); t_plan_check s) )"
	rm -rf "$d"
}
