# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Boot a Debian arm64 kernel from the matrix under qemu-system-aarch64 (TCG)
# with a busybox initramfs, a DTB carrying the SCMI-over-virtio node and a
# vhost-user-scmi device backed by the test platform daemon.  Sources
# common.sh, report.sh (if not yet), kernels.sh and platform.sh.
#
# guest_boot [options]       boot once; returns 0 when the guest powered off
#                            by itself, 1 on timeout / QEMU error
#   --kernel NAME            kernel from tests/kernels.conf (default: first)
#   --name TEST              results go to $RESULTS/<kernel>/<TEST>/ (default
#                            "boot"): console.log, qemu.log, platform.log,
#                            status, cmdline, initrd, dtb
#   --script FILE            guest shell script (busybox sh) run by /init as
#                            /test.sh; ". /lib/vscmi/lib.sh" gives the helpers
#                            of tests/guest/lib.sh; stdout goes to the console
#   --modules "A.ko B.ko"    extra modules for /lib/modules/<rel>/extra/
#                            (depmod is run: aliases resolve, modprobe works)
#   --stock-modules "a b"    modules of the kernel itself to add (with deps)
#   --file SRC[:DST]         extra file for the initramfs (DST default
#                            /root/<basename>); repeatable
#   --transport pci|mmio     vhost-user-scmi-pci behind a pcie-root-port "rp0"
#                            (default) or vhost-user-scmi on virtio-mmio
#   --no-scmi                no SCMI device and no platform (plain guest)
#   --no-platform            SCMI device but do not start a platform (the
#                            caller started one: PLATFORM_SOCK must be set)
#   --reuse-platform         same as --no-platform, and keep it running
#   --platform-args "ARGS"   extra scmi-platform arguments (word-split)
#   --smp N (2) --mem MB (512) --timeout S (120)
#   --append "ARGS"          extra kernel command line
#   --no-autoload            guest init loads no module for devices by itself
#   --hold                   guest waits after VSCMI-DONE instead of powering
#                            off (for reboot tests); QEMU ends by timeout or
#                            by a "quit" the --during command sends
#   --allow-reboot           no -no-reboot: a reset reboots the guest
#   --qemu-args "ARGS"       extra QEMU arguments (word-split)
#   --during CMD             host command (bash -c) run while the guest runs,
#                            with PLATFORM_CTL, PLATFORM_SOCK, QEMU_MONITOR,
#                            QEMU_PIDFILE, GUEST_DIR, GUEST_CONSOLE exported;
#                            its output goes to <dir>/during.log, its status
#                            to <dir>/during.status; it can call
#                            platform_ctl, platform_stat, qemu_monitor and
#                            guest_wait_console.  Example (reset once the
#                            guest finished its script):
#                              --hold --allow-reboot --during
#                              'guest_wait_console "^VSCMI-DONE" 100 &&
#                               qemu_monitor system_reset && ...; qemu_monitor quit'
#
# After guest_boot: GUEST_DIR (the results dir), GUEST_CONSOLE (console.log),
# GUEST_STATUS ("poweroff", "timeout", "killed" (SIGKILL: by --during or
# after the timeout's grace period) or "qemu-exit N").
#
# guest_results PREFIX [DIR]  turn the guest's VSCMI-RESULT lines into
#                             t_pass/t_fail PREFIX/<name>; fail
#                             PREFIX/completed without VSCMI-DONE (or on
#                             timeout) and PREFIX/dmesg-clean on kernel
#                             warnings/oopses/lockdep/KASAN/... reports
# guest_dmesg [DIR]           print the dmesg the guest dumped
# guest_wait_console PATTERN SECONDS [COUNT]   (for --during commands) wait
#                             until console.log has COUNT (1) lines matching
#                             the extended regex PATTERN
# qemu_monitor CMD...         send one HMP command to $QEMU_MONITOR
# guest_initrd NAME [...]     build the initramfs only (prints its path)
# guest_dtb OUT [transport]   build the DTB only
#
# Guest kernel messages of interest carry printk timestamps; the guest init
# prints "VSCMI-BOOT <release> <uptime>" first.

declare -F t_pass >/dev/null || . "$TESTS/lib/report.sh"
declare -F kernel_prepare >/dev/null || . "$TESTS/lib/kernels.sh"
declare -F platform_start >/dev/null || . "$TESTS/lib/platform.sh"

