# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# Guest side of the "faults" suite (busybox sh, run as /test.sh).
# tests/suites/faults.sh prepends the settings:
#   FT_MODE=main|reconnect   main: module parameter checks, then one test
#                            per platform fault; reconnect: the platform is
#                            killed and restarted under traffic
#   FT_TIMEOUT_MS=N          virtio_scmi rx_timeout_ms for the fault tests
#   FT_FLOOD_RATE=N FT_FLOOD_S=S   notification flood: N/s for S seconds
#   FT_MODE=devices|nonode|barenode  device and DT variants (see below);
#   FT_DT_TIMEOUT_MS=N       the DT's arm,max-rx-timeout-ms in "devices"
#
# Module parameters: bad values refused (param/NAME=VALUE), valid
# non-default ones used (param-valid/NAME=VALUE), before the fault tests.
#
# Host control channel (tests/faults/host.sh): the guest prints
#   VSCMI-NOTE ft-req SEQ KEY | CMD | CMD ...
# the host runs each CMD as a platform control command, then sets sensor 3
# (a synchronous sensor) to SEQ * 10000000 + E * 1000000 + D, D being the
# platform counter KEY ("stats" or "engine stats") minus its baseline (a
# KEY written "=NAME" sets the baseline to the current value), E 1 when a
# CMD failed or KEY could not be read (else 0).  The guest reads sensor 3
# until it shows its SEQ: the host has acted, and D is the platform's
# figure; E fails the running test.
#
# Every fault is armed for the perf LEVEL_GET responses only (protocol
# 0x13, message 0x8: "call perf" in the exerciser), so the control channel
# (sensor reads) and the rest of the traffic are not affected.

. /lib/vscmi/lib.sh

: "${FT_MODE:=main}"
: "${FT_TIMEOUT_MS:=1000}"
: "${FT_FLOOD_RATE:=12500}"
: "${FT_FLOOD_S:=10}"

VX=/sys/kernel/debug/vscmi_exerciser
FILT="proto=0x13 msg=0x8"
SEQ=0

# Kernel messages on the console could split our request lines: keep them
# in dmesg (dumped at the end and checked by the host).
echo 1 >/proc/sys/kernel/printk

# --- helpers ---------------------------------------------------------------

# vcall OP COUNT [ID]: run "call" in the exerciser; sets C_OK, C_N, C_RC,
# C_VAL, C_MAX (ms) and C_LINE.  Non-zero if the command did not run.
vcall() {
	C_OK=-1 C_RC="?" C_VAL="?" C_MAX="?"
	if ! echo "call $*" >$VX/run 2>/tmp/vx.err; then
		C_LINE="'call $*' refused: $(cat /tmp/vx.err)"
		return 1
	fi
	C_LINE=$(grep -m1 '^# call ' $VX/results)
	for _kv in $C_LINE; do
		case $_kv in
		ok=*) C_OK=${_kv#ok=} ;;
		rc=*) C_RC=${_kv#rc=} ;;
		value=*) C_VAL=${_kv#value=} ;;
		max_ms=*) C_MAX=${_kv#max_ms=} ;;
		esac
	done
	return 0
}

# host KEY CMD...: one request on the control channel (see the top).  Sets
# HOST_D; non-zero (and FT_ERR) when the host did not answer in 60 s.
host() {
	SEQ=$((SEQ + 1))
	_key=$1
	shift
	_req="$_key"
	for _c in "$@"; do _req="$_req | $_c"; done
	echo "VSCMI-NOTE ft-req $SEQ $_req"
	host_wait
}

# host_wait: wait for the acknowledgement of request $SEQ
host_wait() {
	_end=$(($(uptime_s) + 60))
	while [ "$(uptime_s)" -lt $_end ]; do
		if vcall sensor 1 3 && [ "$C_OK" = 1 ] && [ $((C_VAL / 10000000)) = $SEQ ]; then
			HOST_D=$((C_VAL % 1000000))
			if [ $((C_VAL / 1000000 % 10)) != 0 ]; then
				ft_err "host request $SEQ ($_req): a control command or counter read failed on the host (during.log)"
				return 1
			fi
			return 0
		fi
		sleep 0.2
	done
	HOST_D=
	ft_err "host request $SEQ not acknowledged in 60 s (last read: $C_LINE)"
	return 1
}

