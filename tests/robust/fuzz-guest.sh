# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Guest side of the "fuzz" suite (after guest-lib.sh).  Settings:
#   RB_FUZZ_MSGS        device messages the platform must mutate
#   RB_FUZZ_RATE        the platform's fuzz rate (fraction of messages)
#   RB_FUZZ_THREADS     vscmi_traffic callers during the fuzzing
#   RB_FUZZ_TIMEOUT_MS  virtio_scmi rx_timeout_ms during the run (a
#                       mutated token or header means a reply never
#                       matches: the caller waits this long)
#   RB_FUZZ_MAX_S       give up fuzzing after this long
# The host (tests/robust/host-fuzz.sh) turns the platform's fuzzing on at
# "rb-mark fuzz-on" and off at "rb-mark fuzz-off".  The guest cannot read
# the platform's counter: it fuzzes until the driver has received
# RB_FUZZ_MSGS / RB_FUZZ_RATE device messages plus 30 % (its count runs
# ahead of the platform's: 98171 mutated for 110001 received was seen), and the host
# checks the platform's own count.

: "${RB_FUZZ_MSGS:=100000}" "${RB_FUZZ_RATE:=1}" "${RB_FUZZ_THREADS:=16}"
: "${RB_FUZZ_TIMEOUT_MS:=2000}" "${RB_FUZZ_MAX_S:=600}"

# received: device messages the driver took from its queues (answers,
# notifications, delayed responses, late and rejected ones).
received() {
	_f=$(vs_file) || { echo 0; return; }
	awk '$1 ~ /^(resps|notifs|dresps|late|invalid_.*)$/ { s += $2 } END { print s + 0 }' "$_f"
}

rb_setup || exit 1
out=$(vx_quiet all) && result_ok before/exerciser_all || result_fail before/exerciser_all "$out"
rmmod virtio_scmi && modprobe virtio_scmi rx_timeout_ms="$RB_FUZZ_TIMEOUT_MS" 2>/tmp/mp.err ||
	{ result_fail setup/reload "$(cat /tmp/mp.err)"; exit 1; }
if ! rb_bound 20; then
	result_fail setup/rebound "not bound again: $(grep '^bound' $VX/info)"
	exit 1
fi
note "fuzz: virtio_scmi rx_timeout_ms=$(cat /sys/module/virtio_scmi/parameters/rx_timeout_ms)"

want=$(awk -v m="$RB_FUZZ_MSGS" -v r="$RB_FUZZ_RATE" 'BEGIN { printf "%d", m / r * 1.3 + 1 }')
# The callers read their reference values now, before the mutations.
vt reset
vt start "$RB_FUZZ_THREADS" || result_fail fuzz/traffic_start "vscmi_traffic start refused"
rb_mark fuzz-on
sleep 2
r0=$(received)
t0=$(uptime_s)
rounds=0
while [ $(($(received) - r0)) -lt "$want" ]; do
	if [ $(($(uptime_s) - t0)) -ge "$RB_FUZZ_MAX_S" ]; then
		note "fuzz: stopped after $RB_FUZZ_MAX_S s"
		break
	fi
	# Every protocol, delayed responses and notifications: the answers
	# are mutated, so the checks fail; what counts is the kernel's state.
	for c in base power perf clock sensor reset voltage powercap system async notify; do
		echo "$c" >$VX/run 2>/dev/null
	done
	rounds=$((rounds + 1))
done
vt stop
dt=$(($(uptime_s) - t0))
rb_mark fuzz-off
# the host stops the fuzzing and the notification stream; let the core's
# notification queue drain
sleep 5
note "fuzz: $dt s, driver received $(($(received) - r0)) device messages (wanted $want), exerciser rounds $rounds, traffic calls=$(vt_stat calls) errors=$(vt_stat errors) wrong=$(vt_stat wrong)"
note "fuzz: virtio_scmi after fuzzing: $(vs_snap)"
inv=$(awk '$1 ~ /^invalid_/ { s += $2 } END { print s + 0 }' "$(vs_file)")
if [ "$inv" -gt 0 ]; then
	result_ok fuzz/driver_saw_invalid
else
	result_fail fuzz/driver_saw_invalid "no invalid_* counter moved: the mutations did not reach the driver"
fi

# --- after: fuzzing off, the same driver instance works ----------------------
# Callers that timed out have given up; late replies have been consumed.
expect_eq after/inflight_zero "$(vs_stat inflight)" 0
# A late reply belongs to a command its caller gave up on (timeouts) or
# finished early because a (here: fuzzed) delayed response named its token
# (released_early); and no command is answered twice.
c=$(vs_stat cmds) r=$(vs_stat resps) to=$(vs_stat timeouts) late=$(vs_stat late)
re=$(vs_stat released_early)
if [ "$r" -le "$c" ] && [ "$late" -le $((to + ${re:-0})) ] && [ $((r + late)) -le "$c" ]; then
	result_ok after/counters_sane
else
	result_fail after/counters_sane "cmds=$c resps=$r timeouts=$to released_early=$re late=$late"
fi
to0=$(vs_stat timeouts)
vt reset
vt start 0
sleep 5
vt stop
rb_traffic_clean after/traffic
# Live paths on the fuzzed instance: commands on every CPU with their
# answers compared, notifications delivered to a consumer (this failed
# before empty notifications were refused: the core's event queue stayed
# wedged).  Not "all": the core caches what it read during the fuzzing
# (rate lists, names, attributes), mutated answers legitimately poison
# those caches and the exerciser compares them; "all" runs on a fresh
# instance below.
out=$(vx_quiet "concurrent 20") && result_ok after/exerciser_concurrent || result_fail after/exerciser_concurrent "$out"
out=$(vx_quiet notify) && result_ok after/exerciser_notify || result_fail after/exerciser_notify "$out"
expect_eq after/no_timeouts "$(( $(vs_stat timeouts) - to0 ))" 0
# And a fresh instance with the default timeout.
if rmmod virtio_scmi && modprobe virtio_scmi && rb_bound 20; then
	out=$(vx_quiet all) && result_ok after_reload/exerciser_all || result_fail after_reload/exerciser_all "$out"
else
	result_fail after_reload/exerciser_all "reload failed"
fi
rb_kmemleak final/kmemleak
exit 0