QEMU=${QEMU:-qemu-system-aarch64}
GUEST_CPU=${GUEST_CPU:-max,pauth-impdef=on}
# Modules of the kernel always in the initramfs when they are =m.
GUEST_BASE_MODULES=${GUEST_BASE_MODULES:-virtio_mmio virtio_pci}
# SCMI protocols described in the DT: id and the node's cells property.
GUEST_SCMI_PROTOCOLS=${GUEST_SCMI_PROTOCOLS:-0x11 0x13 0x14 0x15 0x16 0x17 0x18}
# GUEST_SCMI_NODE: "full" (default), "bare" (the arm,scmi-virtio node
# without protocol children) or "none" (no such node); GUEST_SCMI_DT_PROPS:
# "NAME=U32 ..." extra cell properties of the node (arm,max-rx-timeout-ms).

_busybox() {
	local d=$CACHE/guest/busybox ver deb
	if [ ! -x "$d/busybox" ]; then
		ver=$(vapt_newest busybox-static trixie) || return 1
		deb=$(vapt_fetch "busybox-static=$ver" "$DEBS") || return 1
		rm -rf "$d.tmp" && mkdir -p "$d.tmp"
		dpkg-deb -x "$deb" "$d.tmp/x" || return 1
		cp "$d.tmp/x/usr/bin/busybox" "$d.tmp/busybox"
		qemu-aarch64-static "$d.tmp/busybox" --list >"$d.tmp/applets" || return 1
		rm -rf "$d.tmp/x" "$d" && mv "$d.tmp" "$d"
	fi
	echo "$d"
}

# _mod_closure MODDIR NAME...: relative paths of the named modules (=m only)
# and everything they depend on, from modules.dep.
_mod_closure() {
	local md=$1; shift
	awk -v want="$*" '
		BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) { gsub(/-/, "_", w[i]); W[w[i]] = 1 } }
		{
			sub(/:$/, "", $1); p = $1; sub(/:.*/, "", p)
			b = p; sub(/.*\//, "", b); sub(/\.ko(\.[a-z]+)?$/, "", b); gsub(/-/, "_", b)
			if (b in W) { print p; for (i = 2; i <= NF; i++) print $i }
		}' "$md/modules.dep" | sort -u
}

# _mod_copy MODDIR TREE REL PATH...: copy modules into TREE's module dir,
# decompressed (no decompression in the guest: busybox modprobe, speed).
_mod_copy() {
	local md=$1 tree=$2 rel=$3 p dst; shift 3
	for p in "$@"; do
		dst=$tree/lib/modules/$rel/${p%.xz}
		dst=${dst%.zst}; dst=${dst%.gz}
		mkdir -p "$(dirname "$dst")"
		case $p in
		*.xz) xz -dc "$md/$p" >"$dst" ;;
		*.zst) zstd -qdc "$md/$p" >"$dst" ;;
		*.gz) gzip -dc "$md/$p" >"$dst" ;;
		*) cp "$md/$p" "$dst" ;;
		esac || return 1
	done
}

# The per-kernel base initramfs: busybox, init, helpers, base modules.
_initrd_base() {
	local name=$1 rel md bb key d tree a mods
	rel=$(kernel_release "$name") || return 1
	md=$(kernel_modules_dir "$name") || return 1
	bb=$(_locked "$CACHE/guest/.busybox.lock" _busybox) || return 1
	key=$(cat "$TESTS/guest/init" "$TESTS/guest/hotplug" "$TESTS/guest/lib.sh" "$bb/applets" \
		<(echo "$GUEST_BASE_MODULES") | sha256sum | cut -c1-12)
	d=$CACHE/guest/initrd/$rel-$key
	[ -e "$d/.done" ] || _locked "$CACHE/guest/initrd/.lock" _initrd_base_make "$d" "$rel" "$md" "$bb" ||
		return 1
	echo "$d"
}

# _locked LOCKFILE CMD...: run CMD under an exclusive lock (other runs of
# the suites share the cache).
_locked() {
	local lock=$1
	shift
	mkdir -p "$(dirname "$lock")"
	( flock 9 && "$@" ) 9>"$lock"
}

