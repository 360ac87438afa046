# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Test result reporting for tests/run: one "ok"/"not ok" line per test, a
# closing "N passed, N failed, N skipped" line.  A skipped test is never a
# pass: it prints "ok N - name # SKIP reason" (TAP) and counts as skipped.

T_PASSED=0
T_FAILED=0
T_SKIPPED=0
T_NUM=0
T_FAILED_NAMES=()
# The names reported so far and the plan (t_plan) they are checked against.
T_NAMES=()
T_PLAN=()

# t_pass NAME
t_pass() {
	T_NUM=$((T_NUM + 1)); T_PASSED=$((T_PASSED + 1))
	T_NAMES+=("$1")
	echo "ok $T_NUM - $1"
}

# t_fail NAME REASON...
t_fail() {
	local name=$1; shift
	T_NUM=$((T_NUM + 1)); T_FAILED=$((T_FAILED + 1))
	T_FAILED_NAMES+=("$name")
	T_NAMES+=("$name")
	echo "not ok $T_NUM - $name${1:+: $*}"
}

# t_skip NAME REASON...
t_skip() {
	local name=$1; shift
	T_NUM=$((T_NUM + 1)); T_SKIPPED=$((T_SKIPPED + 1))
	T_NAMES+=("$name")
	echo "ok $T_NUM - $name # SKIP ${*:-no reason given}"
}

# t_plan PATTERN...: results this suite will report, declared before it
# runs them (shell globs over the full result names).  t_plan_check fails
# every pattern no result matched: a part of the suite that never ran.
t_plan() {
	T_PLAN+=("$@")
}

# t_glob_hit PATTERN|- NAME|- WORD...: true if some WORD matches (as a
# shell glob) the fixed PATTERN, or, with PATTERN "-", if the fixed NAME
# matches some WORD taken as a pattern.
t_glob_hit() {
	local pat=$1 name=$2 w
	shift 2
	for w in "$@"; do
		if [ "$pat" = - ]; then
			# shellcheck disable=SC2053
			[[ $name == $w ]] && return 0
		else
			# shellcheck disable=SC2053
			[[ $w == $pat ]] && return 0
		fi
	done
	return 1
}

# t_plan_check SUITE: check the plan against the reported names; a suite
# without a plan fails too.
t_plan_check() {
	local suite=$1 pat
	if [ ${#T_PLAN[@]} -eq 0 ]; then
		t_fail "$suite/plan" "the suite declared no plan (t_plan)"
		return
	fi
	for pat in "${T_PLAN[@]}"; do
		t_glob_hit "$pat" - "${T_NAMES[@]}" || t_fail "$suite/plan" "planned '$pat', never reported"
	done
}

# t_check NAME COMMAND... : pass if the command succeeds, fail with its
# last output line otherwise.
t_check() {
	local name=$1 out; shift
	if out=$("$@" 2>&1); then
		t_pass "$name"
	else
		t_fail "$name" "$(printf '%s\n' "$out" | tail -n 1)"
	fi
}

# t_note TEXT: a diagnostic line (TAP comment), never a result.
t_note() { echo "# $*"; }

# t_replay FILE: count and print again the results a background job wrote
# to FILE with its own t_* functions (its counters died with it).
t_replay() {
	local line rest
	while IFS= read -r line; do
		case $line in
		"ok "*" # SKIP "*)
			rest=${line#ok * - }
			t_skip "${rest%% # SKIP *}" "${rest#* # SKIP }" ;;
		"ok "*) t_pass "${line#ok * - }" ;;
		"not ok "*)
			rest=${line#not ok * - }
			case $rest in
			*": "*) t_fail "${rest%%: *}" "${rest#*: }" ;;
			*) t_fail "$rest" ;;
			esac ;;
		"# "*) echo "$line" ;;
		esac
	done <"$1"
}

# t_tap PREFIX LOG RC: the results of a program that printed TAP-like
# lines ("ok [N - ]NAME", "not ok [N - ]NAME: why", "ok NAME # SKIP why")
# to LOG and exited RC become results "PREFIX: NAME".  Its closing "N
# passed, N failed[, N skipped]" line is its plan: a missing line, counts
# that differ from the lines parsed, or a non-zero exit without a failed
# line each fail PREFIX: run.
t_tap() {
	local prefix=$1 log=$2 rc=$3 line name reason p=0 f=0 s=0 want=""
	while IFS= read -r line; do
		case $line in
		"ok "*" # SKIP"*)
			name=${line#ok }; name=${name#* - }; name=${name%% # SKIP*}
			t_skip "$prefix: $name" "${line##* # SKIP }"
			s=$((s + 1)) ;;
		"ok "*)
			name=${line#ok }; name=${name#* - }
			t_pass "$prefix: $name"
			p=$((p + 1)) ;;
		"not ok "*)
			name=${line#not ok }; name=${name#* - }
			reason=${name#*: }; [ "$reason" = "$name" ] && reason=failed
			t_fail "$prefix: ${name%%: *}" "$reason"
			f=$((f + 1)) ;;
		"# "*) t_note "$prefix: ${line#\# }" ;;
		*[0-9]" passed, "*[0-9]" failed"*) want=$line ;;
		esac
	done <"$log"
	if [ -z "$want" ]; then
		t_fail "$prefix: run" "no closing 'N passed, N failed' line (died early? exit $rc): $(tail -n 2 "$log" | tr '\n' ' ') ($log)"
	elif [ "${want%% passed*}" != "$((p + s))" ] && [ "${want%% passed*}" != "$p" ] ||
	     [ "$(sed 's/.* passed, \([0-9]*\) failed.*/\1/' <<<"$want")" != "$f" ]; then
		t_fail "$prefix: run" "it says '$want', $p passed, $f failed, $s skipped were parsed ($log)"
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		t_fail "$prefix: run" "exit $rc with no failed result ($log)"
	elif [ "$rc" -eq 0 ] && [ "$f" -ne 0 ]; then
		t_fail "$prefix: run" "exit 0 with $f failed results ($log)"
	fi
}

t_summary() {
	if [ "$T_SKIPPED" -gt 0 ]; then
		echo "$T_PASSED passed, $T_FAILED failed, $T_SKIPPED skipped"
	else
		echo "$T_PASSED passed, $T_FAILED failed"
	fi
}
