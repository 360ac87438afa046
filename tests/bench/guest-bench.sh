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
#                         and busy-waiting for the reply), and our
#                         module's atomic and polling modes
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
mark rtt-begin
bench_cmd rtt "bench rtt $BENCH_RTT clock"
mark rtt-end

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
	if out=$(load "$BENCH_T" atomic=1); then
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