STATS=
find_stats() {
	for _d in /sys/kernel/debug/virtio_scmi/*; do
		[ -r "$_d/stats" ] && STATS=$_d/stats
	done
	[ -n "$STATS" ]
}

# snap NAME: copy of the module's counters; delta NAME KEY: growth since.
snap() { cat "$STATS" >"/tmp/st.$1"; }
stat_of() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }
delta() {
	_a=$(stat_of "/tmp/st.$1" "$2")
	_b=$(stat_of "$STATS" "$2")
	echo $((_b - _a))
}
# invalid_sum NAME: growth of all invalid_* counters since snapshot NAME
invalid_sum() {
	_s=0
	for _k in invalid_short invalid_long invalid_header invalid_type invalid_buffer \
		invalid_unexpected; do
		_s=$((_s + $(delta "$1" $_k)))
	done
	echo $_s
}

# wait_delta NAME KEY WANT SECONDS: until KEY grew by at least WANT
wait_delta() {
	_end=$(($(uptime_s) + $4))
	while [ "$(delta "$1" "$2")" -lt "$3" ] && [ "$(uptime_s)" -lt $_end ]; do
		sleep 0.2
	done
}

# --- one fault test --------------------------------------------------------
# ft_begin NAME CMD...  traffic before, baseline, arm (CMDs on the host)
# ft_want WHAT GOT WANT  one assertion of the running test
# ft_end [--applied N] [CMD...]  disarm (fault clear plus CMDs), traffic
#                        after, the platform's faults_applied must have
#                        grown by N (when given), result FT_NAME with
#                        every failed assertion
FT_NAME=
FT_ERR=
FT_APPLIED=

ft_err() { FT_ERR="${FT_ERR:+$FT_ERR; }$*"; }

ft_want() {
	[ "$2" = "$3" ] || ft_err "$1: got '$2', want '$3'"
}

# traffic LABEL: sequential perf and clock reads and an asynchronous
# sensor read (delayed response), all must succeed
traffic() {
	vcall perf 10 && [ "$C_OK" = 10 ] || ft_err "$1: perf reads: $C_LINE"
	vcall clock 10 && [ "$C_OK" = 10 ] || ft_err "$1: clock reads: $C_LINE"
	vcall sensor 2 0 && [ "$C_OK" = 2 ] || ft_err "$1: async sensor reads: $C_LINE"
}

ft_begin() {
	FT_NAME=$1
	FT_ERR=
	shift
	note "fault $FT_NAME: begin"
	traffic before
	# Before arming: some faults send their messages at once.
	snap "$FT_NAME"
	host "=faults_applied" "fault clear" "$@"
}

ft_end() { # [--applied N] [CMD...]
	_want_applied=
	if [ "${1:-}" = --applied ]; then
		_want_applied=$2
		shift 2
	fi
	host faults_applied "fault clear" "$@"
	FT_APPLIED=$HOST_D
	traffic after
	note "fault $FT_NAME: platform applied $FT_APPLIED; module: $(tr -s ' ' <"$STATS" | tr '\n' ' ')"
	# The platform's own count of the faults it injected: a test whose
	# fault never reached the module must not pass on the module's
	# silence.
	[ -z "$_want_applied" ] || ft_want "platform applied" "$FT_APPLIED" "$_want_applied"
	if [ -z "$FT_ERR" ]; then
		result_ok "$FT_NAME"
	else
		result_fail "$FT_NAME" "$FT_ERR"
	fi
}

# ft_reply_fault NAME RC COUNTER CMD...: a fault on N=2 perf replies that
# the module must refuse: the caller gets RC at once (no timeout), COUNTER
# grows by 2, nothing else is counted invalid, no timeout.
ft_reply_fault() {
	_n=$1 _rc=$2 _ctr=$3
	shift 3
	ft_begin "$_n" "$* count=2 $FILT"
	vcall perf 2
	ft_want "caller ok" "$C_OK" 0
	ft_want "caller rc" "$C_RC" "$_rc:2"
	[ "$C_MAX" != "?" ] && [ "$C_MAX" -lt "$FT_TIMEOUT_MS" ] ||
		ft_err "caller waited ${C_MAX} ms (timeout $FT_TIMEOUT_MS ms): not failed fast"
	if [ "$_ctr" = any ]; then
		ft_want "invalid_*" "$(invalid_sum "$_n")" 2
	else
		ft_want "$_ctr" "$(delta "$_n" "$_ctr")" 2
		ft_want "invalid_* total" "$(invalid_sum "$_n")" 2
	fi
	ft_want timeouts "$(delta "$_n" timeouts)" 0
	ft_want late "$(delta "$_n" late)" 0
	ft_end --applied 2
}

# --- setup -----------------------------------------------------------------

load_good() { # [PARAM=VALUE...]
	modprobe virtio_scmi rx_timeout_ms="$FT_TIMEOUT_MS" "$@" 2>/tmp/mp.err || {
		echo "modprobe: $(cat /tmp/mp.err)"
		return 1
	}
	modprobe vscmi_exerciser 2>/tmp/mp.err || {
		echo "exerciser: $(cat /tmp/mp.err)"
		return 1
	}
	_i=0
	while [ $_i -lt 200 ]; do
		grep -q '^bound.* perf' $VX/info 2>/dev/null && grep -q '^bound.* sensor' $VX/info &&
			grep -q '^bound.* reset' $VX/info &&
			find_stats && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	echo "exerciser not bound: $(cat $VX/info 2>&1 | tr '\n' ' ')"
	return 1
}

# --- module parameters -----------------------------------------------------

# param NAME VALUE: loading with NAME=VALUE must fail, dmesg must carry
# the module's own refusal ("virtio_scmi: NAME=VALUE refused: ...", not
# only the kernel's generic "invalid for parameter" line), and the module
# must not stay loaded.
param() {
	_t="param/$1=$2"
	_n0=$(dmesg | wc -l)
	if modprobe virtio_scmi "$1=$2" 2>/tmp/mp.err; then
		result_fail "$_t" "accepted ($(cat /sys/module/virtio_scmi/parameters/"$1" 2>/dev/null))"
		rmmod virtio_scmi 2>/dev/null
		return
	fi
	_msg=$(dmesg | tail -n +$((_n0 + 1)) | grep -F "virtio_scmi: $1=$2 refused: " | head -n 1)
	if [ -e /sys/module/virtio_scmi ]; then
		result_fail "$_t" "modprobe failed but the module is loaded"
		rmmod virtio_scmi 2>/dev/null
	elif [ -z "$_msg" ]; then
		result_fail "$_t" "refused without the module's own message 'virtio_scmi: $1=$2 refused: ...' (dmesg: $(dmesg | tail -n +$((_n0 + 1)) | grep -F "$1" | head -n 1 | cut -c1-160); modprobe: $(cat /tmp/mp.err))"
	else
		result_ok "$_t"
		note "$_t: ${_msg#*] }"
	fi
}

# param_valid NAME=VALUE [WANT] [DMESG]: a non-default setting within the
# range loads, reads back (WANT, default VALUE) in sysfs, shows in the
# module's probe line (DMESG: a fixed string of "SCMI over virtio: ..."),
# and serves the exerciser's calls (sync perf and clock reads, async
# sensor reads: delayed responses on the eventq) and, with CHECKS set,
# those exerciser checks; then the module is unloaded again.
# param_done: report test $_t from FT_ERR and unload the module
param_done() {
	if [ -z "$FT_ERR" ]; then
		result_ok "$_t"
	else
		result_fail "$_t" "$FT_ERR"
	fi
	rmmod virtio_scmi 2>/dev/null
}

param_valid() {
	_t="param-valid/$1"
	_pn=${1%%=*} _pv=${1#*=}
	_want=${2:-$_pv}
	FT_ERR=
	rmmod virtio_scmi 2>/dev/null
	_n0=$(dmesg | wc -l)
	if ! out=$(load_good "$1"); then
		ft_err "$out"
		param_done
		return
	fi
	find_stats
	ft_want "sysfs $_pn" "$(cat "/sys/module/virtio_scmi/parameters/$_pn" 2>/dev/null)" "$_want"
	_probe=$(dmesg | tail -n +$((_n0 + 1)) | grep -m1 'SCMI over virtio: ')
	case $_probe in
	*"${3:-}"*) ;;
	*) ft_err "probe line lacks '${3:-}': ${_probe#*] }" ;;
	esac
	traffic "$_t"
	for _c in ${CHECKS:-}; do
		if echo "$_c" >$VX/run 2>/tmp/vx.err; then
			_nok=$(grep -c '^not ok' $VX/results)
			_ok=$(grep '^ok' $VX/results | grep -vc ' # SKIP ')
			[ "$_nok" = 0 ] && [ "$_ok" -gt 0 ] ||
				ft_err "exerciser '$_c': $_ok ok, $_nok not ok: $(grep -m1 '^not ok' $VX/results)"
		else
			ft_err "exerciser '$_c' refused: $(cat /tmp/vx.err)"
		fi
	done
	note "$_t: ${_probe#*] }"
	param_done
}

# A reply's delivery that wakes its caller and is held before it hands the
# buffer back to the pool (CI on 228e622: with max_msg=1, one clock read
# in ten failed with -ENOBUFS): the caller's next command must wait for
# the buffer, not fail.  max_msg=1 makes the pool one buffer, spin_us=0
# makes the caller sleep so that the interrupt delivers, and the module's
# test hook holds each delivery 5 ms after the wake-up.  The reads run
# pinned to each CPU in turn: on the one that does not take the interrupt
# the caller runs during the hold, and the module counts the sends that
# waited (handback_waits), so the test knows the case was reached.
handback_test() {
	_t=param-valid/max_msg=1-handback
	FT_ERR=
	rmmod virtio_scmi 2>/dev/null
	if ! out=$(load_good max_msg=1 spin_us=0); then
		ft_err "$out"
		param_done
		return
	fi
	find_stats
	_hook=${STATS%/stats}/inject_slow_handbacks
	_w0=$(stat_of "$STATS" handback_waits)
	_e0=$(stat_of "$STATS" send_errors)
	if ! echo 100 >"$_hook" 2>/tmp/inj.err; then
		ft_err "handback hook: $(cat /tmp/inj.err)"
	else
		for _m in 1 2; do
			taskset -p "$_m" $$ >/dev/null 2>&1 || ft_err "taskset -p $_m: cannot pin the script"
			vcall clock 20 && [ "$C_OK" = 20 ] || ft_err "clock reads on CPU mask $_m: $C_LINE"
		done
		taskset -p 3 $$ >/dev/null 2>&1
		echo 0 >"$_hook"
		_w=$(($(stat_of "$STATS" handback_waits) - _w0))
		_e=$(($(stat_of "$STATS" send_errors) - _e0))
		[ "$_w" -gt 0 ] || ft_err "no send waited for a buffer being handed back (handback_waits +0): the case was not reached"
		ft_want "send_errors" "$_e" 0
		note "$_t: handback_waits +$_w, send_errors +$_e"
	fi
	param_done
}

param_tests() {
	for v in -1 0 1025 4294967296 abc 1.5; do param max_msg $v; done
	for v in -1 0 31 4097 99999999999 abc; do param max_msg_size $v; done
	for v in -1 0 9 600001 4294967296 abc 300ms; do param rx_timeout_ms $v; done
	for v in -1 1001 4294967296 abc 50us; do param spin_us $v; done
	# (the kernel's bool parameters: kstrtobool, which reads only the
	# first characters: "10" is true and "0x1" false, as for any module)
	for p in polling atomic; do
		for v in -1 2 abc ox; do param $p $v; done
	done
	# Valid settings other than the defaults.
	param_valid max_msg=1 1 "(1 in flight)"
	handback_test
	param_valid max_msg_size=32 32 "max_msg_size 32,"
	param_valid max_msg_size=4096 4096 "max_msg_size 4096,"
	param_valid spin_us=0 0 "spin 0 us"
	# polling=1: every protocol of this boot's DT through the exerciser
	# (its "base" check wants all eight protocols bound)
	CHECKS="power perf clock sensor reset"
	param_valid polling=1 Y "mode polling"
	CHECKS=
	# PREEMPT_RT: atomic transfers cannot be served, the module says so
	if is_preempt_rt; then
		param atomic 1
	fi
	# A good load works after all that.
	if out=$(load_good); then
		vcall perf 5 && [ "$C_OK" = 5 ] && result_ok param/good-load-after ||
			result_fail param/good-load-after "perf reads: $C_LINE"
	else
		result_fail param/good-load-after "$out"
	fi
}

# --- the faults ------------------------------------------------------------

TR=/sys/kernel/tracing
# trace_start: record the transport's rare events (timeout, late, invalid)
trace_start() {
	for _e in vscmi_timeout vscmi_late vscmi_invalid; do
		echo 1 >"$TR/events/virtio_scmi/$_e/enable" 2>/dev/null ||
			result_fail "trace/$_e/enable" "cannot enable $TR/events/virtio_scmi/$_e"
	done
	echo 1 >"$TR/tracing_on" 2>/dev/null
}

# trace_check: each of them fired during the fault tests
trace_check() {
	echo 0 >"$TR/tracing_on" 2>/dev/null
	cat "$TR/trace" >/tmp/trace.txt 2>/dev/null
	for _e in vscmi_timeout vscmi_late vscmi_invalid; do
		_n=$(grep -c " $_e: " /tmp/trace.txt)
		if [ "$_n" -gt 0 ]; then
			result_ok "trace/$_e/fired"
			note "trace/$_e: $_n events, first: $(grep -m1 " $_e: " /tmp/trace.txt | sed 's/^ *//')"
		else
			result_fail "trace/$_e/fired" "no $_e event in $TR/trace ($(wc -l </tmp/trace.txt) lines)"
		fi
	done
}

