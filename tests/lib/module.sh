# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Building the virtio_scmi module for the matrix kernels, and the checks of
# the "build" suite.  Source tests/lib/common.sh and tests/lib/report.sh
# first (tests/run does); this file sources kernels.sh if needed.
#
#   module_src_copy DEST              copy what dkms builds (Kbuild, src/
#                                     without the diag tool, no build
#                                     products) into DEST
#   module_build KERNEL OUTDIR [MAKE ARGS...]
#                                     build the module for KERNEL; OUTDIR
#                                     gets virtio_scmi.ko (on success) and
#                                     build.log (always); status 0 on success
#   module_ko KERNEL                  print the path of a cached build of the
#                                     current sources for KERNEL (rebuilt when
#                                     Kbuild or src/ changed)
#   module_build_tests KERNEL         results build/<KERNEL>/<check>; the
#                                     kernel-independent checks run once, on
#                                     the first kernel this is called for
#
# Module builds need a native compiler in the kernel's build chroot for the
# layout checker (src/shim/btfcheck, a kbuild host program); it is installed
# there on first use if the chroot lacks one.

if ! declare -F kernel_build_module >/dev/null; then
	# shellcheck source=tests/lib/kernels.sh
	. "$TESTS/lib/kernels.sh"
fi

MODULE_NAME=virtio_scmi
MODULE_ALIAS='virtio:d00000020v*'
# Modules virtio_scmi may depend on (Debian builds the virtio core in).
MODULE_ALLOWED_DEPENDS=""
MODULE_CACHE=$CACHE/module
FIXTURES=$TESTS/fixtures
_MODULE_ONCE_DONE=${_MODULE_ONCE_DONE:-}

# module_src_copy DEST
module_src_copy() {
	local dest=$1
	mkdir -p "$dest"
	tar -C "$TOP" -cf - \
		--exclude=src/virtio-scmi-diag \
		--exclude='*.o' --exclude='*.ko' --exclude='*.mod' --exclude='*.mod.c' \
		--exclude='.*.cmd' --exclude='*.a' --exclude=modules.order --exclude=Module.symvers \
		--exclude=src/shim/btfcheck --exclude=src/shim/layout.s \
		--exclude=src/shim/layout.txt --exclude=src/shim/layout.ok \
		Kbuild src | tar -C "$dest" -xf -
}

# _module_hostcc KERNEL: make sure the build chroot has a native gcc.
_module_hostcc() {
	local root
	root=$(kernel_chroot "$1") || return 1
	[ -x "$root/usr/bin/gcc" ] && return 0
	(
		flock 9
		[ -x "$root/usr/bin/gcc" ] && exit 0
		log "installing a native gcc into the $1 build chroot (for src/shim/btfcheck)"
		chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/ LC_ALL=C.UTF-8 \
			DEBIAN_FRONTEND=noninteractive sh -c \
			'apt-get -q update && apt-get -q install -y --no-install-recommends gcc libc6-dev' \
			>"$KCACHE/$1/hostcc.log" 2>&1 ||
			{ tail -n 5 "$KCACHE/$1/hostcc.log" >&2; exit 1; }
	) 9>"$KCACHE/.lock-$1"
}

