# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The "bench" suite (on demand, `make bench`): our virtio_scmi against the
# kernel's own (upstream) virtio transport on the same kernel, same QEMU
# options (vhost-user-scmi-pci, 4 vCPUs, 1 GB), same platform binary and
# resource set, interleaved A B A B ... for BENCH_ROUNDS rounds.
#
#   suite_bench [KERNEL...]   default kernel 6.12 unless --kernel names others
#
# Each boot runs tests/bench/guest-bench.sh (load -> ready, slab growth on
# load and probe, round trips, throughput with 1/2/4 callers, delayed
# responses, notifications at increasing emit rates; on our boots also the
# raw virtqueue floor, the atomic and polling modes and round trips with
# spin_us=0; both: the guest CPU time per command of the round-trip loops), with
# tests/bench/host-during.sh driving the platform.  Odd rounds boot ours
# first, even rounds the upstream transport.  Fails: a boot's checks, its
# host helper's status, a round or notification step without figures,
# collect.sh, report.sh or plot.sh failing.  Results:
# results/bench/<kernel>/: raw.csv (every number of every boot), hist.csv
# (latency distributions), summary.md (the table), latency.png, goals.txt.
#
# Environment: BENCH_ROUNDS (5), BENCH_RTT (20000 clock rate gets per boot),
# BENCH_XRTT (4000: raw floor, atomic, polling per boot), BENCH_TP ("1 2 4"),
# BENCH_TP_S (3), BENCH_ASYNC (1000), BENCH_RATES ("500 1000 2000 4000
# 8000" per s), BENCH_NS (2 s per rate), BENCH_TIMEOUT (600 s per boot),
# BENCH_APPEND (extra guest kernel command line for profiling, e.g.
# "initcall_debug": the boots' dmesg is in $RESULTS/KERNEL/bench-*/).

declare -F guest_boot >/dev/null || . "$TESTS/lib/guest.sh"
[ -r "$TESTS/lib/module.sh" ] && ! declare -F module_build >/dev/null &&
	. "$TESTS/lib/module.sh"

BENCH_PROTOCOLS="0x11 0x12 0x13 0x14 0x15 0x16 0x17 0x18"

# _bench_boot KERNEL ROLE ROUND KO EXTRA_KOS: one boot; prints nothing,
# leaves GUEST_DIR.
_bench_boot() {
	local k=$1 role=$2 round=$3 ko=$4 mods=$5 mod script extra=0
	mod=$(basename "$ko" .ko)
	[ "$role" = ours ] && extra=1
	script=$RESULTS/bench/$k/script-$role.sh
	{
		echo "BENCH_T=$mod BENCH_RTT=${BENCH_RTT:-20000} BENCH_XRTT=${BENCH_XRTT:-4000} BENCH_TP='${BENCH_TP:-1 2 4}'" \
			"BENCH_TP_S=${BENCH_TP_S:-3} BENCH_ASYNC=${BENCH_ASYNC:-1000}" \
			"BENCH_RATES='$BENCH_RATES_USED' BENCH_NS=${BENCH_NS:-2} BENCH_EXTRA=$extra"
		cat "$TESTS/bench/guest-bench.sh"
	} >"$script"
	# shellcheck disable=SC2086 # the rates are words
	GUEST_SCMI_PROTOCOLS=$BENCH_PROTOCOLS guest_boot --kernel "$k" --name "bench-$role-$round" \
		--script "$script" --modules "$ko $mods" --smp 4 --mem 1024 --no-autoload \
		--timeout "${BENCH_TIMEOUT:-600}" ${BENCH_APPEND:+--append "$BENCH_APPEND"} \
		--during "bash '$TESTS/bench/host-during.sh' ${BENCH_NS:-2} $BENCH_RATES_USED"
}