# notify_n NAME N: the platform sends N notifications (in batches its
# injection queue takes) and the module receives them; waits for the
# module's notifs to grow by N since snapshot NAME plus what it had
notify_n() {
	_want=$(($(delta "$1" notifs) + $2))
	_left=$2
	while [ "$_left" -gt 0 ]; do
		_b=$((_left > 200 ? 200 : _left))
		host - "fault notify-disabled count=$_b"
		_left=$((_left - _b))
		wait_delta "$1" notifs $((_want - _left)) 20
	done
}

fault_tests() {
	# Response delayed past the caller's timeout, then delivered.
	ft_begin late-response "fault delay $((FT_TIMEOUT_MS * 4)) count=2 $FILT"
	vcall perf 2
	ft_want "caller rc" "$C_RC" "-110:2"
	ft_want timeouts "$(delta late-response timeouts)" 2
	wait_delta late-response late 2 10
	ft_want "late replies" "$(delta late-response late)" 2
	ft_want "invalid_*" "$(invalid_sum late-response)" 0
	ft_end --applied 2

	# The immediate reply of an asynchronous command held back until its
	# delayed response is in: the core completes the caller on the delayed
	# response (no timeout); the reply, when it comes, is dropped as late.
	# (A reply that comes while the woken caller has not yet finished is
	# delivered and ignored by the core, and a loaded host may deliver the
	# delayed response late: of 4 tries at least one must be released
	# early; timeouts counts exactly the core's own timeouts, and every
	# late reply is a timeout or an early release.)
	_to=$(dmesg | grep -c 'timed out in resp')
	ft_begin delayed-response-first "fault delay 400 count=4 proto=0x15 msg=0x6"
	vcall sensor 4 0
	ft_want "caller ok" "$C_OK" 4
	sleep 1
	_re=$(delta delayed-response-first released_early)
	_t=$(delta delayed-response-first timeouts)
	[ "$_re" -ge 1 ] || ft_err "released_early: got $_re, want >= 1"
	# (a reply arriving between the core's timeout and the release is
	# delivered, so the counter may stay below the core's count)
	_ct=$(($(dmesg | grep -c 'timed out in resp') - _to))
	[ "$_t" -le "$_ct" ] || ft_err "timeouts: got $_t, more than the core's $_ct"
	wait_delta delayed-response-first late $((_re + _t)) 10
	ft_want "late replies = released_early + timeouts" "$(delta delayed-response-first late)" $((_re + _t))
	ft_want "invalid_*" "$(invalid_sum delayed-response-first)" 0
	ft_end --applied 4

	# Delayed responses due at once, so that the device returns a reply
	# and its delayed response together: the reply must reach the core
	# first (no out-of-order completion, nothing released early).
	ft_begin delayed-response-order "delay 0"
	_ooo=$(dmesg | grep -c 'OoO')
	vcall sensor 100 0
	ft_want "caller ok" "$C_OK" 100
	ft_want released_early "$(delta delayed-response-order released_early)" 0
	ft_want "core out-of-order reports" "$(($(dmesg | grep -c 'OoO') - _ooo))" 0
	ft_want dresps "$(delta delayed-response-order dresps)" 100
	ft_end "delay 1000"

	# Response never sent: the buffer stays with the device.
	ft_begin no-response "fault drop count=2 $FILT"
	vcall perf 2
	ft_want "caller rc" "$C_RC" "-110:2"
	ft_want timeouts "$(delta no-response timeouts)" 2
	sleep 1
	ft_want late "$(delta no-response late)" 0
	ft_want inflight "$(delta no-response inflight)" 2
	ft_end --applied 2

	# Duplicate: the reply arrives, then a copy (type 0) on the eventq.
	ft_begin duplicate-response "fault duplicate count=2 $FILT"
	vcall perf 2
	ft_want "caller ok" "$C_OK" 2
	wait_delta duplicate-response invalid_type 2 10
	ft_want invalid_type "$(delta duplicate-response invalid_type)" 2
	ft_want "invalid_* total" "$(invalid_sum duplicate-response)" 2
	ft_want timeouts "$(delta duplicate-response timeouts)" 0
	ft_end --applied 2

	# Replies the module refuses: -ECOMM (-70) at once, counted.
	ft_reply_fault unknown-token -70 invalid_header fault token unknown
	ft_reply_fault stale-token -70 invalid_header fault token stale
	ft_reply_fault wrong-protocol-id -70 invalid_header fault header proto
	ft_reply_fault wrong-message-id -70 invalid_header fault header msg
	ft_reply_fault garbage-header-type -70 invalid_header fault header type
	ft_reply_fault garbage-response -70 any fault garbage
	ft_reply_fault truncated-below-header -70 invalid_short fault truncate 2
	ft_reply_fault truncated-below-status -70 invalid_short fault truncate 6
	ft_reply_fault oversized-used-length -70 invalid_long fault oversize

	# Shorter than the expected payload (header and status only): a
	# well-formed reply (SCMI replies legitimately vary in length), handed
	# to the core with an empty payload; the core's LEVEL_GET does not
	# check the length, so the caller sees success.
	ft_begin truncated-payload "fault truncate 8 count=2 $FILT"
	vcall perf 2
	ft_want "caller ok" "$C_OK" 2
	ft_want "invalid_*" "$(invalid_sum truncated-payload)" 0
	ft_want timeouts "$(delta truncated-payload timeouts)" 0
	ft_end --applied 2

	# Notification flood on an event the exerciser listens to, with perf
	# reads all along: every notification the device sent reached the
	# core (module notifs == platform notifications_sent).
	ft_begin notification-flood
	host "=notif_queued"
	host "=notif_dropped"
	host "=notifications_sent" "notify-rate sensor 1 update $FT_FLOOD_RATE $FT_FLOOD_S"
	if echo "flood $((FT_FLOOD_S + 2)) 1 perf" >$VX/run 2>/tmp/vx.err; then
		fl=$(grep -m1 '^# flood ' $VX/results)
		note "flood: $fl"
		case $fl in
		*" rc=none "*) ;;
		*) ft_err "perf reads during the flood failed: $fl" ;;
		esac
	else
		ft_err "flood command refused: $(cat /tmp/vx.err)"
	fi
	host notif_queued "notify-rate off"
	queued=$HOST_D
	# Let the device drain its queue, then compare.
	_prev=-1
	while [ "$(delta notification-flood notifs)" != "$_prev" ]; do
		_prev=$(delta notification-flood notifs)
		sleep 1
	done
	host notifications_sent
	sent=$HOST_D
	host notif_dropped
	dropped=$HOST_D
	got=$(delta notification-flood notifs)
	note "flood: platform queued $queued in ${FT_FLOOD_S} s, sent $sent, dropped (device queue full) $dropped; module received $got (the core's own queue may drop some: 'flood notifs' is what reached the exerciser)"
	# The issue asks for at least 10000/s for 10 s (the platform's pacing
	# loses a few per cent: it is asked for more, FT_FLOOD_RATE).
	[ "$queued" -ge $((10000 * FT_FLOOD_S)) ] ||
		ft_err "the platform generated only $queued notifications in $FT_FLOOD_S s at $FT_FLOOD_RATE/s (want >= $((10000 * FT_FLOOD_S)))"
	ft_want "module notifs = platform notifications_sent" "$got" "$sent"
	ft_want "invalid_*" "$(invalid_sum notification-flood)" 0
	ft_want evt_refill_errors "$(delta notification-flood evt_refill_errors)" 0
	ft_want timeouts "$(delta notification-flood timeouts)" 0
	ft_end
	FLOOD_NOTE="queued=$queued sent=$sent received=$got dropped_by_platform=$dropped"

	# Notifications for events the agent never enabled: delivered to the
	# core (which drops them), nothing invalid, traffic unaffected.
	ft_begin disabled-event-notifications "fault notify-disabled count=50"
	vcall perf 20
	ft_want "caller ok" "$C_OK" 20
	wait_delta disabled-event-notifications notifs 50 10
	ft_want notifs "$(delta disabled-event-notifications notifs)" 50
	ft_want "invalid_*" "$(invalid_sum disabled-event-notifications)" 0
	ft_end --applied 50

	# Delayed responses for tokens nothing waits for: refused by the
	# module (the core would look the token up and may find a command
	# that is not waiting for one), counted, traffic unaffected.
	ft_begin orphan-delayed-response "fault delayed-orphan count=5"
	vcall perf 20
	ft_want "caller ok" "$C_OK" 20
	wait_delta orphan-delayed-response invalid_unexpected 5 10
	ft_want invalid_unexpected "$(delta orphan-delayed-response invalid_unexpected)" 5
	ft_want "dresps (delivered)" "$(delta orphan-delayed-response dresps)" 0
	ft_want "invalid_* total" "$(invalid_sum orphan-delayed-response)" 5
	ft_want timeouts "$(delta orphan-delayed-response timeouts)" 0
	ft_end --applied 5

	# An asynchronous command answered with an error, and its delayed
	# response sent all the same, at once.  The core clears the caller's
	# delayed-response completion as soon as the error reply is in; a
	# delayed response reaching the core then completes a NULL or stale
	# pointer (an oops found by the fuzz suite).  The module refuses it:
	# the caller sees the error, the delayed response is counted, the core
	# never sees it ("not expected" is what the core logs when it does).
	_ne=$(dmesg | grep -c 'not expected')
	# (The target is the asynchronous reset of domain 0: sensor reads
	# carry the host control channel.)
	ft_begin error-reply-then-delayed-response "delay 0" "fault status -8 count=3 proto=0x16 msg=0x4"
	vcall reset 3 0
	ft_want "caller ok" "$C_OK" 0
	ft_want "caller rc (GENERIC_ERROR)" "$C_RC" "-5:3"
	wait_delta error-reply-then-delayed-response invalid_unexpected 3 10
	ft_want invalid_unexpected "$(delta error-reply-then-delayed-response invalid_unexpected)" 3
	ft_want "dresps (delivered)" "$(delta error-reply-then-delayed-response dresps)" 0
	ft_want "invalid_* total" "$(invalid_sum error-reply-then-delayed-response)" 3
	ft_want "core 'not expected' reports" "$(($(dmesg | grep -c 'not expected') - _ne))" 0
	ft_want timeouts "$(delta error-reply-then-delayed-response timeouts)" 0
	ft_end --applied 3 "delay 1000"

	# eventq starved: commands still work, a delayed response cannot
	# come (the core gives up after 2 s), queued notifications wait; on
	# refill everything queued arrives: the notifications are delivered,
	# the delayed response nobody waits for any more is refused.
	ft_begin eventq-starved "fault eventq-starve" "fault notify-disabled count=20"
	vcall perf 20
	ft_want "caller ok (starved)" "$C_OK" 20
	vcall sensor 1 0
	ft_want "async read rc (starved)" "$C_RC" "-110:1"
	ft_want "notifs (starved)" "$(delta eventq-starved notifs)" 0
	ft_want "dresps (starved)" "$(delta eventq-starved dresps)" 0
	host - "fault clear"
	wait_delta eventq-starved notifs 20 10
	ft_want "notifs (refilled)" "$(delta eventq-starved notifs)" 20
	wait_delta eventq-starved invalid_unexpected 1 10
	ft_want "dresps (refilled)" "$(delta eventq-starved dresps)" 0
	ft_want "invalid_unexpected (refilled: the late delayed response)" \
		"$(delta eventq-starved invalid_unexpected)" 1
	ft_want "invalid_* total" "$(invalid_sum eventq-starved)" 1
	ft_end --applied 21

	# Every eventq buffer's repost fails once (as when the ring or the
	# DMA mapping refuses it, e.g. "swiotlb buffer is full" with
	# restricted DMA; injected through the module's debugfs test hook):
	# the failed posts are retried, so notifications (and delayed
	# responses) keep coming afterwards.  Regression: a failed post
	# dropped the buffer until the next restore, and with all of them
	# gone nothing came any more.
	_eb=$EVT_BUFS
	ft_begin eventq-post-failure
	if [ -z "$_eb" ] || ! echo "$_eb" >"${STATS%/stats}/inject_evt_post_errors" 2>/tmp/inj.err; then
		ft_err "cannot inject ${_eb:-?} eventq post errors: $(cat /tmp/inj.err 2>/dev/null)"
		_eb=0
	fi
	notify_n eventq-post-failure "$_eb"
	ft_want "notifs (every repost failing)" "$(delta eventq-post-failure notifs)" "$_eb"
	notify_n eventq-post-failure 20
	ft_want "notifs (after the failures)" "$(delta eventq-post-failure notifs)" $((_eb + 20))
	ft_want evt_refill_errors "$(delta eventq-post-failure evt_refill_errors)" "$_eb"
	[ "$(delta eventq-post-failure evt_refill_retries)" -ge 1 ] ||
		ft_err "evt_refill_retries: got $(delta eventq-post-failure evt_refill_retries), want >= 1"
	ft_want "invalid_*" "$(invalid_sum eventq-post-failure)" 0
	vcall sensor 1 0
	ft_want "async read (delayed response on the refilled eventq)" "$C_OK" 1
	ft_end --applied $((_eb + 20))

	restore_test
}