# _module_build_tree KERNEL TREE OUTDIR [MAKE ARGS...]: build a prepared tree.
_module_build_tree() {
	local k=$1 tree=$2 out=$3
	shift 3
	kernel_prepare "$k" || return 1
	_module_hostcc "$k" || return 1
	mkdir -p "$out"
	rm -f "$out"/*.ko "$out/build.log" "$out/Module.symvers"
	kernel_build_module "$k" "$tree" "$out" "$@"
}

# module_build KERNEL OUTDIR [MAKE ARGS...]
module_build() {
	local k=$1 out=$2 tmp rc=0
	shift 2
	tmp=$(mktemp -d)
	module_src_copy "$tmp"
	_module_build_tree "$k" "$tmp" "$out" "$@" || rc=$?
	rm -rf "$tmp"
	return "$rc"
}

# Fingerprint of everything module_src_copy copies.
_module_src_hash() {
	(cd "$TOP" && find Kbuild src -path src/virtio-scmi-diag -prune -o -type f \
		! -name '*.o' ! -name '*.ko' ! -name '*.mod' ! -name '*.mod.c' ! -name '.*.cmd' \
		! -path src/shim/btfcheck ! -path 'src/shim/layout.[sto]*' -print0 |
		sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
}

# module_ko KERNEL: cached build of the current sources; prints the .ko path.
# The directory is named by the sources' hash: two trees (or clones) with
# different sources never build into, or load from, the same path.
module_ko() {
	local k=$1 d h
	kernel_prepare "$k" || return 1
	h=$(_module_src_hash)
	d=$MODULE_CACHE/$k-$(kernel_release "$k")-${h:0:16}
	mkdir -p "$MODULE_CACHE"
	(
		flock 9
		if [ -e "$d/$MODULE_NAME.ko" ] && [ "$(cat "$d/src.sha256" 2>/dev/null)" = "$h" ]; then
			exit 0
		fi
		rm -f "$d/src.sha256"
		module_build "$k" "$d" >&2 || exit 1
		echo "$h" >"$d/src.sha256"
	) 9>"$MODULE_CACHE/.lock-$k" || return 1
	echo "$d/$MODULE_NAME.ko"
}

# The ABI revision name src/shim/abi.h must pick for a kernel release.
_module_expected_abi() {
	case $1 in
	6.12.*) echo 6.12 ;;
	6.13.*) echo 6.13 ;;
	6.14.*|6.1[5-9].*|7.0.*) echo 6.14 ;;
	7.[123].*) echo 7.1 ;;
	*) echo unknown ;;
	esac
}

# A revision that is wrong for the kernel (for the mismatch test).
_module_wrong_abi() {
	case $(_module_expected_abi "$1") in
	6.12) echo 613 ;;
	*) echo 614 ;;
	esac
}

# Lines of a build log that show a module object being compiled.
_module_compiled_objects() {
	grep -E 'CC \[M\] +(.*/)?src/.*\.o$' "$1" | grep -v '/src/shim/layout\.' || true
}

# _module_test_build KERNEL NAME: build the sources and judge the log.
_module_check_module() {
	local k=$1 t=$2 out=$3 warn
	if ! module_build "$k" "$out" 2>/dev/null; then
		t_fail "$t/module" "build failed: $(grep -m1 -E 'error:|\*\*\*' "$out/build.log" || tail -n 1 "$out/build.log")"
		return 1
	fi
	warn=$(grep -ci 'warning:' "$out/build.log" || true)
	if [ "$warn" -gt 0 ]; then
		t_fail "$t/module" "$warn warning(s): $(grep -m1 -i 'warning:' "$out/build.log")"
		return 0
	fi
	t_pass "$t/module"
}

_module_check_modinfo() {
	local t=$1 ko=$2 rel=$3 vm lic dep aliases bad="" d
	vm=$(modinfo -F vermagic "$ko" 2>&1) || { t_fail "$t/modinfo" "modinfo failed: $vm"; return; }
	lic=$(modinfo -F license "$ko")
	dep=$(modinfo -F depends "$ko")
	aliases=$(modinfo -F alias "$ko")
	case $vm in
	"$rel "*) ;;
	*) bad+="vermagic '$vm' does not start with '$rel '; " ;;
	esac
	printf '%s\n' "$aliases" | grep -qxF "$MODULE_ALIAS" || bad+="no alias $MODULE_ALIAS (have: ${aliases:-none}); "
	[ "$lic" = GPL ] || bad+="license '$lic', want GPL; "
	for d in ${dep//,/ }; do
		case " $MODULE_ALLOWED_DEPENDS " in
		*" $d "*) ;;
		*) bad+="unexpected depends '$d'; " ;;
		esac
	done
	if [ -n "$bad" ]; then
		t_fail "$t/modinfo" "${bad%; }"
	else
		t_pass "$t/modinfo"
	fi
}

_module_check_layout() {
	local k=$1 t=$2 log=$3 rel=$4 btf want line
	want=$(_module_expected_abi "$rel")
	if ! btf=$(kernel_btf "$k" 2>/dev/null); then
		if grep -q 'virtio_scmi: warning: no BTF' "$log"; then
			t_skip "$t/layout-check" "the headers of $rel ship no vmlinux (BTF); the build said so"
		else
			t_fail "$t/layout-check" "no BTF for $rel and the build did not warn about it"
		fi
		return
	fi
	line=$(grep -m1 'virtio_scmi: layout check passed' "$log" || true)
	if [ -z "$line" ]; then
		t_fail "$t/layout-check" "headers ship BTF ($btf) but the build log has no passed layout check: $(grep -m1 'virtio_scmi:' "$log" || echo 'no virtio_scmi line')"
	elif [[ $line != *"(ABI revision $want"* || $line != *", Linux $rel)" ]]; then
		t_fail "$t/layout-check" "wrong revision or kernel: '$line' (want ABI revision $want for $rel)"
	else
		t_pass "$t/layout-check"
		t_note "$line"
	fi
}

