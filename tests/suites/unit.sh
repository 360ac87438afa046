# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# suite_unit [KERNEL...]: host-side unit tests, no QEMU.  Builds and runs
#   - the SCMI engine's tests   (make -C tests/platform/scmi test)
#   - the daemon's tests        (make -C tests/platform test), when that
#                               Makefile has a "test" target
#   - guest shell helpers       (vx_quiet of tests/exerciser/guest-test.sh
#                               and tests/robust/guest-lib.sh, under dash)
# Both print "ok N - name" / "not ok N - name: reason" and end with
# "N passed, N failed"; every line becomes one t_pass/t_fail here, prefixed
# with the component.  Kernel arguments are ignored.  Logs:
# $RESULTS/unit/<component>.log.

# _unit_run COMPONENT DIR: build + run DIR's "make test", report each line.
_unit_run() {
	local comp=$1 dir=$2 log rc=0 line name reason passed=0 failed=0
	local want_p='' want_f='' summary=0
	log=$RESULTS/unit/$comp.log
	mkdir -p "$RESULTS/unit"
	make -s -C "$dir" -j2 test >"$log" 2>&1 || rc=$?
	while IFS= read -r line; do
		case $line in
		"ok "*)
			name=${line#ok }
			name=${name#* - }
			name=${name%% # SKIP*}
			if [[ $line == *" # SKIP"* ]]; then
				t_skip "$comp: $name" "${line##* # SKIP }"
			else
				t_pass "$comp: $name"
			fi
			passed=$((passed + 1))
			;;
		"not ok "*)
			name=${line#not ok }
			name=${name#* - }
			reason=${name#*: }
			[ "$reason" = "$name" ] && reason="failed"
			name=${name%%: *}
			t_fail "$comp: $name" "$reason"
			failed=$((failed + 1))
			;;
		"# "*)
			t_note "$comp: ${line#\# }"
			;;
		*" passed, "*" failed"*)
			want_p=${line%% passed*}
			want_f=${line#* passed, }
			want_f=${want_f%% failed*}
			summary=1
			;;
		esac
	done <"$log"
	if [ "$summary" = 0 ] || [ $((passed + failed)) -eq 0 ]; then
		t_fail "$comp: run" "no summary line (build failure or crash, exit $rc): $(tail -n 3 "$log" | tr '\n' ' ')"
	elif [ "$want_p" != "$passed" ] || [ "$want_f" != "$failed" ]; then
		t_fail "$comp: summary" "summary says $want_p passed/$want_f failed, parsed $passed/$failed"
	elif [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
		t_fail "$comp: exit status" "make test exited $rc with no failing test: $(tail -n 3 "$log" | tr '\n' ' ')"
	fi
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
	_unit_vx_quiet "$TESTS/exerciser/guest-test.sh"
	_unit_vx_quiet "$TESTS/robust/guest-lib.sh"
	_unit_run engine "$TESTS/platform/scmi"
	if [ -r "$TESTS/platform/Makefile" ] && grep -q '^test:' "$TESTS/platform/Makefile"; then
		_unit_run daemon "$TESTS/platform"
	else
		t_note "daemon: tests/platform/Makefile has no test target yet"
	fi
}