# Restore with commands being sent (issue 16, finding 4): the SCMI
# instance is never frozen, and vscmi_traffic's kernel threads (not
# freezable) send all through a suspend-to-idle at pm_test "devices",
# which freezes and restores the device (reset: no No_Soft_Reset in this
# boot).  The module's test hook holds the restore 500 ms between the new
# queues and DRIVER_OK.  The platform counts commands already available
# when a fresh cmdq ring starts (cmdq_before_ready: made available, and
# notified, before DRIVER_OK; tests/platform/plat.c cb_queue_start).
# Regression: the channel accepted commands from the new queue on, so
# commands of that window were kicked before DRIVER_OK.
restore_test() {
	if [ ! -w /sys/power/pm_test ] || ! grep -qw freeze /sys/power/state; then
		result_skip restore-before-ready "no pm_test suspend-to-idle in this kernel (CONFIG_PM_DEBUG, CONFIG_SUSPEND)"
		return 0
	fi
	ft_begin restore-before-ready
	_hook=${STATS%/stats}/inject_restore_delay_ms
	VT=/sys/kernel/debug/vscmi_traffic
	if ! modprobe vscmi_traffic 2>/tmp/mp.err || ! wait_for $VT/control 10; then
		ft_err "vscmi_traffic: $(cat /tmp/mp.err)"
	elif ! echo 500 >"$_hook" 2>/tmp/inj.err; then
		ft_err "restore delay hook: $(cat /tmp/inj.err)"
	else
		# clock and perf reads only: the device reset puts the platform's
		# configured power states back, and 7.x's genpd switched an
		# unused domain off before (an answer that differs, not a wrong one)
		echo "start 0 100 3" >$VT/control
		_c0=$(stat_of $VT/stats calls)
		sleep 1
		_c1=$(stat_of $VT/stats calls)
		[ "$_c1" -gt "$_c0" ] || ft_err "background traffic: no call in 1 s ($(tr '\n' ' ' <$VT/stats))"
		host "=cmdq_before_ready"
		_d=/sys/module/suspend/parameters/pm_test_delay
		[ -w $_d ] && echo 0 >$_d
		echo devices >/sys/power/pm_test
		_dm0=$(dmesg | wc -l)
		echo freeze >/sys/power/state 2>/tmp/pm.err || ft_err "echo freeze: $(cat /tmp/pm.err)"
		echo none >/sys/power/pm_test
		sleep 1
		_c2=$(stat_of $VT/stats calls)
		echo stop >$VT/control
		note "fault $FT_NAME: traffic $(tr '\n' ' ' <$VT/stats | cut -c1-300)"
		ft_want "restore delay applied (hook read back)" "$(cat "$_hook")" 0
		dmesg | sed "1,${_dm0}d" | grep -q 'restore waits 500 ms before DRIVER_OK' ||
			ft_err "no restore ran the hook's delay (dmesg: $(dmesg | sed "1,${_dm0}d" | grep -i 'virtio\|scmi\|PM:' | head -n 4 | tr '\n' ' '))"
		[ "$_c2" -gt "$_c1" ] || ft_err "background traffic: no call after the restore"
		ft_want "traffic answers to the wrong caller" "$(stat_of $VT/stats wrong)" 0
		host cmdq_before_ready
		ft_want "platform cmdq_before_ready (commands sent before DRIVER_OK)" "$HOST_D" 0
	fi
	ft_end
}