_bench_kernel() {
	local k=$1 out=$RESULTS/bench/$1 ours up ex raw r role ko p t0 order st n
	rm -rf "$out" && mkdir -p "$out"
	# Boots of an earlier run with more rounds must not join this one.
	rm -rf "$RESULTS/$k"/bench-{ours,upstream}-*
	if ! kernel_prepare "$k" >"$out/prepare.log" 2>&1; then
		t_fail "bench/$k/prepare" "$(tail -n 1 "$out/prepare.log")"
		return
	fi
	if ! ours=$(module_ko "$k" 2>"$out/module.err"); then
		t_fail "bench/$k/module" "$(tail -n 1 "$out/module.err")"
		return
	fi
	if ! up=$(upstream_transport "$k" 2>"$out/upstream.err"); then
		t_fail "bench/$k/upstream" "$(tail -n 1 "$out/upstream.err")"
		return
	fi
	if ! kernel_build_module "$k" "$TESTS/exerciser" "$out/exerciser" 2>"$out/exerciser.err"; then
		t_fail "bench/$k/exerciser" "$(tail -n 1 "$out/exerciser.err")"
		return
	fi
	if ! kernel_build_module "$k" "$TESTS/bench/vraw" "$out/vraw" 2>"$out/vraw.err"; then
		t_fail "bench/$k/vscmi_raw" "$(tail -n 1 "$out/vraw.err")"
		return
	fi
	# A private copy: a rebuild of the sources during the run cannot
	# swap the module under later rounds.
	cp "$ours" "$out/virtio_scmi.ko" && ours=$out/virtio_scmi.ko
	cp "$up" "$out/$(basename "$up")" && up=$out/$(basename "$up")
	# Both without debug information, as they are shipped: DKMS strips
	# what it builds (STRIP defaults to yes) and Debian's kernel packages
	# strip their modules.  The guest then reads and relocates the same
	# kind of file for each, which the load -> ready figure includes.
	if ! aarch64-linux-gnu-strip --strip-debug "$ours" "$up" 2>"$out/strip.err"; then
		t_fail "bench/$k/strip" "$(tail -n 1 "$out/strip.err")"
		return
	fi
	ex=$out/exerciser/vscmi_exerciser.ko
	raw=$out/vraw/vscmi_raw.ko
	BENCH_RATES_USED=${BENCH_RATES:-500 1000 2000 4000 8000}
	export BENCH_RATES_USED
	t0=$(date +%s)
	for ((r = 1; r <= ${BENCH_ROUNDS:-5}; r++)); do
		# Odd rounds boot ours first, even rounds upstream first: neither
		# transport always gets the host right after the other's boot.
		if ((r % 2)); then order="ours upstream"; else order="upstream ours"; fi
		for role in $order; do
			if [ "$role" = ours ]; then ko=$ours; else ko=$up; fi
			_bench_boot "$k" "$role" "$r" "$ko" "$ex $raw"
			p=bench/$k/$role/$r
			guest_results "$p"
			t_note "$p: boot $GUEST_STATUS after $(cut -d. -f1 "$GUEST_DIR/wall") s"
			st=$(cat "$GUEST_DIR/during.status" 2>/dev/null)
			if [ "$st" = 0 ]; then
				t_pass "$p/host-during"
			else
				t_fail "$p/host-during" "tests/bench/host-during.sh status '${st:-none}': $(grep -m1 'host-during: .*\(failed\|not seen\)' "$GUEST_DIR/during.log" 2>/dev/null || tail -n 1 "$GUEST_DIR/during.log" 2>/dev/null) ($GUEST_DIR/during.log)"
			fi
		done
	done
	t_note "bench/$k: $((${BENCH_ROUNDS:-5} * 2)) boots in $(( $(date +%s) - t0 )) s"
	_bench_env "$k" "$ours" "$up" | sed 's/^/- /' >"$out/env"
	_bench_size "$ours" "$up" >"$out/size"
	if "$TESTS/bench/collect.sh" "$k" "$out" "$RESULTS/$k"/bench-{ours,upstream}-* 2>"$out/collect.err" &&
		! [ -s "$out/collect.err" ]; then
		t_pass "bench/$k/collect"
	else
		t_fail "bench/$k/collect" "$(head -n 1 "$out/collect.err") ($(wc -l <"$out/collect.err") problems, $out/collect.err)"
	fi
	if "$TESTS/bench/report.sh" "$k" "$out" 2>"$out/report.err" && [ -s "$out/summary.md" ] && [ -s "$out/goals.txt" ]; then
		t_pass "bench/$k/report"
	else
		t_fail "bench/$k/report" "tests/bench/report.sh: $(tail -n 1 "$out/report.err")"
	fi
	if "$TESTS/bench/plot.sh" "$k" "$out" >"$out/plot.log" 2>&1 && [ -s "$out/latency.png" ]; then
		t_pass "bench/$k/plot"
	else
		t_fail "bench/$k/plot" "gnuplot: $(tail -n 1 "$out/plot.log")"
	fi
	# Every round of both transports must have given its numbers: round
	# trips and every notification step.
	for role in ours upstream; do
		local got=() miss=()
		mapfile -t got < <(awk -F, -v t="$role" '$3 == t && $4 == "rtt" && $6 == "p50_ns" { print $2 }' "$out/raw.csv" | sort -n)
		for ((r = 1; r <= ${BENCH_ROUNDS:-5}; r++)); do
			[[ " ${got[*]} " == *" $r "* ]] || miss+=("$r")
		done
		if [ ${#miss[@]} = 0 ] && [ ${#got[@]} = "${BENCH_ROUNDS:-5}" ]; then
			t_pass "bench/$k/$role/rounds-measured"
		else
			t_fail "bench/$k/$role/rounds-measured" "${#got[@]} of ${BENCH_ROUNDS:-5} rounds gave round-trip figures; missing: ${miss[*]:-none} (results/$k/bench-$role-N/console.log)"
		fi
		n=$(awk -F, -v t="$role" '$3 == t && $6 == "missing"' "$out/raw.csv" | wc -l)
		if [ "$n" = 0 ]; then
			t_pass "bench/$k/$role/notify-measured"
		else
			t_fail "bench/$k/$role/notify-measured" "$n notification steps not measured: $(awk -F, -v t="$role" '$3 == t && $6 == "missing" { printf "round %s %s; ", $2, $4 }' "$out/raw.csv")"
		fi
	done
	sed 's/^/# /' "$out/summary.md"
}

# _bench_env KERNEL OURS UPSTREAM: the header lines of the report.
_bench_env() {
	echo "Host: $(uname -sr) $(uname -m), $(nproc) CPUs ($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)), Debian $(cat /etc/debian_version 2>/dev/null)"
	echo "QEMU: $("$QEMU" --version | head -n 1); guests under TCG (software emulation, no KVM): -M virt, 4 vCPUs, 1 GB, vhost-user-scmi-pci"
	echo "Guest kernel: $(kernel_release "$1") (Debian $1); upstream = drivers/firmware/arm_scmi/transports/virtio.c from its linux-source, built out of tree"
	echo "Platform: tests/platform scmi-platform, default resource set, one daemon per boot"
	echo "Host load average (1, 5, 15 min) at the end of the run: $(cut -d' ' -f1-3 /proc/loadavg) (other jobs share the host)"
}

# _bench_size OURS UPSTREAM: "ours|upstream TEXT DATA BSS" of the modules.
_bench_size() {
	local sz
	sz=$(command -v aarch64-linux-gnu-size || command -v size)
	printf 'ours %s\nupstream %s\n' \
		"$("$sz" -A "$1" | awk '$1 ~ /^\.text|^\.init\.text|^\.exit\.text/ { t += $2 } $1 ~ /^\.data|^\.rodata/ { d += $2 } $1 ~ /^\.bss/ { b += $2 } END { print t + 0, d + 0, b + 0 }')" \
		"$("$sz" -A "$2" | awk '$1 ~ /^\.text|^\.init\.text|^\.exit\.text/ { t += $2 } $1 ~ /^\.data|^\.rodata/ { d += $2 } $1 ~ /^\.bss/ { b += $2 } END { print t + 0, d + 0, b + 0 }')"
}

suite_bench() {
	local k ks
	if [ -n "${KERNELS_EXPLICIT:-}" ]; then ks=("$@"); else ks=(6.12); fi
	mkdir -p "$RESULTS/bench"
	# the kernels of this run, for tests/bench/finish.sh (make bench)
	printf '%s\n' "${ks[@]}" >"$RESULTS/bench/kernels"
	for k in "${ks[@]}"; do
		t_plan "bench/$k/*"
		_bench_kernel "$k"
	done
}
