# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Guest side of the "bench" suite (busybox sh, run as /test.sh by the test
# initramfs, booted with vscmi.autoload=0).  tests/suites/bench.sh prepends
# the settings:
#   BENCH_T=MODULE        the transport: virtio_scmi or scmi_transport_virtio
#   BENCH_RTT=N           sequential round trips (clock rate get)
#   BENCH_XRTT=N          round trips of the raw floor, atomic and polling
#   BENCH_TP="1 2 4"      throughput caller counts, BENCH_TP_S seconds each
#   BENCH_ASYNC=N         delayed-response round trips
#   BENCH_RATES="..."     notification emit rates (per s), BENCH_NS s each
#   BENCH_EXTRA=0|1       also the raw virtqueue floor (vscmi_raw, sleeping
#                         and busy-waiting for the reply), our module's
#                         atomic and polling modes, and its round trips
#                         with spin_us=0 (no reply spin)
# Guest CPU time per command of the round-trip loops: /proc/stat busy time
# (user, nice, system, irq, softirq, steal of every CPU, USER_HZ 100 ticks)
# around the loop, less what the idle guest accrues in as long (measured
# once per boot over 5 s before the loops: on a loaded host a descheduled
# vCPU counts busy time), divided by its commands ("VSCMI-BENCH LABEL-cpu
# bench cpu op=clock cmds=N busy_ticks=T wall_cs=W base_ticks_per_s=B
# gross_ns_per_cmd=G cpu_ns_per_cmd=C").
# Every exerciser "# bench" / "# hist" line goes to the console as
# "VSCMI-BENCH LABEL bench|hist ..."; the host (tests/bench/host-during.sh)
# acts on the "VSCMI-NOTE bench-mark NAME" lines (the guest pauses after
# each).  Pass/fail results: VSCMI-RESULT lines (lib.sh).

. /lib/vscmi/lib.sh

: "${BENCH_T:=virtio_scmi}"
: "${BENCH_RTT:=20000}"
: "${BENCH_XRTT:=4000}"
: "${BENCH_TP:=1 2 4}"
: "${BENCH_TP_S:=3}"
: "${BENCH_ASYNC:=1000}"
: "${BENCH_RATES:=500 1000 2000 4000 8000}"
: "${BENCH_NS:=2}"
: "${BENCH_EXTRA:=0}"

VX=/sys/kernel/debug/vscmi_exerciser
RAW=/sys/kernel/debug/vscmi_raw

mark() {
	echo "VSCMI-NOTE bench-mark $1"
	sleep "${2:-1}"
}

# bench_cmd LABEL COMMAND...: one exerciser command; its numbers go to the
# console, its verdict becomes the result LABEL.
bench_cmd() {
	_l=$1
	shift
	if ! echo "$*" >$VX/run 2>/tmp/vx.err; then
		result_fail "$_l" "'$*' refused: $(cat /tmp/vx.err)"
		return 1
	fi
	cat $VX/results >/tmp/vx.out
	bench_out "$_l" /tmp/vx.out
}

# bench_out LABEL FILE: print the numbers of FILE, report its verdict.
bench_out() {
	sed -n -e "s/^# bench /VSCMI-BENCH $1 bench /p" -e "s/^# hist /VSCMI-BENCH $1 hist /p" "$2"
	if grep -q '^not ok' "$2"; then
		result_fail "$1" "$(grep -m1 '^not ok' "$2")"
		return 1
	elif grep -q '^ok .* # SKIP' "$2"; then
		_r=$(grep -m1 '^ok .* # SKIP' "$2")
		result_skip "$1" "${_r#* # SKIP }"
		return 1
	elif grep -q '^ok ' "$2"; then
		result_ok "$1"
		return 0
	fi
	result_fail "$1" "no verdict: $(tail -n 1 "$2")"
	return 1
}

vx_wait_bound() {
	_i=0
	while [ $_i -lt $(($1 * 10)) ]; do
		grep -q '^bound.* clock' $VX/info 2>/dev/null && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

# Bytes in slab caches (active objects x object size), socket buffers left
# out (uevent messages queue there).
slabinfo_bytes() {
	awk 'NR > 2 && $1 !~ /^skbuff/ { s += $2 * $4 } END { print s }' /proc/slabinfo 2>/dev/null
}
settle() {
	sync
	echo 3 >/proc/sys/vm/drop_caches 2>/dev/null
	sleep 2
}

# kmsg_ts PATTERN: printk time (seconds) of the last dmesg line matching.
kmsg_ts() {
	dmesg | grep -- "$1" | tail -n 1 | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p'
}

# cpu_busy: busy ticks of all CPUs so far (/proc/stat "cpu" line)
cpu_busy() {
	awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}

# uptime_cs: centiseconds since boot
uptime_cs() {
	awk '{ sub(/\./, "", $1); print $1 + 0 }' /proc/uptime
}

# cpu_base: busy ticks per second of the idle guest (CPU_BASE)
cpu_base() {
	_b0=$(cpu_busy) _t0=$(uptime_cs)
	sleep 5
	_b1=$(cpu_busy) _t1=$(uptime_cs)
	CPU_BASE=$(awk -v b=$((_b1 - _b0)) -v t=$((_t1 - _t0)) 'BEGIN { printf "%.3f", (t > 0 ? b * 100 / t : 0) }')
	note "bench: idle guest busy time $CPU_BASE ticks/s"
}

# bench_cpu LABEL N COMMAND...: bench_cmd, and the guest CPU time it took
# per command (N commands), gross and net of the idle rate
bench_cpu() {
	_cl=$1 _cn=$2
	shift 2
	_c0=$(cpu_busy) _t0=$(uptime_cs)
	bench_cmd "$_cl" "$@"
	_c1=$(cpu_busy) _t1=$(uptime_cs)
	echo "VSCMI-BENCH $_cl-cpu bench cpu op=clock cmds=$_cn busy_ticks=$((_c1 - _c0))" \
		"wall_cs=$((_t1 - _t0)) base_ticks_per_s=$CPU_BASE" \
		"$(awk -v b=$((_c1 - _c0)) -v w=$((_t1 - _t0)) -v r="$CPU_BASE" -v n="$_cn" 'BEGIN {
			net = b - r * w / 100; if (net < 0) net = 0
			printf "gross_ns_per_cmd=%d cpu_ns_per_cmd=%d", b * 10000000 / n, net * 10000000 / n }')"
}