# --- platform killed and restarted ------------------------------------------

reconnect_test() {
	FT_NAME=platform-restart
	FT_ERR=
	traffic before
	snap restart
	# perf reads for 8 s (in the background: the exerciser is busy until
	# they end) while the host kills the platform (SIGKILL) and starts a
	# new one on the same socket; then the host's answer is awaited.
	(echo "flood 8 1 perf" >$VX/run) &
	bg=$!
	sleep 1
	SEQ=$((SEQ + 1))
	_req="- | restart-platform"
	echo "VSCMI-NOTE ft-req $SEQ $_req"
	wait $bg
	fl=$(grep -m1 '^# flood ' $VX/results)
	note "restart: perf reads across the restart: $fl"
	# Every call either succeeded or timed out while no platform ran.
	case $fl in
	*" rc=none "* | *" rc=-110:"[0-9]*" "*) ;;
	*) ft_err "reads across the restart: $fl" ;;
	esac
	case $fl in
	*" ok=0 "*) ft_err "no read succeeded across the restart: $fl" ;;
	esac
	host_wait
	# After the restart every command must work again.
	traffic after
	note "restart: module: $(tr -s ' ' <"$STATS" | tr '\n' ' ')"
	# A command the old platform took and never answered times out; the
	# new one gets the ring back and answers it late: nothing is lost.
	wait_delta restart late "$(delta restart timeouts)" 10
	ft_want "late replies = timeouts" "$(delta restart late)" "$(delta restart timeouts)"
	ft_want "invalid_*" "$(invalid_sum restart)" 0
	ft_want aborted "$(delta restart aborted)" 0
	if [ -z "$FT_ERR" ]; then
		result_ok "$FT_NAME"
	else
		result_fail "$FT_NAME" "$FT_ERR"
	fi
}