# _module_expect_mismatch T NAME OUT WANT...: the build in OUT must have
# failed in the layout check, naming every WANT, before any module object.
_module_expect_mismatch() {
	local t=$1 name=$2 out=$3 w objs
	shift 3
	if ls "$out"/*.ko >/dev/null 2>&1; then
		t_fail "$t/$name" "the build produced a module despite the wrong layout"
		return
	fi
	for w in "$@"; do
		if ! grep -qF -- "$w" "$out/build.log"; then
			t_fail "$t/$name" "build failed but the log lacks '$w': $(grep -m1 -E 'error|virtio_scmi:' "$out/build.log")"
			return
		fi
	done
	objs=$(_module_compiled_objects "$out/build.log")
	if [ -n "$objs" ]; then
		t_fail "$t/$name" "module objects were compiled before the check stopped the build: $(echo "$objs" | head -n 1)"
		return
	fi
	t_pass "$t/$name"
	if [[ $1 == *" member "* ]]; then
		t_note "$(grep -m1 -F -- "$1" "$out/build.log")"
	else
		t_note "$(grep -m1 -E 'layout mismatch.* member .* kernel has it at' "$out/build.log")"
	fi
}

_module_check_mismatch() {
	local k=$1 t=$2 out=$3 rel=$4 wrong tmp fixture hdr expect
	wrong=$(_module_wrong_abi "$rel")
	if module_build "$k" "$out/forced-$wrong" "VSCMI_FORCE_ABI=$wrong" 2>/dev/null; then
		t_fail "$t/layout-mismatch" "VSCMI_FORCE_ABI=$wrong built against $rel: the check did not stop it"
	else
		_module_expect_mismatch "$t" layout-mismatch "$out/forced-$wrong" \
			"virtio_scmi: layout mismatch with the target kernel's arm_scmi core: struct scmi_" \
			" member " "(ABI revision ${wrong:0:1}.${wrong:1}" "selected for Linux $rel)" \
			"refusing to build"
	fi

	# A header with one member moved, in place of the revision's own.
	case $(_module_expected_abi "$rel") in
	6.12)
		fixture=layout-6.12-moved.h hdr=abi-6.12.h
		expect="struct scmi_chan_info member no_completion_irq at offset 17, kernel has it at 32"
		;;
	7.1)
		fixture=layout-7.1-moved.h hdr=abi-7.1.h
		expect="struct scmi_desc member no_completion_irq at offset 27, kernel has it at 24"
		;;
	*)
		t_skip "$t/layout-moved-member" "no moved-member fixture for $rel"
		return
		;;
	esac
	tmp=$(mktemp -d)
	module_src_copy "$tmp"
	cp "$FIXTURES/$fixture" "$tmp/src/shim/$hdr"
	cp "$FIXTURES/layout-common.h" "$tmp/src/shim/layout-common.h"
	if _module_build_tree "$k" "$tmp" "$out/moved-member" 2>/dev/null; then
		t_fail "$t/layout-moved-member" "a layout with a moved member built against $rel"
	else
		_module_expect_mismatch "$t" layout-moved-member "$out/moved-member" "$expect" \
			"(ABI revision ${hdr:4:-2}-fixture-moved-member selected for Linux $rel)"
	fi
	rm -rf "$tmp"
}

# _module_fake_headers KERNEL MAJOR MINOR: a copy of the kernel's headers in
# its chroot claiming to be Linux MAJOR.MINOR.0; prints the chroot path.
_module_fake_headers() {
	local k=$1 maj=$2 min=$3 root hdr fake v
	root=$(kernel_chroot "$k") || return 1
	hdr=$(kernel_headers "$k") || return 1
	mkdir -p "$root/build"
	fake=$(mktemp -d "$root/build/fakehdr.XXXXXX")
	cp -a "$root$hdr/." "$fake/"
	# 7.x headers name their own directory as the output directory
	sed -i "s|^KBUILD_OUTPUT=.*|KBUILD_OUTPUT=${fake#"$root"}|" "$fake/Makefile"
	v=$fake/include/generated/uapi/linux/version.h
	[ -w "$v" ] || { echo "no $v" >&2; rm -rf "$fake"; return 1; }
	sed -i -e "s/^#define LINUX_VERSION_CODE .*/#define LINUX_VERSION_CODE $(( (maj << 16) + (min << 8) ))/" \
		-e "s/^#define LINUX_VERSION_MAJOR .*/#define LINUX_VERSION_MAJOR $maj/" \
		-e "s/^#define LINUX_VERSION_PATCHLEVEL .*/#define LINUX_VERSION_PATCHLEVEL $min/" \
		-e "s/^#define LINUX_VERSION_SUBLEVEL .*/#define LINUX_VERSION_SUBLEVEL 0/" "$v"
	echo "${fake#"$root"}"
}

