# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The sanitizer kernel: Debian's linux-source of the newest matrix release
# (SANITIZE_BASE) built for arm64 with allnoconfig + tests/sanitize/
# debug.config (KASAN, KFENCE, kmemleak, lockdep, DEBUG_ATOMIC_SLEEP,
# DEBUG_OBJECTS, UBSAN) in a private copy of that release's build chroot.
# Two variants (SANITIZE_KERNELS): 7.3-debug (debug.config, full
# preemption) and 7.3-rt-debug (debug.config with rt.config on top:
# PREEMPT_RT, PROVE_RAW_LOCK_NESTING), where a spinlock_t taken with hard
# interrupts off or a sleeping lock under a raw one is reported.
# Sourced by tests/lib/kernels.sh, which treats each variant as a kernel
# of its own (kernel_known, kernel_prepare; every accessor then works on it)
# without listing it in tests/kernels.conf: the default set never builds it.
#
#   sanitize_is_local NAME        true for a variant of SANITIZE_KERNELS
#   sanitize_fragment NAME        print the variant's config fragment
#   sanitize_kernel_prepare NAME  build (or reuse) the kernel; cached in
#                                 $CACHE/sanitize/<key>/, key = hash of
#                                 debug.config, this recipe, the base
#                                 kernel's Debian version and the compiler;
#                                 $KCACHE/<name> points there.  Locked.
#
# Layout of $CACHE/sanitize/<key>/ (the same as a matrix kernel's):
#   version release kver    base's Debian version, our release string
#   root/boot/vmlinuz-<rel> the arm64 Image; root/boot/config-<rel>
#   root/lib/modules/<rel>/ modules_install output (depmod'ed)
#   chroot/                 build chroot; /usr/src/linux-source (hard links
#                           to $CACHE/src), /usr/src/linux-obj (O=;
#                           scmi-core.btf there), /usr/src/linux-headers-<rel>
#                           -> linux-obj (what kernel_build_module uses)
#   build-seconds           wall time of the cold kernel build (make only;
#                           from its first start if it was interrupted)
#   SANITIZE_JOBS           make -j (2)
#   size                    Image, vmlinux and module sizes (bytes)
#   build.log               the kernel build's output

SANITIZE_KERNELS=${SANITIZE_KERNELS:-7.3-debug 7.3-rt-debug}
SANITIZE_BASE=${SANITIZE_BASE:-7.3}
SANITIZE_FRAGMENT=$TESTS/sanitize/debug.config
SANITIZE_RT_FRAGMENT=$TESTS/sanitize/rt.config
# Fixes of core bugs the suite found, applied to the source copy (patch
# -p1, in name order): each says why in its header.
SANITIZE_PATCHES=$TESTS/sanitize/patches
# Detached BTF of the arm_scmi core in the O= directory (see _sanitize_btf).
SANITIZE_BTF=scmi-core.btf
# Bump when the recipe below changes in a way that changes the build.
SANITIZE_RECIPE=3

sanitize_is_local() { [ -n "${1:-}" ] && [[ " $SANITIZE_KERNELS " == *" $1 "* ]]; }

sanitize_fragment() {
	case $1 in
	*-rt-debug)
		cat "$SANITIZE_FRAGMENT" "$SANITIZE_RT_FRAGMENT"
		;;
	*) cat "$SANITIZE_FRAGMENT" ;;
	esac
}

# sanitize_cmdline NAME: what every guest of NAME adds to its command line.
# slab_debug=U (record the allocating and freeing call sites) marks every
# slab cache a debug cache, and debug caches get no per-CPU sheaves (mm/
# slub.c, calculate_sheaf_capacity).  Without that kmemleak misses slab
# leaks on 7.x: an object taken from a sheaf stays listed in the sheaf's
# objects[] array (a kmalloc'ed block that kmemleak scans) until the slot
# is refilled, and that stale entry counts as a reference.  Found with the
# canary: every leaked kmalloc() object had count 1, its one "reference" at
# offset 456 of a kmalloc-512 block (a sheaf).  It also lets a leak report
# name the caller.
sanitize_cmdline() {
	sanitize_is_local "${1:-}" && echo "slab_debug=U"
	return 0
}