# --- device and device-tree variants ----------------------------------------
# FT_MODE=devices: three SCMI virtio devices: A (the suite's pci device, a
# platform without VIRTIO_SCMI_F_P2A_CHANNELS, host control channel), B (a
# second pci device at 0000:00:1e.0, a full platform) and C (virtio-mmio
# left legacy); the DT node carries arm,max-rx-timeout-ms=$FT_DT_TIMEOUT_MS.
# FT_MODE=nonode: no arm,scmi-virtio node; FT_MODE=barenode: the node
# without protocol children.

# dev_kind DEV: A, B or C for a virtio device directory
dev_kind() {
	case $(readlink -f "$1") in
	*/0000:00:1e.0/*) echo B ;;
	*virtio_mmio* | *.virtio*) echo C ;;
	*) echo A ;;
	esac
}

# scmi_devs: "NAME KIND DRIVER" per virtio device of id 0x20
scmi_devs() {
	for _d in /sys/bus/virtio/devices/*; do
		[ "$(cat "$_d/device" 2>/dev/null)" = 0x0020 ] || continue
		_drv=$(readlink "$_d/driver" 2>/dev/null)
		echo "${_d##*/} $(dev_kind "$_d") ${_drv##*/}"
	done
}

devices_test() {
	VD=/sys/bus/virtio/drivers/virtio_scmi
	if ! modprobe virtio_scmi 2>/tmp/mp.err; then
		result_fail modprobe "$(cat /tmp/mp.err)"
		return
	fi
	_i=0
	while [ $_i -lt 100 ] && ! scmi_devs | grep -q ' virtio_scmi$'; do
		sleep 0.1
		_i=$((_i + 1))
	done
	sleep 1
	scmi_devs >/tmp/devs
	note "devices: $(tr '\n' ';' </tmp/devs)"
	_a=$(awk '$2 == "A" { print $1 }' /tmp/devs)
	_b=$(awk '$2 == "B" { print $1 }' /tmp/devs)
	_c=$(awk '$2 == "C" { print $1 }' /tmp/devs)
	# C: legacy (no VERSION_1), refused by validate
	if [ -z "$_c" ]; then
		result_fail legacy-refused "no virtio-mmio SCMI device (devices: $(tr '\n' ';' </tmp/devs))"
	elif grep -q "^$_c C virtio_scmi" /tmp/devs; then
		result_fail legacy-refused "the legacy device $_c is bound"
	elif ! dmesg | grep -q "$_c: legacy virtio device refused: SCMI needs VIRTIO_F_VERSION_1"; then
		result_fail legacy-refused "no refusal message for $_c: $(dmesg | grep -m1 "$_c" | cut -c1-160)"
	else
		result_ok legacy-refused
	fi
	# A and B: the first to probe is served, the other refused
	_bound=$(awk '$3 == "virtio_scmi" { print $1 }' /tmp/devs)
	if [ -z "$_a" ] || [ -z "$_b" ]; then
		result_fail second-refused "devices A '$_a', B '$_b' (want both)"
	elif [ "$(echo $_bound | wc -w)" != 1 ]; then
		result_fail second-refused "bound: '$_bound' (want exactly one of $_a, $_b)"
	else
		[ "$_bound" = "$_a" ] && _other=$_b || _other=$_a
		if dmesg | grep -q "$_other: only one SCMI virtio device is supported and $_bound already uses this driver"; then
			result_ok second-refused
		else
			result_fail second-refused "no refusal message for $_other: $(dmesg | grep -m1 "$_other: " | cut -c1-160)"
		fi
	fi
	# From here on A serves: the host's control channel is A's platform.
	if [ "$_bound" != "$_a" ] && [ -n "$_a" ]; then
		echo "$_bound" >$VD/unbind 2>/dev/null
		echo "$_a" >$VD/bind 2>/tmp/bind.err ||
			note "devices: bind $_a: $(cat /tmp/bind.err)"
		note "devices: $_bound unbound, $_a bound instead"
	fi
	_n0=$(dmesg | grep -c 'SCMI over virtio: ')
	if ! out=$(load_good); then
		result_fail no-p2a "$out"
		return
	fi
	find_stats
	# A: a single-queue device (no P2A)
	FT_ERR=
	_probe=$(dmesg | grep "$_a: SCMI over virtio: " | tail -n 1)
	case $_probe in
	*"eventq 0 (0 buffers), P2A no,"*) ;;
	*) ft_err "probe line: '${_probe#*] }'" ;;
	esac
	snap nop2a
	traffic no-p2a
	ft_want "evt_refills" "$(delta nop2a evt_refills)" 0
	ft_want "invalid_*" "$(invalid_sum nop2a)" 0
	ft_want timeouts "$(delta nop2a timeouts)" 0
	note "devices/no-p2a: ${_probe#*] }; module: $(tr -s ' ' <"$STATS" | tr '\n' ' ')"
	[ -z "$FT_ERR" ] && result_ok no-p2a || result_fail no-p2a "$FT_ERR"
	# The DT's arm,max-rx-timeout-ms (FT_DT_TIMEOUT_MS) rules over the
	# module's rx_timeout_ms (its default, 30000 ms, here): a reply held
	# back 5 s times out after about FT_DT_TIMEOUT_MS.
	ft_begin dt-max-rx-timeout "fault delay 5000 count=2 $FILT"
	vcall perf 2
	note "dt-max-rx-timeout: $C_LINE"
	ft_want "caller rc" "$C_RC" "-110:2"
	[ "$C_MAX" != "?" ] && [ "$C_MAX" -ge "$FT_DT_TIMEOUT_MS" ] && [ "$C_MAX" -lt 4000 ] ||
		ft_err "caller waited ${C_MAX} ms, want the DT's $FT_DT_TIMEOUT_MS ms (module parameter $(cat /sys/module/virtio_scmi/parameters/rx_timeout_ms) ms)"
	ft_want timeouts "$(delta dt-max-rx-timeout timeouts)" 2
	wait_delta dt-max-rx-timeout late 2 15
	ft_want "late replies" "$(delta dt-max-rx-timeout late)" 2
	ft_end --applied 2
}