_initrd_base_make() {
	local d=$1 rel=$2 md=$3 bb=$4 tree a mods
	if [ ! -e "$d/.done" ]; then
		rm -rf "$d" && mkdir -p "$d"
		tree=$d/tree
		mkdir -p "$tree"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,tmp,run,root,etc,lib/vscmi,lib/modules/"$rel"}
		cp "$bb/busybox" "$tree/bin/busybox"
		while read -r a; do
			[ "$a" = busybox ] || ln -sf busybox "$tree/bin/$a"
		done <"$bb/applets"
		for a in modprobe insmod rmmod lsmod modinfo depmod poweroff reboot halt uevent mdev; do
			ln -sf ../bin/busybox "$tree/sbin/$a"
		done
		install -m 0755 "$TESTS/guest/init" "$tree/init"
		install -m 0755 "$TESTS/guest/hotplug" "$tree/sbin/vscmi-hotplug"
		install -m 0644 "$TESTS/guest/lib.sh" "$tree/lib/vscmi/lib.sh"
		for a in modules.builtin modules.builtin.modinfo modules.order; do
			[ -e "$md/$a" ] && cp "$md/$a" "$tree/lib/modules/$rel/"
		done
		mapfile -t mods < <(_mod_closure "$md" $GUEST_BASE_MODULES)
		_mod_copy "$md" "$tree" "$rel" "${mods[@]}" || return 1
		depmod -b "$tree" "$rel" || return 1
		(cd "$tree" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -1) \
			>"$d/base.cpio.gz" || return 1
		touch "$d/.done"
	fi
}

