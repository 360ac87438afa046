# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# suite_unit [KERNEL...]: host-side unit tests, no QEMU.  Builds and runs
#   - the SCMI engine's tests   (make -C tests/platform/scmi test)
#   - the daemon's tests        (make -C tests/platform test), when that
#                               Makefile has a "test" target
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

suite_unit() {
	_unit_run engine "$TESTS/platform/scmi"
	if [ -r "$TESTS/platform/Makefile" ] && grep -q '^test:' "$TESTS/platform/Makefile"; then
		_unit_run daemon "$TESTS/platform"
	else
		t_note "daemon: tests/platform/Makefile has no test target yet"
	fi
}