# node_test NAME: virtio_scmi against a DT without a usable node
node_test() {
	_n0=$(dmesg | wc -l)
	if ! modprobe virtio_scmi 2>/tmp/mp.err; then
		result_fail "$1" "modprobe: $(cat /tmp/mp.err)"
		return
	fi
	modprobe vscmi_exerciser 2>/tmp/mp.err || { result_fail "$1" "exerciser: $(cat /tmp/mp.err)"; return; }
	sleep 3
	scmi_devs >/tmp/devs
	_new=$(dmesg | tail -n +$((_n0 + 1)))
	note "$1: devices: $(tr '\n' ';' </tmp/devs); exerciser: $(grep '^bound' $VX/info 2>/dev/null); scmi_protocol: $(ls /sys/bus/scmi_protocol/devices 2>/dev/null | tr '\n' ' ')"
	FT_ERR=
	if [ "$1" = no-dt-node ]; then
		# the device is refused with the reason; nothing reaches the core
		grep -q ' virtio_scmi$' /tmp/devs && ft_err "device bound without a DT node"
		echo "$_new" | grep -q 'no enabled device-tree node compatible with "arm,scmi-virtio"' ||
			ft_err "no message about the missing node"
		echo "$_new" | grep -q 'SCMI Protocol v' && ft_err "the core enumerated: $(echo "$_new" | grep -m1 'SCMI Protocol v')"
	else
		# the core runs (base protocol) and creates no protocol device
		grep -q ' virtio_scmi$' /tmp/devs || ft_err "device not bound: $(tr '\n' ';' </tmp/devs)"
		echo "$_new" | grep -q "SCMI Protocol v.*'virtio-scmi" ||
			ft_err "the core did not enumerate: $(echo "$_new" | grep -m1 -i scmi | cut -c1-160)"
		grep -q '^bound.* \(clock\|perf\|power\|sensor\|reset\)' $VX/info &&
			ft_err "the exerciser bound to a protocol: $(grep '^bound' $VX/info)"
	fi
	rmmod vscmi_exerciser 2>/dev/null
	rmmod virtio_scmi 2>/tmp/rm.err || ft_err "rmmod: $(cat /tmp/rm.err)"
	[ -e /sys/module/virtio_scmi ] && ft_err "still loaded after rmmod"
	[ -z "$FT_ERR" ] && result_ok "$1" || result_fail "$1" "$FT_ERR"
}