# _sanitize_key NAME: the cache key of the variant's fragment and base kernel.
_sanitize_key() {
	{
		sanitize_fragment "$1"
		cat "$SANITIZE_PATCHES"/*.patch 2>/dev/null
		echo "recipe $SANITIZE_RECIPE base $SANITIZE_BASE $(cat "$KCACHE/$SANITIZE_BASE/version")"
		kernel_field "$SANITIZE_BASE" cc
	} | sha256sum | cut -c1-16
}

# _sanitize_chroot_run ROOT CMD...: CMD in the build chroot, clean env.
_sanitize_chroot_run() {
	local root=$1
	shift
	chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/ LC_ALL=C.UTF-8 "$@"
}

# _sanitize_config_check DOTCONFIG FRAGMENT: every option of the fragment
# is set as asked (Kconfig drops options whose dependencies are missing,
# silently).
_sanitize_config_check() {
	local cfg=$1 frag=$2 line sym want got bad=0
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*) sym=${line%%=*}; want=${line#*=} ;;
		"# CONFIG_"*" is not set") sym=${line#\# }; sym=${sym%% *}; want=n ;;
		*) continue ;;
		esac
		got=$(sed -n "s/^$sym=//p" "$cfg")
		[ -n "$got" ] || got=n
		if [ "$got" != "$want" ]; then
			echo "sanitize: $sym is '$got' in the .config, the fragment asks '$want'" >&2
			bad=1
		fi
	done <"$frag"
	return "$bad"
}

# _sanitize_patch SRC: apply $SANITIZE_PATCHES to SRC, whose files are hard
# links into $CACHE/src: each file a patch touches is copied first, so
# the shared source stays as Debian ships it.
_sanitize_patch() {
	local src=$1 p f
	for p in "$SANITIZE_PATCHES"/*.patch; do
		[ -e "$p" ] || continue
		for f in $(sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$p"); do
			cp --remove-destination "$src/$f" "$src/$f.vscmi-copy" &&
				mv -f "$src/$f.vscmi-copy" "$src/$f" || return 1
		done
		log "sanitize: applying $(basename "$p")"
		patch -d "$src" -p1 --forward --batch <"$p" >/dev/null || {
			echo "sanitize: $(basename "$p") does not apply to $SANITIZE_BASE" >&2
			return 1
		}
	done
}

# _sanitize_build DIR NAME: the build proper (resumable: make is
# incremental).
_sanitize_build() {
	local d=$1 name=$2 src root obj=/usr/src/linux-obj rel mk
	src=$(kernel_source "$SANITIZE_BASE") || return 1
	root=$d/chroot
	# The release names the build (key): module caches keyed by release
	# (tests/lib/module.sh, upstream_transport) never mix two configs.
	mk=(make -C /usr/src/linux-source "O=$obj" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
		"LOCALVERSION=-$(basename "$d" | cut -c1-8)")
	if [ ! -e "$root/.sanitize-base" ]; then
		log "sanitize: copying the $SANITIZE_BASE build chroot"
		rm -rf "$root" && mkdir -p "$root"
		tar -C "$KCACHE/$SANITIZE_BASE/chroot" --exclude='./usr/src/linux-headers-*' \
			--exclude='./usr/src/linux-kbuild-*' --exclude=./build -cf - . | tar -C "$root" -xf - ||
			return 1
		# The source stays read-only for an O= build: hard links cost nothing.
		cp -al "$src" "$root/usr/src/linux-source" 2>/dev/null ||
			cp -a "$src" "$root/usr/src/linux-source" || return 1
		ln -sf "aarch64-linux-gnu-gcc-${SANITIZE_GCC:-14}" "$root/usr/bin/aarch64-linux-gnu-gcc"
		_sanitize_patch "$root/usr/src/linux-source" || return 1
		touch "$root/.sanitize-base"
	fi
	mkdir -p "$root$obj"
	cp "$SANITIZE_FRAGMENT" "$root/usr/src/debug.config"
	sanitize_fragment "$name" >"$root/usr/src/variant.config"
	if [ ! -e "$d/.configured" ]; then
		_sanitize_chroot_run "$root" "${mk[@]}" KCONFIG_ALLCONFIG=/usr/src/debug.config allnoconfig \
			>"$d/config.log" 2>&1 || { tail -n 20 "$d/config.log" >&2; return 1; }
		case $name in
		*-rt-debug)
			# PREEMPT_RT depends on EXPERT, and allnoconfig with EXPERT
			# would turn off what EXPERT only makes visible (PRINTK,
			# SHMEM, ...).  So the RT options go on top of the finished
			# allnoconfig .config, and olddefconfig keeps the rest.
			_sanitize_chroot_run "$root" sh -c "cd /usr/src/linux-source && scripts/config \
				--file $obj/.config -e EXPERT -e PREEMPT_RT -e PROVE_RAW_LOCK_NESTING" \
				>>"$d/config.log" 2>&1 &&
			_sanitize_chroot_run "$root" "${mk[@]}" olddefconfig >>"$d/config.log" 2>&1 ||
				{ tail -n 20 "$d/config.log" >&2; return 1; }
			;;
		esac
		_sanitize_config_check "$root$obj/.config" "$root/usr/src/variant.config" || return 1
		touch "$d/.configured"
	fi
	# build-seconds: wall time from the first start of the build to its
	# end (an interrupted build resumes where it stopped).
	[ -s "$d/build-start" ] || date +%s >"$d/build-start"
	log "sanitize: building the $name kernel (log $d/build.log)"
	_sanitize_chroot_run "$root" "${mk[@]}" -j"${SANITIZE_JOBS:-2}" Image modules >>"$d/build.log" 2>&1 ||
		{ tail -n 30 "$d/build.log" >&2; return 1; }
	[ -s "$d/build-seconds" ] || echo $(( $(date +%s) - $(cat "$d/build-start") )) >"$d/build-seconds"
	rel=$(cat "$root$obj/include/config/kernel.release") || return 1
	rm -rf "$root/tmp/modroot" "$d/root"
	_sanitize_chroot_run "$root" "${mk[@]}" INSTALL_MOD_PATH=/tmp/modroot modules_install \
		>>"$d/build.log" 2>&1 || { tail -n 20 "$d/build.log" >&2; return 1; }
	mkdir -p "$d/root/boot"
	mv "$root/tmp/modroot/lib" "$d/root/lib" 2>/dev/null || mv "$root/tmp/modroot/usr/lib" "$d/root/lib" ||
		return 1
	rm -f "$d/root/lib/modules/$rel/build" "$d/root/lib/modules/$rel/source"
	depmod -b "$d/root" "$rel" || return 1
	cp "$root$obj/arch/arm64/boot/Image" "$d/root/boot/vmlinuz-$rel"
	cp "$root$obj/.config" "$d/root/boot/config-$rel"
	ln -sfn linux-obj "$root/usr/src/linux-headers-$rel"
	_sanitize_btf "$d" || return 1
	# make -C <headers> M=... must cross-compile without extra arguments,
	# as it does with Debian's headers: the O= wrapper Makefile says how.
	_sanitize_wrapper "$root$obj/Makefile" || return 1
	cp "$KCACHE/$SANITIZE_BASE/version" "$d/version"
	echo "$rel" >"$d/release"
	echo "$rel" >"$d/kver"
	{
		echo "Image $(stat -c %s "$root$obj/arch/arm64/boot/Image")"
		echo "vmlinux $(stat -c %s "$root$obj/vmlinux")"
		echo "modules $(find "$d/root/lib/modules/$rel" -name '*.ko' | wc -l)"
	} >"$d/size"
}

# _sanitize_btf DIR: BTF of the arm_scmi core for the module's layout check
# without DEBUG_INFO for the whole kernel: the core's driver.c compiled once
# more, with its exact kbuild command plus -g, and pahole's detached BTF of
# that object (every core structure the shim declares is in that unit).
# The module's check also compares scmi_device_destroy()'s prototype, which
# bus.c defines: both units are compiled, linked into one object (several
# compilation units, as in a vmlinux) and encoded.  The stamp names that
# recipe: a BTF made by an older one (driver.c alone) is made again, without
# rebuilding the kernel.
SANITIZE_BTF_UNITS="driver bus"
_sanitize_btf() {
	local d=$1 root=$1/chroot obj=/usr/src/linux-obj cmd u objs="" all=""
	local stamp=$root$obj/.scmi-btf-units
	[ -s "$root$obj/$SANITIZE_BTF" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$SANITIZE_BTF_UNITS" ] && return 0
	for u in $SANITIZE_BTF_UNITS; do
		cmd=$(sed -n 's/^savedcmd_[^ ]* := //p' "$root$obj/drivers/firmware/arm_scmi/.$u.o.cmd") || return 1
		[ -n "$cmd" ] || { echo "sanitize: no compile command of arm_scmi/$u.o" >&2; return 1; }
		cmd=$(printf '%s\n' "$cmd" | sed -e 's/-Wp,-MMD,[^ ]*//' \
			-e "s| -o drivers/firmware/arm_scmi/$u.o | -g -fno-eliminate-unused-debug-types -o /tmp/scmi-btf-$u.o |")
		all+="$cmd && "
		objs+=" /tmp/scmi-btf-$u.o"
	done
	_sanitize_chroot_run "$root" sh -c "cd $obj && $all aarch64-linux-gnu-ld -r -o /tmp/scmi-btf.o$objs &&
		pahole --btf_encode_detached=$obj/$SANITIZE_BTF /tmp/scmi-btf.o" \
		>>"$d/build.log" 2>&1 || { echo "sanitize: BTF of the arm_scmi core failed (log $d/build.log)" >&2; return 1; }
	rm -f "$root/tmp/scmi-btf.o" "$root/tmp"/scmi-btf-*.o
	[ -s "$root$obj/$SANITIZE_BTF" ] && echo "$SANITIZE_BTF_UNITS" >"$stamp"
}

# _sanitize_wrapper MAKEFILE: add ARCH and CROSS_COMPILE to the O= wrapper,
# and point the module's layout check (src/shim/layout.mk) at our BTF: the
# vmlinux there has none.
_sanitize_wrapper() {
	local f=$1
	grep -q '^# vscmi-sanitize' "$f" && return 0
	{
		echo '# vscmi-sanitize: cross build for arm64 by default'
		echo 'ARCH ?= arm64'
		echo 'CROSS_COMPILE ?= aarch64-linux-gnu-'
		echo "VSCMI_BTF ?= /usr/src/linux-obj/$SANITIZE_BTF"
		echo 'export ARCH CROSS_COMPILE VSCMI_BTF'
		cat "$f"
	} >"$f.new" && mv "$f.new" "$f"
}

sanitize_kernel_prepare() {
	local name=$1 key d rc
	sanitize_is_local "$name" || return 2
	kernel_prepare "$SANITIZE_BASE" || return 1
	key=$(_sanitize_key "$name")
	d=$CACHE/sanitize/$key
	mkdir -p "$CACHE/sanitize" "$KCACHE"
	if [ ! -e "$d/.done" ]; then
		(
			flock 9
			[ -e "$d/.done" ] && exit 0
			mkdir -p "$d"
			_sanitize_build "$d" "$name" || exit 1
			touch "$d/.done"
			log "sanitize: $name ($(cat "$d/release")) built in $(cat "$d/build-seconds") s"
		) 9>"$CACHE/sanitize/.lock-$key"
		rc=$?
		[ "$rc" -eq 0 ] || return "$rc"
	fi
	# A kernel built by an older recipe of the BTF gets the current one.
	(flock 9 && _sanitize_btf "$d") 9>"$CACHE/sanitize/.lock-$key" || return 1
	# $KCACHE/<name> is what every kernels.sh accessor reads.
	if [ "$(readlink "$KCACHE/$name" 2>/dev/null)" != "../sanitize/$key" ]; then
		(flock 9 && rm -rf "${KCACHE:?}/$name" && ln -sfn "../sanitize/$key" "$KCACHE/$name") \
			9>"$KCACHE/.lock-$name"
	fi
}

# sanitize_kernel_dir NAME: the cache directory of the variant's current
# key (may not be built yet).
sanitize_kernel_dir() {
	kernel_prepare "$SANITIZE_BASE" >/dev/null || return 1
	echo "$CACHE/sanitize/$(_sanitize_key "$1")"
}