# guest_initrd NAME OUT SCRIPT "MODULES" "STOCK" FILES...: build OUT.
_initrd_build() {
	local name=$1 out=$2 script=$3 extra=$4 stock=$5 base rel md tree f mods=()
	shift 5
	base=$(_initrd_base "$name") || return 1
	rel=$(kernel_release "$name"); md=$(kernel_modules_dir "$name")
	tree=$(mktemp -d "${TMPDIR:-/tmp}/vscmi-initrd.XXXXXX")
	mkdir -p "$tree/lib/modules/$rel"
	if [ -n "$extra" ] || [ -n "$stock" ]; then
		# depmod needs every module present: hard-link the base ones in.
		cp -al "$base/tree/lib/modules/$rel/." "$tree/lib/modules/$rel/"
		if [ -n "$stock" ]; then
			# shellcheck disable=SC2086
			mapfile -t mods < <(_mod_closure "$md" $stock)
			[ ${#mods[@]} -gt 0 ] || { echo "guest: no stock module among: $stock" >&2; rm -rf "$tree"; return 1; }
			_mod_copy "$md" "$tree" "$rel" "${mods[@]}" || { rm -rf "$tree"; return 1; }
		fi
		if [ -n "$extra" ]; then
			mkdir -p "$tree/lib/modules/$rel/extra"
			for f in $extra; do
				[ -r "$f" ] || { echo "guest: no module $f" >&2; rm -rf "$tree"; return 1; }
				cp "$f" "$tree/lib/modules/$rel/extra/"
			done
		fi
		depmod -b "$tree" "$rel" || { rm -rf "$tree"; return 1; }
		# Drop what the base archive already has (unchanged hard links).
		find "$tree/lib/modules/$rel" -type f -links +1 -delete
	fi
	[ -n "$script" ] && install -m 0755 "$script" "$tree/test.sh"
	for f in "$@"; do
		local src=${f%%:*} dst=${f#*:}
		[ "$dst" = "$f" ] && dst=/root/$(basename "$src")
		mkdir -p "$tree$(dirname "$dst")"
		cp -a "$src" "$tree$dst" || { rm -rf "$tree"; return 1; }
	done
	{
		cat "$base/base.cpio.gz"
		(cd "$tree" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -1)
	} >"$out"
	rm -rf "$tree"
}

guest_initrd() {
	local name=$1 out=${2:-$RESULTS/$1/initrd.gz}
	kernel_prepare "$name" || return 1
	mkdir -p "$(dirname "$out")"
	_initrd_build "$name" "$out" "${3:-}" "${4:-}" "${5:-}" && echo "$out"
}

# QEMU machine options shared by the DTB dump and the boot.
_qemu_machine_args() {
	local smp=$1 mem=$2
	echo "-machine virt,memory-backend=mem -cpu $GUEST_CPU -smp $smp -m ${mem}M -nodefaults -no-user-config" \
		"-object memory-backend-memfd,id=mem,size=${mem}M,share=on -accel tcg,thread=multi" \
		"-device pcie-root-port,id=rp0,chassis=1,slot=1"
}

# guest_dtb OUT SMP MEM: the virt machine's DTB plus /firmware/scmi, then
# GUEST_DT_HOOK if set: an executable run as "HOOK DTB" that edits the DTB
# in place with fdtput (its content is part of the cache key).  The
# vhost-user device itself is left out of the dump (realizing it needs a
# connected back end); it does not change the DT: PCI devices are probed,
# and the virt board's virtio-mmio slots are in the DT whether used or not.
guest_dtb() {
	local out=$1 smp=${2:-2} mem=${3:-512} args key base p node
	args=$(_qemu_machine_args "$smp" "$mem")
	key=$( { echo "$QEMU $($QEMU --version | head -n 1) $args $GUEST_SCMI_PROTOCOLS${GUEST_SCMI_NODE:+ node=$GUEST_SCMI_NODE}${GUEST_SCMI_DT_PROPS:+ props=$GUEST_SCMI_DT_PROPS}"
		[ -z "${GUEST_DT_HOOK:-}" ] || cat "$GUEST_DT_HOOK"; } | sha256sum | cut -c1-12)
	base=$CACHE/guest/dtb/$key.dtb
	[ -s "$base" ] || _locked "$CACHE/guest/dtb/.lock" _dtb_make "$base" "$args" || return 1
	cp "$base" "$out"
}

_dtb_make() {
	local base=$1 args=$2 p node protos
	if [ ! -s "$base" ]; then
		mkdir -p "$CACHE/guest/dtb"
		# shellcheck disable=SC2086
		$QEMU $args -display none -machine dumpdtb="$base.virt" >"$base.log" 2>&1 ||
			{ cat "$base.log" >&2; return 1; }
		cp "$base.virt" "$base.tmp"
		# (fdtput packs the tree; QEMU's dump is padded to 1 MiB, which
		# the guest does not boot from)
		[ "${GUEST_SCMI_NODE:-full}" != none ] || dtc -q -I dtb -O dtb -o "$base.tmp" "$base.virt" || return 1
		if [ "${GUEST_SCMI_NODE:-full}" != none ]; then
			fdtput -p -c "$base.tmp" /firmware/scmi &&
			fdtput -t s "$base.tmp" /firmware/scmi compatible arm,scmi-virtio &&
			fdtput -t i "$base.tmp" /firmware/scmi '#address-cells' 1 &&
			fdtput -t i "$base.tmp" /firmware/scmi '#size-cells' 0 || return 1
			for p in ${GUEST_SCMI_DT_PROPS:-}; do
				fdtput -t i "$base.tmp" /firmware/scmi "${p%%=*}" "${p#*=}" || return 1
			done
		fi
		protos=$GUEST_SCMI_PROTOCOLS
		[ "${GUEST_SCMI_NODE:-full}" = full ] || protos=
		for p in $protos; do
			node=/firmware/scmi/protocol@${p#0x}
			fdtput -c "$base.tmp" "$node" && fdtput -t x "$base.tmp" "$node" reg "$p" || return 1
			case $p in
			0x11|0x13) fdtput -t i "$base.tmp" "$node" '#power-domain-cells' 1 ;;
			0x14) fdtput -t i "$base.tmp" "$node" '#clock-cells' 1 ;;
			0x15) fdtput -t i "$base.tmp" "$node" '#thermal-sensor-cells' 1 ;;
			0x16) fdtput -t i "$base.tmp" "$node" '#reset-cells' 1 ;;
			0x17)
				fdtput -c "$base.tmp" "$node/regulators" &&
				fdtput -t i "$base.tmp" "$node/regulators" '#address-cells' 1 &&
				fdtput -t i "$base.tmp" "$node/regulators" '#size-cells' 0 &&
				fdtput -c "$base.tmp" "$node/regulators/regulator@0" &&
				fdtput -t x "$base.tmp" "$node/regulators/regulator@0" reg 0 &&
				fdtput -t s "$base.tmp" "$node/regulators/regulator@0" regulator-name scmi_vreg0
				;;
			esac || return 1
		done
		if [ -n "${GUEST_DT_HOOK:-}" ]; then
			"$GUEST_DT_HOOK" "$base.tmp" >>"$base.log" 2>&1 ||
				{ echo "guest: GUEST_DT_HOOK $GUEST_DT_HOOK failed:" >&2; cat "$base.log" >&2; return 1; }
		fi
		dtc -I dtb -O dts -o "$base.dts" "$base.tmp" 2>/dev/null || { echo "guest: bad DTB" >&2; return 1; }
		mv "$base.tmp" "$base"
	fi
}

