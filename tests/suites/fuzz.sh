# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The "fuzz" suite: our virtio_scmi against a platform that mutates what
# it sends.
#
#   suite_fuzz KERNEL...      (suite_kernels: "long fuzz:" or primary kernels
#                             unless --kernel given)
#
# One boot per kernel (2 vCPUs), guest script tests/robust/fuzz-guest.sh.
# The platform's "fuzz SEED RATE" mode (tests/platform) mutates responses,
# delayed responses and notifications: header bits (type, protocol,
# message id), tokens, lengths (random fill), payload bytes, status words,
# while vscmi_traffic callers and the exerciser drive every protocol
# (asynchronous commands and notifications included; a forced clock
# notification stream keeps the eventq busy).  virtio_scmi runs with a
# short reply timeout (VSCMI_FUZZ_TIMEOUT_MS, 2000 ms; 30 s by default) so lost replies cost
# little.  Then, fuzzing off: nothing left in flight, counters sane, the
# same driver instance answers 5 s of traffic from every CPU and the
# exerciser's concurrent and notify checks without error or timeout, and
# a reloaded instance passes every exerciser check; no oops/WARN/soft
# lockup/... in dmesg, kmemleak where the kernel has it.  The guest runs
# with loglevel=1: the core logs every malformed notification (dev_err,
# hundreds a second), and printing them on the emulated serial console
# stalled a vCPU long enough for soft lockup reports; dmesg keeps them.
#
#   VSCMI_FUZZ_MSGS   device messages to mutate per kernel (100000; the
#                     on-demand long run: 1000000)
#   VSCMI_FUZZ_SEED   the seed (default: a new random one per kernel,
#                     printed with the command that repeats the run)
#   VSCMI_FUZZ_RATE   fraction of messages mutated (1)
# Results: fuzz/<kernel>/..., fuzz/<kernel>/messages_fuzzed checks the
# platform's fuzz_mutated counter against VSCMI_FUZZ_MSGS.

declare -F rb_build >/dev/null || . "$TESTS/robust/host-lib.sh"

_fuzz_kernel() {
	local k=$1 msgs=${VSCMI_FUZZ_MSGS:-100000} rate=${VSCMI_FUZZ_RATE:-1} seed to script
	local tmo=${VSCMI_FUZZ_TIMEOUT_MS:-2000} fuzzed failed0=$T_FAILED repro
	seed=${VSCMI_FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
	repro="VSCMI_FUZZ_SEED=$seed VSCMI_FUZZ_MSGS=$msgs VSCMI_FUZZ_RATE=$rate tests/run fuzz --kernel $k"
	to=${VSCMI_FUZZ_TIMEOUT:-$((240 + msgs / 200))}
	rb_build "$k" fuzz || return
	script=$RB_BDIR/fuzz.sh
	rb_script "$script" "RB_FUZZ_MSGS=$msgs RB_FUZZ_RATE=$rate RB_FUZZ_TIMEOUT_MS=$tmo RB_FUZZ_MAX_S=$((to - 120))" \
		"$RB_DIR/fuzz-guest.sh"
	t_note "fuzz/$k: seed $seed rate $rate, $msgs messages; repeat with: $repro"
	GUEST_SCMI_PROTOCOLS=$RB_PROTOCOLS guest_boot --kernel "$k" --name fuzz --script "$script" \
		--modules "$RB_MODULES" --smp 2 --mem 512 --timeout "$to" --append loglevel=1 \
		--during "bash '$RB_DIR/host-fuzz.sh' $seed $rate"
	t_note "fuzz/$k: boot ${GUEST_STATUS} after $(rb_guest_wall) s ($GUEST_DIR)"
	rb_notes "$GUEST_DIR" 'fuzz: '
	guest_results "fuzz/$k"
	rb_during_ok "fuzz/$k/host_fuzz_on_off"
	fuzzed=$(awk '$1 == "fuzz_mutated" { print $2 }' "$GUEST_DIR/stats-fuzz" 2>/dev/null)
	t_note "fuzz/$k: seed $seed: ${fuzzed:-no} device messages fuzzed (platform fuzz_mutated), $(awk '$1 == "responses" || $1 == "notifications_sent" || $1 == "delayed_sent" { printf "%s %s ", $1, $2 }' "$GUEST_DIR/stats-fuzz" 2>/dev/null)"
	if [ -n "$fuzzed" ] && [ "$fuzzed" -ge "$msgs" ]; then
		t_pass "fuzz/$k/messages_fuzzed"
	else
		t_fail "fuzz/$k/messages_fuzzed" "platform fuzz_mutated ${fuzzed:-missing}, want >= $msgs"
	fi
	[ "$T_FAILED" -eq "$failed0" ] || t_note "fuzz/$k: FAILED with seed $seed; repeat with: $repro"
}

suite_fuzz() {
	local k
	[ $# -gt 0 ] || { t_fail fuzz "no kernels"; return; }
	for k in $(suite_kernels fuzz "$@"); do
		t_plan "fuzz/$k/completed" "fuzz/$k/messages_fuzzed"
		_fuzz_kernel "$k"
	done
}