# load MODULE [PARAMS]: load the transport, wait for SCMI and the exerciser.
load() {
	_m=$1
	shift
	n0=$(dmesg | grep -c 'SCMI Protocol v')
	echo "vscmi-bench: loading $_m" >/dev/kmsg
	modprobe "$_m" "$@" 2>/tmp/mp.err || { echo "modprobe $_m: $(cat /tmp/mp.err)"; return 1; }
	_i=0
	while [ "$(dmesg | grep -c 'SCMI Protocol v')" -le "$n0" ]; do
		[ $_i -ge 300 ] && { echo "no SCMI Protocol line 30 s after loading $_m"; return 1; }
		sleep 0.1
		_i=$((_i + 1))
	done
	vx_wait_bound 30 || { echo "exerciser not bound after loading $_m"; return 1; }
	return 0
}

modprobe vscmi_exerciser dresp_ms=0 2>/tmp/mp.err ||
	result_fail exerciser "$(cat /tmp/mp.err)"

# --- load -> ready, memory -------------------------------------------------
settle
b0=$(slabinfo_bytes)
if out=$(load "$BENCH_T"); then
	t0=$(kmsg_ts "vscmi-bench: loading $BENCH_T")
	t1=$(kmsg_ts 'SCMI Protocol v')
	ready_us=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%d", (b - a) * 1000000 }')
	settle
	b1=$(slabinfo_bytes)
	msz=$(awk -v m="$BENCH_T" '$1 == m { print $2 }' /proc/modules)
	echo "VSCMI-BENCH load ready_us=$ready_us slab_delta_b=$((b1 - b0)) module_b=$msz"
	note "$(dmesg | grep 'SCMI Protocol v' | tail -n 1)"
	result_ok load
else
	result_fail load "$out"
	exit 1
fi

# --- round trip, with the platform's service time --------------------------
cpu_base
mark rtt-begin
bench_cpu rtt "$BENCH_RTT" "bench rtt $BENCH_RTT clock"
mark rtt-end
note "bench: spin_us=$(cat /sys/module/virtio_scmi/parameters/spin_us 2>/dev/null || echo n/a) kernel $(uname -v | grep -o 'PREEMPT[_A-Z]*' | head -n 1)"

# --- ours without the reply spin (then back to the defaults) ---------------
if [ "$BENCH_EXTRA" = 1 ]; then
	if rmmod "$BENCH_T" 2>/tmp/rm.err && out=$(load "$BENCH_T" spin_us=0); then
		bench_cpu rtt_nospin "$BENCH_RTT" "bench rtt $BENCH_RTT clock"
	else
		result_fail rtt_nospin "$(cat /tmp/rm.err 2>/dev/null) ${out:-}"
	fi
	rmmod "$BENCH_T" 2>/dev/null
	if ! out=$(load "$BENCH_T"); then
		result_fail reload "$out"
		exit 1
	fi
fi

# --- throughput -------------------------------------------------------------
for t in $BENCH_TP; do
	bench_cmd "tp$t" "bench throughput $t $BENCH_TP_S clock"
done

# --- delayed responses (the host sets the platform's hold time to 0) --------
mark async
bench_cmd async "bench async $BENCH_ASYNC"

# --- notifications at increasing rates --------------------------------------
for r in $BENCH_RATES; do
	echo "VSCMI-NOTE bench-mark notify-$r"
	bench_cmd "notify-$r" "bench notify $((BENCH_NS + 3)) 0"
	mark "notify-end-$r"
done

if [ "$BENCH_EXTRA" = 1 ]; then
	# --- the floor: raw cmdq round trips without transport or core --
	if rmmod "$BENCH_T" 2>/tmp/rm.err && modprobe vscmi_raw 2>/tmp/mp.err; then
		for _k in raw raw_spin; do
			_a=$BENCH_XRTT
			[ $_k = raw ] || _a="$BENCH_XRTT spin"
			if echo "$_a" >$RAW/run 2>/tmp/raw.err; then
				cat $RAW/results >/tmp/raw.out
				bench_out $_k /tmp/raw.out
			else
				result_fail $_k "run: $(cat /tmp/raw.err)"
			fi
		done
		rmmod vscmi_raw || result_fail raw-unload "rmmod vscmi_raw failed"
	else
		result_fail raw "$(cat /tmp/rm.err /tmp/mp.err 2>/dev/null | tr '\n' ' ')"
	fi
	# --- our atomic and polling modes --------------------------------
	if is_preempt_rt; then
		result_skip atomic "atomic=1 is refused on PREEMPT_RT (README: PREEMPT_RT)"
	elif out=$(load "$BENCH_T" atomic=1); then
		bench_cmd atomic "bench rtt $BENCH_XRTT atomic"
		rmmod "$BENCH_T"
	else
		result_fail atomic "$out"
	fi
	if out=$(load "$BENCH_T" polling=1); then
		bench_cmd polling "bench rtt $BENCH_XRTT clock"
	else
		result_fail polling "$out"
	fi
fi
mark finished 0
