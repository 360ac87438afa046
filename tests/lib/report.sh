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

# t_pass NAME
t_pass() {
	T_NUM=$((T_NUM + 1)); T_PASSED=$((T_PASSED + 1))
	echo "ok $T_NUM - $1"
}

# t_fail NAME REASON...
t_fail() {
	local name=$1; shift
	T_NUM=$((T_NUM + 1)); T_FAILED=$((T_FAILED + 1))
	T_FAILED_NAMES+=("$name")
	echo "not ok $T_NUM - $name${1:+: $*}"
}

# t_skip NAME REASON...
t_skip() {
	local name=$1; shift
	T_NUM=$((T_NUM + 1)); T_SKIPPED=$((T_SKIPPED + 1))
	echo "ok $T_NUM - $name # SKIP ${*:-no reason given}"
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

t_summary() {
	if [ "$T_SKIPPED" -gt 0 ]; then
		echo "$T_PASSED passed, $T_FAILED failed, $T_SKIPPED skipped"
	else
		echo "$T_PASSED passed, $T_FAILED failed"
	fi
}