qemu_monitor() {
	[ -n "${QEMU_MONITOR:-}" ] || { echo "qemu_monitor: QEMU_MONITOR not set" >&2; return 2; }
	python3 - "$QEMU_MONITOR" "$*" <<'EOF'
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(5)
s.connect(sys.argv[1])
def until_prompt():
    buf = b""
    while not buf.rstrip().endswith(b"(qemu)"):
        try:
            d = s.recv(4096)
        except socket.timeout:
            break
        if not d:
            break
        buf += d
    return buf.decode(errors="replace")
until_prompt()
s.sendall(sys.argv[2].encode() + b"\n")
out = until_prompt()
lines = [l for l in out.replace("\r", "").split("\n") if l and not l.startswith("(qemu)") and sys.argv[2] not in l]
print("\n".join(lines))
EOF
}

# console_lines FILE: the complete lines of a console log being written,
# carriage returns removed.  QEMU writes the serial port as the guest
# sends it, so the last line may be half there: a reader that acted on it
# would see "fault eventq-sta" for "fault eventq-starve", or "delay-on 30"
# for "delay-on 300".
console_lines() {
	local c
	c=$(tr -d '\r' <"$1" 2>/dev/null; echo .)
	c=${c%.}
	if [ "${c: -1}" = $'\n' ]; then
		printf '%s' "$c"
	elif [[ $c == *$'\n'* ]]; then
		printf '%s\n' "${c%$'\n'*}"
	fi
}

# guest_wait_console PATTERN SECONDS [COUNT]
guest_wait_console() {
	local pat=$1 secs=$2 count=${3:-1} end
	end=$(( $(date +%s) + secs ))
	while [ "$(console_lines "${GUEST_CONSOLE:?}" | grep -cE -- "$pat")" -lt "$count" ]; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.2
	done
}
export -f console_lines guest_wait_console qemu_monitor