# _module_build_fake KERNEL MAJOR MINOR OUTDIR: build against fake headers.
_module_build_fake() {
	local k=$1 out=$4 root fake b rc=0
	root=$(kernel_chroot "$k") || return 1
	fake=$(_module_fake_headers "$k" "$2" "$3") || return 1
	mkdir -p "$out"
	b=$(mktemp -d "$root/build/m.XXXXXX")
	module_src_copy "$b"
	chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/ LC_ALL=C.UTF-8 \
		make -C "$fake" M="${b#"$root"}" -j2 modules >"$out/build.log" 2>&1 || rc=$?
	rm -rf "$b" "$root$fake"
	return "$rc"
}

_module_check_unknown() {
	local k=$1 t=$2 out=$3 v maj min bad=""
	for v in 6.11 7.4; do
		maj=${v%.*} min=${v#*.}
		if _module_build_fake "$k" "$maj" "$min" "$out/fake-$v"; then
			bad+="a fake Linux $v built; "
		elif ! grep -qF "virtio_scmi: arm_scmi core ABI of Linux $v is unknown; supported: 6.12 to 7.3" \
			"$out/fake-$v/build.log"; then
			bad+="Linux $v: no clear error ($(grep -m1 'error' "$out/fake-$v/build.log")); "
		fi
	done
	if [ -n "$bad" ]; then
		t_fail "$t/unknown-kernel" "${bad%; }"
	else
		t_pass "$t/unknown-kernel"
		t_note "$(grep -m1 -o 'virtio_scmi: arm_scmi core ABI of Linux [^"]*' "$out/fake-6.11/build.log")"
	fi

	if module_build "$k" "$out/forced-999" VSCMI_FORCE_ABI=999 2>/dev/null; then
		t_fail "$t/forced-abi-999" "VSCMI_FORCE_ABI=999 built"
	elif ! grep -E 'error.*virtio_scmi:.*VSCMI_FORCE_ABI' "$out/forced-999/build.log" >/dev/null; then
		t_fail "$t/forced-abi-999" "no clear error naming VSCMI_FORCE_ABI: $(grep -m1 'error' "$out/forced-999/build.log")"
	else
		t_pass "$t/forced-abi-999"
	fi
}

_module_check_forced() {
	local k=$1 t=$2 out=$3 abi
	for abi in 613 614; do
		if ! module_build "$k" "$out/forced-abi-$abi" "VSCMI_FORCE_ABI=$abi" VSCMI_SKIP_LAYOUT_CHECK=1 2>/dev/null; then
			t_fail "$t/forced-abi-$abi" "compile-only build failed: $(grep -m1 -E 'error:|\*\*\*' "$out/forced-abi-$abi/build.log")"
		elif ! grep -q 'virtio_scmi: layout check skipped' "$out/forced-abi-$abi/build.log"; then
			t_fail "$t/forced-abi-$abi" "built, but the log does not say the layout check was skipped"
		elif grep -qi 'warning:' "$out/forced-abi-$abi/build.log"; then
			t_fail "$t/forced-abi-$abi" "$(grep -m1 -i 'warning:' "$out/forced-abi-$abi/build.log")"
		else
			t_pass "$t/forced-abi-$abi"
		fi
	done
}