# --- main --------------------------------------------------------------------

t0=$(uptime_s)
if [ "$FT_MODE" = devices ]; then
	devices_test
elif [ "$FT_MODE" = nonode ]; then
	node_test no-dt-node
elif [ "$FT_MODE" = barenode ]; then
	node_test dt-node-without-protocols
elif [ "$FT_MODE" = reconnect ]; then
	if out=$(load_good); then
		find_stats
		reconnect_test
	else
		result_fail platform-restart "$out"
	fi
else
	param_tests
	# eventq buffers, from the probe message (read now: the flood's
	# messages from the core push it out of the kernel log later)
	EVT_BUFS=$(dmesg | sed -n 's/.*eventq [0-9]* (\([0-9]*\) buffers).*/\1/p' | tail -n 1)
	if [ -n "$STATS" ] || find_stats; then
		note "module parameters: $(for p in /sys/module/virtio_scmi/parameters/*; do printf '%s=%s ' "${p##*/}" "$(cat "$p")"; done)"
		trace_start
		fault_tests
		trace_check
		note "flood figures: $FLOOD_NOTE"
	else
		result_fail setup "no virtio_scmi stats in debugfs"
	fi
fi
echo "VSCMI-NOTE ft-end"
note "faults script took $(($(uptime_s) - t0)) s"
exit 0