guest_boot() {
	local kname="" test=boot script="" modules="" stock="" transport=pci scmi=1 own_platform=1
	local platform_args="" smp=2 mem=512 timeout=120 append="" autoload=1 hold=0 reboot=0
	local qemu_extra="" during="" files=() dir rel args qpid rc t0 noreboot=-no-reboot
	while [ $# -gt 0 ]; do
		case $1 in
		--kernel) kname=$2; shift 2 ;;
		--name) test=$2; shift 2 ;;
		--script) script=$2; shift 2 ;;
		--modules) modules=$2; shift 2 ;;
		--stock-modules) stock=$2; shift 2 ;;
		--file) files+=("$2"); shift 2 ;;
		--transport) transport=$2; shift 2 ;;
		--no-scmi) scmi=0; own_platform=0; shift ;;
		--no-platform|--reuse-platform) own_platform=0; shift ;;
		--platform-args) platform_args=$2; shift 2 ;;
		--smp) smp=$2; shift 2 ;;
		--mem) mem=$2; shift 2 ;;
		--timeout) timeout=$2; shift 2 ;;
		--append) append=$2; shift 2 ;;
		--no-autoload) autoload=0; shift ;;
		--hold) hold=1; shift ;;
		--allow-reboot) reboot=1; noreboot=""; shift ;;
		--qemu-args) qemu_extra=$2; shift 2 ;;
		--during) during=$2; shift 2 ;;
		*) echo "guest_boot: unknown option $1" >&2; return 2 ;;
		esac
	done
	[ -n "$kname" ] || kname=$(kernels_all | head -n 1)
	case $transport in pci|mmio) ;; *) echo "guest_boot: --transport pci|mmio" >&2; return 2 ;; esac
	kernel_prepare "$kname" || return 1
	rel=$(kernel_release "$kname")
	dir=$RESULTS/$kname/$test
	# The directory may hold a platform the caller started: clear only ours.
	mkdir -p "$dir"
	rm -f "$dir"/{console.log,qemu.log,status,wall,cmdline,initrd.gz,virt-scmi.dtb,during.log,during.status,bad-patterns}
	rm -f "$dir"/{qemu.pid,monitor.sock}
	GUEST_DIR=$dir GUEST_CONSOLE=$dir/console.log GUEST_STATUS=""
	export GUEST_DIR GUEST_CONSOLE
	: >"$GUEST_CONSOLE"

	# The bad patterns, for the guest's kmsg watcher and kernel_clean.
	printf '%s\n' "$GUEST_BAD_PATTERNS" >"$dir/bad-patterns"
	files+=("$dir/bad-patterns:/lib/vscmi/bad-patterns")
	_initrd_build "$kname" "$dir/initrd.gz" "$script" "$modules" "$stock" "${files[@]}" ||
		{ GUEST_STATUS="initrd-failed"; echo "$GUEST_STATUS" >"$dir/status"; return 1; }
	guest_dtb "$dir/virt-scmi.dtb" "$smp" "$mem" ||
		{ GUEST_STATUS="dtb-failed"; echo "$GUEST_STATUS" >"$dir/status"; return 1; }

	if [ "$own_platform" = 1 ]; then
		# shellcheck disable=SC2086
		platform_start "$dir" $platform_args ||
			{ GUEST_STATUS="platform-failed"; echo "$GUEST_STATUS" >"$dir/status"; return 1; }
	elif [ "$scmi" = 1 ] && [ -z "${PLATFORM_SOCK:-}" ]; then
		echo "guest_boot: --no-platform/--reuse-platform without PLATFORM_SOCK" >&2
		return 2
	fi

	# A log buffer no test run wraps (fuzz and the notification flood log
	# thousands of core errors) and KERN_WARNING and above on the console
	# (quiet alone shows only KERN_ERR and above).
	local extra cmdline="console=ttyAMA0 panic=-1 oops=panic quiet loglevel=5 log_buf_len=16M"
	cmdline+=" printk.time=1 vscmi.autoload=$autoload vscmi.hold=$hold"
	cmdline+=${append:+ $append}
	# The sanitizer kernel's own options (tests/sanitize/kernel.sh).
	extra=$(sanitize_cmdline "$kname")
	cmdline+=${extra:+ $extra}
	[ "$reboot" = 1 ] && cmdline=${cmdline/panic=-1/panic=0}
	echo "$cmdline" >"$dir/cmdline"
	args=$(_qemu_machine_args "$smp" "$mem")
	QEMU_MONITOR=$dir/monitor.sock QEMU_PIDFILE=$dir/qemu.pid
	export QEMU_MONITOR QEMU_PIDFILE
	local dev=()
	if [ "$scmi" = 1 ]; then
		# GUEST_CHARDEV_OPTS: extra chardev options (",server=on,wait=on":
		# QEMU listens, a "--connect" platform connects).
		dev=(-chardev "socket,id=vscmi,path=$PLATFORM_SOCK${GUEST_CHARDEV_OPTS:-}")
		if [ "$transport" = pci ]; then
			dev+=(-device "vhost-user-scmi-pci,chardev=vscmi,id=scmi,bus=rp0")
		else
			# The virt board's virtio-mmio slots are legacy (0.9.5)
			# unless told otherwise; SCMI needs VERSION_1.
			dev+=(-global virtio-mmio.force-legacy=false)
			dev+=(-device "vhost-user-scmi,chardev=vscmi,id=scmi")
		fi
	fi
	t0=$(date +%s.%N)
	# shellcheck disable=SC2086
	# In a subshell, so bash reports no "Killed" job when QEMU is SIGKILLed.
	( timeout -k 5 "$timeout" $QEMU $args -display none \
		-serial "file:$GUEST_CONSOLE" -monitor "unix:$QEMU_MONITOR,server=on,wait=off" \
		-pidfile "$QEMU_PIDFILE" $noreboot \
		-kernel "$(kernel_image "$kname")" -initrd "$dir/initrd.gz" -dtb "$dir/virt-scmi.dtb" \
		-append "$cmdline" "${dev[@]}" $qemu_extra >"$dir/qemu.log" 2>&1; exit $? ) 2>/dev/null &
	qpid=$!
	if [ -n "$during" ]; then
		(
			export PLATFORM_CTL PLATFORM_SOCK
			bash -c "$during" >"$dir/during.log" 2>&1
			echo $? >"$dir/during.status"
		)
	fi
	rc=0
	wait "$qpid" || rc=$?
	local took
	took=$(echo "$(date +%s.%N) - $t0" | bc)
	case $rc in
	0) GUEST_STATUS=poweroff ;;
	124) GUEST_STATUS=timeout ;;
	137)
		# SIGKILL: the timeout's last resort, or a --during command.
		if [ "$(echo "$took >= $timeout" | bc)" = 1 ]; then
			GUEST_STATUS=timeout
		else
			GUEST_STATUS=killed
		fi
		;;
	*) GUEST_STATUS="qemu-exit $rc" ;;
	esac
	echo "$GUEST_STATUS" >"$dir/status"
	echo "$took" >"$dir/wall"
	if [ "$own_platform" = 1 ]; then
		platform_stop
	fi
	[ "$GUEST_STATUS" = poweroff ]
}