_module_check_checkpatch() {
	local t=$1 out=$2 cp f files=() e=0 w=0 c=0 bad=() tot fe fw fc
	cp=$CACHE/src/linux-source-7.3/scripts/checkpatch.pl
	if [ ! -r "$cp" ]; then
		kernel_source 7.3 >/dev/null 2>&1 || true
	fi
	[ -r "$cp" ] || { t_fail "$t/checkpatch" "no $cp"; return; }
	# checkpatch checks C: every C source and header under src/ (the
	# module, the shim, the host-side btfcheck and the diag tool).
	mapfile -t files < <(cd "$TOP" && git ls-files -co --exclude-standard 'src/*.c' 'src/*.h' | sort)
	[ ${#files[@]} -gt 0 ] || { t_fail "$t/checkpatch" "no files under src/"; return; }
	: >"$out/checkpatch.log"
	for f in "${files[@]}"; do
		# sources only: skip what an in-tree build may have left
		case $f in
		src/shim/btfcheck|src/shim/layout.[sto]*) continue ;;
		esac
		if [ ! -f "$TOP/$f" ] || ! grep -Iq . "$TOP/$f"; then
			continue
		fi
		tot=$(cd "$TOP" && perl "$cp" --strict --no-tree --no-summary-file --show-types -f "$f" 2>&1 |
			tee -a "$out/checkpatch.log" | sed -n 's/^total: \([0-9]*\) errors, \([0-9]*\) warnings, \([0-9]*\) checks.*/\1 \2 \3/p')
		# no summary line: checkpatch did not run properly on it
		[ -n "$tot" ] || tot="1 0 0"
		read -r fe fw fc <<<"$tot"
		e=$((e + fe)) w=$((w + fw)) c=$((c + fc))
		[ "$fe$fw$fc" = 000 ] || bad+=("$f")
	done
	if [ ${#bad[@]} -gt 0 ]; then
		t_fail "$t/checkpatch" "$e errors, $w warnings, $c checks in ${#bad[@]} of ${#files[@]} files (${bad[*]:0:4}); see $out/checkpatch.log"
	else
		t_pass "$t/checkpatch"
		t_note "checkpatch --strict: ${#files[@]} C files under src/, 0 errors, 0 warnings, 0 checks"
	fi
}

# _module_check_size NAME KO: the module's sections (text, data, bss as
# "size" counts them) stay within bounds: text + data + bss at most
# VSCMI_MODULE_MAX_B (57344 B; 42174 B on 6.12 with gcc 14 with the 7
# tracepoints and the RT hand-off, 27741 B before them: a debug build,
# a static message pool or a table pulled in by mistake exceeds it) and bss
# at most VSCMI_MODULE_MAX_BSS_B (1024 B; 40 B today: buffers are
# allocated per device, never static).
_module_check_size() {
	local t=$1 ko=$2 sz text data bss max=${VSCMI_MODULE_MAX_B:-57344} maxbss=${VSCMI_MODULE_MAX_BSS_B:-1024}
	sz=$(aarch64-linux-gnu-size "$ko" 2>&1)
	read -r text data bss <<<"$(awk 'NR == 2 { print $1, $2, $3 }' <<<"$sz")"
	if ! [[ ${text:-} =~ ^[0-9]+$ && ${data:-} =~ ^[0-9]+$ && ${bss:-} =~ ^[0-9]+$ ]] || [ "$text" -eq 0 ]; then
		t_fail "$t/size" "cannot measure $ko: ${sz%%$'\n'*}"
		return
	fi
	t_note "$t/size: $(basename "$ko"): text $text, data $data, bss $bss bytes (at most $max in all, $maxbss bss)"
	if [ $((text + data + bss)) -gt "$max" ]; then
		t_fail "$t/size" "text $text + data $data + bss $bss = $((text + data + bss)) B, more than $max B"
	elif [ "$bss" -gt "$maxbss" ]; then
		t_fail "$t/size" "bss $bss B, more than $maxbss B (static buffers?)"
	else
		t_pass "$t/size"
	fi
}

# btfcheck itself, on the host: the kernel's BTF as ELF and as raw BTF gives
# the same verdict on a known listing, and damaged input (truncated, bytes
# overwritten) is refused with status 1 or 2, never a crash.
_module_check_btfcheck_input() {
	local k=$1 t=$2 out=$3 rel btf bin d i rc probs="" size off
	rel=$(kernel_release "$k")
	btf=$(kernel_btf "$k") || { t_skip "$t/btfcheck-input" "no BTF for $rel"; return; }
	d=$out/btfcheck
	mkdir -p "$d"
	bin=$d/btfcheck
	if ! gcc -std=gnu11 -O2 -Wall -Werror -o "$bin" "$TOP/src/shim/btfcheck.c" 2>"$d/cc.log"; then
		t_fail "$t/btfcheck-input" "host build failed: $(head -n 1 "$d/cc.log")"
		return
	fi
	# Facts every 6.12 … 7.3 core shares (core-abi.md 1.2, 1.10).
	printf '%s\n' "abi test-listing" "release $rel" "struct scmi_transport_ops 80" \
		"member scmi_transport_ops.chan_available 0 8" "member scmi_transport_ops.poll_done 72 8" \
		"enum scmi_bad_msg 4" "enumval scmi_bad_msg.MSG_NOMEM -4" >"$d/good.txt"
	sed 's/poll_done 72/poll_done 64/' "$d/good.txt" >"$d/wrong.txt"
	aarch64-linux-gnu-objcopy -O binary --only-section=.BTF "$btf" "$d/raw.btf" 2>>"$d/cc.log"
	"$bin" "$d/good.txt" "$btf" >"$d/good-elf.log" 2>&1 || probs+="known-good listing refused (ELF); "
	"$bin" "$d/good.txt" "$d/raw.btf" >"$d/good-raw.log" 2>&1 || probs+="known-good listing refused (raw); "
	"$bin" "$d/wrong.txt" "$btf" >"$d/wrong.log" 2>&1
	rc=$?
	[ "$rc" -eq 1 ] && grep -q 'struct scmi_transport_ops member poll_done at offset 64, kernel has it at 72' \
		"$d/wrong.log" || probs+="wrong offset not reported (status $rc); "
	size=$(stat -c %s "$d/raw.btf")
	for i in 0 1 8 23 24 100 $((size / 2)) $((size - 1)); do
		head -c "$i" "$d/raw.btf" >"$d/cut.btf"
		"$bin" "$d/good.txt" "$d/cut.btf" >/dev/null 2>&1
		rc=$?
		[ "$rc" -eq 2 ] || probs+="raw BTF cut at $i: status $rc; "
	done
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		cp "$d/raw.btf" "$d/flip.btf"
		off=$(( (i * 7919) % 24 ))
		[ "$i" -gt 10 ] && off=$(( (i * 104729) % size ))
		printf '\377' | dd of="$d/flip.btf" bs=1 seek="$off" conv=notrunc status=none
		"$bin" "$d/good.txt" "$d/flip.btf" >/dev/null 2>&1
		rc=$?
		[ "$rc" -le 2 ] || probs+="byte $off overwritten: status $rc (crash?); "
	done
	rm -f "$d/cut.btf" "$d/flip.btf"
	if [ -n "$probs" ]; then
		t_fail "$t/btfcheck-input" "${probs%; }"
	else
		t_pass "$t/btfcheck-input"
	fi
}

# module_build_tests KERNEL
module_build_tests() {
	local k=$1 t=build/$1 out rel ko
	out=$RESULTS/build/$k
	# only this file's outputs: the suite keeps its own logs in $out too
	rm -rf "$out"/module "$out"/forced-* "$out"/moved-member "$out"/fake-* "$out"/btfcheck \
		"$out/checkpatch.log" "$out/module-prepare.log"
	mkdir -p "$out"
	if ! kernel_prepare "$k" >"$out/module-prepare.log" 2>&1 ||
		! _module_hostcc "$k" >>"$out/module-prepare.log" 2>&1; then
		t_fail "$t/module" "kernel $k could not be prepared: $(tail -n 1 "$out/module-prepare.log")"
		return 0
	fi
	rel=$(kernel_release "$k")

	_module_check_module "$k" "$t" "$out/module"
	ko=$out/module/$MODULE_NAME.ko
	_module_check_layout "$k" "$t" "$out/module/build.log" "$rel"
	if [ -e "$ko" ]; then
		_module_check_modinfo "$t" "$ko" "$rel"
		_module_check_size "$t" "$ko"
	else
		t_fail "$t/modinfo" "no $MODULE_NAME.ko was built"
		t_fail "$t/size" "no $MODULE_NAME.ko was built"
	fi
	_module_check_mismatch "$k" "$t" "$out" "$rel"

	if [ -z "$_MODULE_ONCE_DONE" ]; then
		_MODULE_ONCE_DONE=$k
		_module_check_forced "$k" "$t" "$out"
		_module_check_unknown "$k" "$t" "$out"
		_module_check_checkpatch "$t" "$out"
		_module_check_btfcheck_input "$k" "$t" "$out"
	fi
	return 0
}