guest_dmesg() {
	local dir=${1:-$GUEST_DIR}
	tr -d '\r' <"$dir/console.log" | sed -n '/^VSCMI-DMESG-BEGIN$/,/^VSCMI-DMESG-END$/p' | sed '1d;$d'
}

# Kernel reports that fail a test run whatever the test checked.
# kmemleak reports, not its start-up lines ("kmemleak: Kernel memory leak
# detector initialized"): a scan's summary line and each leak's header.
GUEST_BAD_PATTERNS='WARNING:|BUG:|Oops|Call [Tt]race|possible circular locking|soft lockup|hung task|KASAN|suspected memory leak|unreferenced object|kmemleak: .*(disabled|[Ff]ail|[Cc]annot)|Kernel panic|UBSAN|refcount_t:'

# _taint_decode MASK: the taint bits of MASK as "9:W 7:D".
_taint_decode() {
	local t=$1 b=0 out="" letters=PFSRMBUDAWCIOELKXTNJ
	while [ "$t" -gt 0 ]; do
		[ $((t & 1)) = 1 ] && out+=" $b:${letters:b:1}"
		t=$((t >> 1)) b=$((b + 1))
	done
	echo "${out# }"
}

# guest_results PREFIX [DIR]
# The boot's fate is judged whole, each judgement its own result:
#   PREFIX/<name>       every VSCMI-RESULT (and VSCMI-SKIP) line
#   PREFIX/completed    VSCMI-DONE was printed
#   PREFIX/script-exit  the test script exited 0 (boots of our /init)
#   PREFIX/results      the guest counted as many results as were parsed
#                       here (a result lost or garbled on the console)
#   PREFIX/shutdown     the boot ended as expected: powered off by itself
#                       (GUEST_END_STATUS, default "poweroff"), in time
#   PREFIX/tainted      no taint bit beyond O (out-of-tree) and E
#                       (unsigned module), read just before the dump
#   PREFIX/dmesg-clean  no bad pattern anywhere on the console (the dmesg
#                       dumps, the kmsg watcher's KMSG lines, printk)
#   PREFIX/plan/<name>  GUEST_PLAN ("NAME..." relative to PREFIX, globs
#                       allowed): each must match a reported result, and
#                       with a plan every reported result must match one
# Every failure names the console log.
guest_results() {
	local prefix=$1 dir=${2:-$GUEST_DIR} con status line name reason bad n=0 want rc taint pat boots exits t
	local log want_status=${GUEST_END_STATUS:-poweroff} names=()
	log=$dir/console.log
	con=$(tr -d '\r' <"$log")
	status=$(cat "$dir/status" 2>/dev/null || echo "not booted")
	while IFS= read -r line; do
		case $line in
		*"VSCMI-SKIP "*)
			line=${line#*VSCMI-SKIP }
			name=${line%%: *}
			t_skip "$prefix/$name" "${line#*: }"
			names+=("$name") n=$((n + 1))
			continue
			;;
		esac
		line=${line#*VSCMI-RESULT }
		case $line in
		"ok "*"# SKIP"*)
			# A skipped check is never a pass.
			line=${line#ok }
			name=${line%%#*}; name=${name%"${name##*[! ]}"}
			t_skip "$prefix/$name" "${line#*# SKIP }"
			;;
		"skip "*)
			line=${line#skip }
			name=${line%%: *}; reason=${line#*: }
			[ "$reason" = "$line" ] && reason="skipped in the guest"
			t_skip "$prefix/$name" "$reason"
			;;
		"ok "*) name=${line#ok }; t_pass "$prefix/$name" ;;
		"not ok "*)
			line=${line#not ok }
			name=${line%%: *}; reason=${line#*: }
			[ "$reason" = "$line" ] && reason="failed in the guest"
			t_fail "$prefix/$name" "$reason"
			;;
		*)
			t_fail "$prefix/unparsed" "result line '$line' ($log)"
			continue
			;;
		esac
		names+=("$name") n=$((n + 1))
	done < <(printf '%s\n' "$con" | grep -aE 'VSCMI-(RESULT|SKIP) ' || true)
	# Here-strings, not "printf | grep -q": grep -q exits at the first
	# match and, with pipefail, printf's SIGPIPE on a long console would
	# fail the pipeline.
	if grep -aq '^VSCMI-DONE' <<<"$con"; then
		t_pass "$prefix/completed"
	else
		t_fail "$prefix/completed" "no VSCMI-DONE (status: $status; console $log)"
	fi
	# Per boot of our /init (a reboot test has several): the script's exit
	# status, the count of results it emitted, the taint.
	boots=$(grep -ac '^VSCMI-BOOT ' <<<"$con" || true)
	if [ "$boots" -gt 0 ]; then
		rc=$(sed -n 's/^VSCMI-SCRIPT-EXIT //p' <<<"$con" | grep -vxE '0|none' | head -n 1 || true)
		exits=$(grep -ac '^VSCMI-SCRIPT-EXIT ' <<<"$con" || true)
		if [ -n "$rc" ]; then
			t_fail "$prefix/script-exit" "the test script exited $rc ($log)"
		elif [ "$exits" -lt "$boots" ]; then
			t_fail "$prefix/script-exit" "the test script never returned to /init ($exits of $boots boots; $log)"
		else
			t_pass "$prefix/script-exit"
		fi
		want=$(sed -n 's/^VSCMI-RESULTS //p' <<<"$con" | awk '{ s += $1; n++ } END { if (n) print s }')
		if [ -z "$want" ]; then
			t_fail "$prefix/results" "the guest printed no result count ($log)"
		elif [ "$want" != "$n" ]; then
			t_fail "$prefix/results" "the guest emitted $want results, $n were parsed from $log"
		else
			t_pass "$prefix/results"
		fi
		taint=""
		for t in $(sed -n 's/^VSCMI-TAINT \([0-9]*\)$/\1/p' <<<"$con"); do
			taint=$((${taint:-0} | t))
		done
		if [ -z "$taint" ]; then
			t_fail "$prefix/tainted" "no VSCMI-TAINT line ($log)"
		elif [ $((taint & ~((1 << 12) | (1 << 13)))) -ne 0 ]; then
			t_fail "$prefix/tainted" "kernel tainted $taint: $(_taint_decode $((taint & ~((1 << 12) | (1 << 13))))) ($log)"
		else
			t_pass "$prefix/tainted"
		fi
	fi
	if [ "$status" = "$want_status" ]; then
		t_pass "$prefix/shutdown"
	else
		t_fail "$prefix/shutdown" "the boot ended '$status', expected '$want_status' ($log)"
	fi
	bad=$(grep -av '^VSCMI-' <<<"$con" | grep -aE -- "$GUEST_BAD_PATTERNS" | head -n 1 || true)
	if ! grep -aq '^VSCMI-DMESG-END' <<<"$con"; then
		t_fail "$prefix/dmesg-clean" "no dmesg dump on the console${bad:+; saw: $bad} ($log)"
	elif [ -n "$bad" ]; then
		t_fail "$prefix/dmesg-clean" "$bad ($log)"
	else
		t_pass "$prefix/dmesg-clean"
	fi
	[ -n "${GUEST_PLAN:-}" ] || return 0
	local plan=()
	read -rd "" -a plan <<<"$GUEST_PLAN"
	for pat in "${plan[@]}"; do
		t_glob_hit "$pat" - "${names[@]}" || t_fail "$prefix/plan/$pat" "planned, never reported ($log)"
	done
	for name in "${names[@]}"; do
		t_glob_hit - "$name" "${plan[@]}" || t_fail "$prefix/plan/$name" "reported, not in the plan ($log)"
	done
	return 0
}
