# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The kernel matrix (tests/kernels.conf) and everything needed per kernel:
# the Debian arm64 kernel image and modules, its headers inside an amd64
# build chroot with the right cross compiler, and out-of-tree module builds.
# Source tests/lib/common.sh first (tests/run does); this file sources apt.sh.
#
#   kernels_all                       print every kernel name, matrix order
#   kernels_primary                   the kernels the long guest suites
#                                     (faults, fuzz, stress, pm) run on by
#                                     default: the "primary:" line
#   kernels_long SUITE                the kernels long suite SUITE runs on by
#                                     default: its "long SUITE:" line, else
#                                     kernels_primary
#   suite_kernels SUITE KERNEL...     the kernels long suite SUITE runs on:
#                                     the ones given with tests/run --kernel,
#                                     or kernels_long SUITE when none was given
#   kernel_known NAME                 true if NAME is in the matrix
#   kernel_field NAME COLUMN          suite|meta|flavour|cc|chroot|extra
#   kernel_prepare NAME               download + build chroot (cached, locked);
#                                     needed once before the accessors below
#   kernel_release NAME               e.g. 6.12.117+deb13-arm64
#   kernel_version NAME               Debian package version, e.g. 6.12.117-1
#   kernel_image NAME                 host path of the vmlinuz
#   kernel_config NAME                host path of the kernel's .config
#   kernel_modules_dir NAME           host path of the unpacked lib/modules/<rel>
#   kernel_chroot NAME                host path of the amd64 build chroot
#   kernel_headers NAME               headers dir *inside* the chroot (the
#                                     flavour's headers and every common
#                                     headers package they depend on, e.g.
#                                     -common and -common-rt)
#   kernel_btf NAME                   host path of the headers' vmlinux (BTF);
#                                     non-zero status if the headers have none
#   kernel_source NAME                host path of the unpacked linux-source-X.Y
#   kernel_has_config NAME CONFIG_X   true if =y or =m (prints y or m)
#   kernel_build_module NAME SRCDIR OUTDIR [MAKE ARGS...]
#                                     build SRCDIR (has a Kbuild) against the
#                                     kernel's headers in its chroot; copies
#                                     *.ko, Module.symvers and build.log to
#                                     OUTDIR; non-zero + log tail on failure
#   upstream_transport NAME           build (cached) the in-tree virtio SCMI
#                                     transport out of tree; print the .ko path
#
# One kernel outside the matrix is known too: the sanitizer kernel
# (tests/sanitize/kernel.sh, SANITIZE_KERNEL, e.g. 7.3-debug), built locally
# from linux-source with debug options.  kernel_known and kernel_prepare
# accept it, kernel_field answers for its base kernel, and the accessors work
# as for any other; kernels_all does not list it.
#
# Cache layout: $CACHE/kernels/<name>/{version,release,root/,chroot/,.done},
# downloaded debs in $CACHE/debs, bare build chroots (one per suite and
# compiler, shared by kernels) in $CACHE/chroots/*.tar.

# shellcheck source=tests/lib/apt.sh
. "$TESTS/lib/apt.sh"
# shellcheck source=tests/sanitize/kernel.sh
. "$TESTS/sanitize/kernel.sh"

KERNELS_CONF=${KERNELS_CONF:-$TESTS/kernels.conf}
KCACHE=$CACHE/kernels
DEBS=$CACHE/debs

kernels_all() {
	awk '!/^[[:space:]]*(#|$)/ && $1 != "primary:" && $1 != "long" { print $1 }' "$KERNELS_CONF"
}

kernels_primary() {
	awk '$1 == "primary:" { for (i = 2; i <= NF; i++) print $i }' "$KERNELS_CONF"
}

kernels_long() {
	local l
	l=$(awk -v s="$1:" '$1 == "long" && $2 == s { for (i = 3; i <= NF; i++) print $i }' "$KERNELS_CONF")
	if [ -n "$l" ]; then
		printf '%s\n' "$l"
	else
		kernels_primary
	fi
}

suite_kernels() {
	local s=$1
	shift
	if [ -n "${KERNELS_EXPLICIT:-}" ]; then
		printf '%s\n' "$@"
	else
		kernels_long "$s"
	fi
}

kernel_known() {
	sanitize_is_local "${1:-}" && return 0
	[ -n "${1:-}" ] && kernels_all | grep -qxF -- "$1"
}

# kernel_field NAME COLUMN
kernel_field() {
	local col
	sanitize_is_local "$1" && set -- "$SANITIZE_BASE" "$2"
	case $2 in
	suite) col=2 ;; meta) col=3 ;; flavour) col=4 ;; cc) col=5 ;;
	chroot) col=6 ;; extra) col=7 ;;
	*) echo "kernel_field: unknown column $2" >&2; return 2 ;;
	esac
	awk -v n="$1" -v c="$col" '!/^[[:space:]]*(#|$)/ && $1 == n { print $c; f = 1 } END { exit !f }' \
		"$KERNELS_CONF"
}

_kdir() { echo "$KCACHE/$1"; }

_kneed() {
	kernel_known "$1" || { echo "kernels.sh: unknown kernel '$1'" >&2; return 2; }
	[ -e "$KCACHE/$1/.done" ] || { echo "kernels.sh: kernel '$1' not prepared (kernel_prepare $1)" >&2; return 2; }
}

kernel_release() { _kneed "$1" && cat "$KCACHE/$1/release"; }
kernel_version() { _kneed "$1" && cat "$KCACHE/$1/version"; }
kernel_chroot() { _kneed "$1" && echo "$KCACHE/$1/chroot"; }
kernel_image() { _kneed "$1" && echo "$KCACHE/$1/root/boot/vmlinuz-$(cat "$KCACHE/$1/release")"; }
kernel_modules_dir() { _kneed "$1" && echo "$KCACHE/$1/root/lib/modules/$(cat "$KCACHE/$1/release")"; }
kernel_headers() { _kneed "$1" && echo "/usr/src/linux-headers-$(cat "$KCACHE/$1/release")"; }

kernel_config() {
	_kneed "$1" || return
	local rel d=$KCACHE/$1/root f
	rel=$(cat "$KCACHE/$1/release")
	for f in "$d/boot/config-$rel" "$d/lib/modules/$rel/config" "$d/usr/lib/modules/$rel/config" \
		"$KCACHE/$1/chroot/usr/src/linux-headers-$rel/.config"; do
		[ -r "$f" ] && { echo "$f"; return 0; }
	done
	echo "kernels.sh: no .config for $1" >&2
	return 1
}

kernel_btf() {
	_kneed "$1" || return
	local f
	f=$KCACHE/$1/chroot$(kernel_headers "$1")/vmlinux
	sanitize_is_local "$1" && f=${f%/vmlinux}/$SANITIZE_BTF
	[ -r "$f" ] || return 1
	echo "$f"
}

# kernel_has_config NAME CONFIG_FOO: prints y or m and succeeds when set.
kernel_has_config() {
	local cfg v
	cfg=$(kernel_config "$1") || return 2
	v=$(sed -n "s/^$2=\\(.*\\)$/\\1/p" "$cfg")
	case $v in
	y|m) echo "$v" ;;
	*) return 1 ;;
	esac
}

# kernel_source NAME: unpack linux-source-X.Y once into $CACHE/src.
kernel_source() {
	local xy ver deb dir tarball
	kernel_known "$1" || { echo "kernels.sh: unknown kernel '$1'" >&2; return 2; }
	if [ -e "$KCACHE/$1/.done" ]; then
		xy=$(cut -d. -f1,2 "$KCACHE/$1/version")
	else
		xy=$(echo "$1" | grep -oE '^[0-9]+\.[0-9]+')
	fi
	dir=$CACHE/src/linux-source-$xy
	[ -e "$dir/.done" ] && { echo "$dir"; return 0; }
	mkdir -p "$CACHE/src"
	(
		flock 9
		[ -e "$dir/.done" ] && exit 0
		log "unpacking linux-source-$xy"
		ver=$(vapt_newest "linux-source-$xy" "$(kernel_field "$1" suite)")
		[ -n "$ver" ] || ver=$(vapt_newest "linux-source-$xy")
		deb=$(vapt_fetch "linux-source-$xy=$ver" "$DEBS") || exit 1
		rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
		dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir.tmp" --wildcards './usr/src/linux-source-*.tar.*' ||
			exit 1
		tarball=$(ls "$dir.tmp"/usr/src/linux-source-*.tar.*)
		rm -rf "$dir" && mkdir -p "$dir"
		tar -x -C "$dir" --strip-components=1 -f "$tarball" || exit 1
		rm -rf "$dir.tmp"
		touch "$dir/.done"
	) 9>"$CACHE/src/.lock-$xy" || return 1
	echo "$dir"
}

# Resolve NAME's exact kernel once: writes version, release, kver, split.
_kernel_resolve() {
	local name=$1 d=$KCACHE/$1 suite meta ver img rel deps
	[ -s "$d/release" ] && [ -s "$d/version" ] && [ -s "$d/kver" ] && return 0
	suite=$(kernel_field "$name" suite)
	meta=$(kernel_field "$name" meta)
	ver=$(vapt_newest "$meta" "$suite")
	[ -n "$ver" ] || { echo "kernels.sh: no $meta in $suite" >&2; return 1; }
	img=$(vapt_cache show "$meta=$ver" | sed -n 's/^Depends: //p' | head -n 1 | tr ',' '\n' |
		grep -oE 'linux-image-[0-9][^ ]*' | head -n 1)
	[ -n "$img" ] || { echo "kernels.sh: cannot find the image package of $meta $ver" >&2; return 1; }
	rel=${img#linux-image-}
	deps=$(vapt_cache show "$img=$ver" | sed -n 's/^Depends: //p' | head -n 1)
	mkdir -p "$d"
	echo "$ver" >"$d/version"
	echo "$rel" >"$d/release"
	echo "${rel%-"$(kernel_field "$name" flavour)"}" >"$d/kver"
	if echo "$deps" | grep -q "linux-binary-$rel"; then
		echo split >"$d/layout"
	else
		echo image >"$d/layout"
	fi
	log "kernel $name: $rel ($ver, $(cat "$d/layout") packages)"
}

_kernel_download() {
	local name=$1 d=$KCACHE/$1 ver rel kver p f common
	ver=$(cat "$d/version"); rel=$(cat "$d/release"); kver=$(cat "$d/kver")
	: >"$d/debs.new"
	if [ "$(cat "$d/layout")" = split ]; then
		for p in binary modules base; do echo "linux-$p-$rel=$ver image"; done
	else
		echo "linux-image-$rel=$ver image"
	fi >"$d/wanted"
	# The flavour's headers depend on the common headers, and an RT
	# flavour also on linux-headers-<kver>-common-rt: fetch every
	# linux-headers-*-common* its Depends names (-common if it names none).
	common=$(vapt_cache show "linux-headers-$rel=$ver" | sed -n 's/^Depends: //p' | head -n 1 |
		grep -oE 'linux-headers-[^ ,(]*-common[^ ,(]*' | sort -u)
	{
		echo "linux-headers-$rel=$ver headers"
		for p in ${common:-linux-headers-$kver-common}; do
			echo "$p=$ver headers"
		done
		echo "linux-kbuild-$kver:amd64=$ver kbuild"
	} >>"$d/wanted"
	local kind
	while read -r p kind; do
		log "fetching ${p%%=*}"
		f=$(vapt_fetch "$p" "$DEBS") || return 1
		echo "$f $kind" >>"$d/debs.new"
	done <"$d/wanted"
	mv "$d/debs.new" "$d/debs"
}

# The packages every build chroot holds besides the cross compiler.
KERNEL_CHROOT_PKGS=gcc,make,libelf-dev,bc,kmod,pahole,libssl-dev,zlib1g,flex,bison,python3-minimal

# _chroot_base SUITE EXTRA CC: a tarball of the bare build chroot, built
# once per (suite, extra suites, compiler) and shared by kernels.
_chroot_base() {
	local suite=$1 extra=$2 cc=$3 uri s srcs=() key tar t0
	key=$(echo "$suite $extra $cc $KERNEL_CHROOT_PKGS" | sha256sum | cut -c1-12)
	tar=$CACHE/chroots/$suite-$cc-$key.tar
	[ -s "$tar" ] && { echo "$tar"; return 0; }
	uri=$(apt_mirror) || return 1
	srcs=("deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $suite main")
	if [ "$extra" != - ]; then
		for s in ${extra//,/ }; do
			srcs+=("deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $s main")
		done
	fi
	t0=$(date +%s)
	log "building the $suite build chroot ($cc)"
	mmdebstrap --quiet --variant=apt --arch=amd64 --format=tar --aptopt="Acquire::Check-Valid-Until \"false\"" \
		--include="$cc,$KERNEL_CHROOT_PKGS" --customize-hook='rm -f "$1"/var/cache/apt/archives/*.deb' \
		"$suite" "$tar.tmp" "${srcs[@]}" >"$tar.log" 2>&1 ||
		{ tail -n 20 "$tar.log" >&2; rm -f "$tar.tmp"; return 1; }
	mv "$tar.tmp" "$tar"
	log "$suite build chroot built in $(( $(date +%s) - t0 )) s"
	echo "$tar"
}

_kernel_chroot() {
	local name=$1 d=$KCACHE/$1 suite extra cc tar
	suite=$(kernel_field "$name" chroot)
	extra=$(kernel_field "$name" extra)
	cc=$(kernel_field "$name" cc)
	mkdir -p "$CACHE/chroots"
	tar=$( (flock 9 && _chroot_base "$suite" "$extra" "$cc") 9>"$CACHE/chroots/.lock") || return 1
	rm -rf "$d/chroot.tmp" && mkdir -p "$d/chroot.tmp"
	# linux-kbuild and the headers are unpacked into it afterwards, not
	# installed: the backports kbuild would need backports pins, and the
	# arm64 headers package depends on the arm64 compiler.
	tar -x -C "$d/chroot.tmp" -f "$tar" || return 1
	rm -rf "$d/chroot"
	mv "$d/chroot.tmp" "$d/chroot"
}

_kernel_unpack() {
	local name=$1 d=$KCACHE/$1 f kind
	rm -rf "$d/root"
	mkdir -p "$d/root"
	while read -r f kind; do
		case $kind in
		image) dpkg-deb -x "$f" "$d/root" ;;
		# (keep the chroot's /lib -> usr/lib: bookworm's headers
		# packages ship lib/modules/<rel>/build, which would replace
		# the link by a directory and leave the chroot without libc)
		headers|kbuild) dpkg-deb --fsys-tarfile "$f" | tar -x --keep-directory-symlink -C "$d/chroot" ;;
		esac || return 1
	done <"$d/debs"
	# 7.x: linux-base-<rel> holds the config and System.map the headers use.
	while read -r f kind; do
		case $f in */linux-base-*) dpkg-deb -x "$f" "$d/chroot" ;; esac
	done <"$d/debs"
	# Debian moved modules to /usr/lib/modules: make lib/modules valid too.
	if [ -d "$d/root/usr/lib/modules" ] && [ ! -e "$d/root/lib" ]; then
		ln -s usr/lib "$d/root/lib"
	fi
	if [ ! -d "$d/root/boot" ] || ! ls "$d/root/boot"/vmlinuz-* >/dev/null 2>&1; then
		# 7.x ships the image below /usr/lib/linux or /boot; find it.
		f=$(find "$d/root" -name "vmlinuz-*" -o -name vmlinuz | head -n 1)
		if [ -n "$f" ]; then
			mkdir -p "$d/root/boot"
			ln -sfr "$f" "$d/root/boot/vmlinuz-$(cat "$d/release")"
		fi
	fi
	# The packages leave modules.dep to the installer: generate it.
	depmod -b "$d/root" "$(cat "$d/release")" || return 1
	return 0
}

# kernel_prepare NAME: everything a suite needs for NAME, cached.
kernel_prepare() {
	local name=$1 d
	if sanitize_is_local "$name"; then
		sanitize_kernel_prepare "$name"
		return
	fi
	kernel_known "$name" || { echo "kernels.sh: unknown kernel '$name'" >&2; return 2; }
	d=$KCACHE/$name
	[ -e "$d/.done" ] && return 0
	mkdir -p "$d"
	(
		flock 9
		[ -e "$d/.done" ] && exit 0
		t0=$(date +%s)
		_kernel_resolve "$name" || exit 1
		_kernel_download "$name" || exit 1
		if [ ! -e "$d/chroot/.base-done" ]; then
			_kernel_chroot "$name" || exit 1
			touch "$d/chroot/.base-done"
		fi
		_kernel_unpack "$name" || exit 1
		rel=$(cat "$d/release")
		[ -r "$d/chroot/usr/src/linux-headers-$rel/Makefile" ] ||
			{ echo "kernels.sh: headers of $rel missing after unpack" >&2; exit 1; }
		[ -r "$d/root/boot/vmlinuz-$rel" ] ||
			{ echo "kernels.sh: no vmlinuz-$rel in the image packages" >&2; exit 1; }
		touch "$d/.done"
		log "kernel $name prepared in $(( $(date +%s) - t0 )) s"
	) 9>"$KCACHE/.lock-$name"
}

# kernel_build_module NAME SRCDIR OUTDIR [MAKE ARGS...]
kernel_build_module() {
	local name=$1 src=$2 out=$3 root hdr b rc=0
	shift 3
	kernel_prepare "$name" || return 1
	[ -d "$src" ] || { echo "kernel_build_module: no directory $src" >&2; return 2; }
	root=$(kernel_chroot "$name"); hdr=$(kernel_headers "$name")
	mkdir -p "$out" "$root/build"
	b=$(mktemp -d "$root/build/m.XXXXXX")
	cp -a "$src/." "$b/"
	# Leave no host build products from the source tree in the copy.
	find "$b" \( -name '*.o' -o -name '*.ko' -o -name '*.mod' -o -name '*.mod.c' -o -name '.*.cmd' \) -delete
	chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/ LC_ALL=C.UTF-8 \
		make -C "$hdr" M="${b#"$root"}" -j2 "$@" modules >"$out/build.log" 2>&1 || rc=$?
	if [ "$rc" -eq 0 ]; then
		find "$b" -name '*.ko' -exec cp {} "$out/" \;
		[ -e "$b/Module.symvers" ] && cp "$b/Module.symvers" "$out/"
		if ! ls "$out"/*.ko >/dev/null 2>&1; then
			echo "kernel_build_module: make succeeded but left no .ko" >>"$out/build.log"
			rc=1
		fi
	fi
	rm -rf "$b"
	if [ "$rc" -ne 0 ]; then
		echo "kernel_build_module: $name: build of $src failed (log $out/build.log):" >&2
		tail -n 15 "$out/build.log" >&2
		return 1
	fi
}

# upstream_transport NAME: the kernel's own virtio transport built out of
# tree from linux-source (never committed: assembled in the cache).
upstream_transport() {
	local name=$1 src rel b out
	kernel_prepare "$name" || return 1
	rel=$(kernel_release "$name")
	out=$CACHE/upstream/$rel
	[ -e "$out/.done" ] && { echo "$out/scmi_transport_virtio.ko"; return 0; }
	src=$(kernel_source "$name") || return 1
	mkdir -p "$CACHE/upstream"
	(
		flock 9
		[ -e "$out/.done" ] && exit 0
		b=$CACHE/upstream/$rel.src
		rm -rf "$b" && mkdir -p "$b"
		"$TESTS/upstream/assemble" "$src" "$b" || exit 1
		kernel_build_module "$name" "$b" "$out" || exit 1
		touch "$out/.done"
	) 9>"$CACHE/upstream/.lock-$rel" >&2 || return 1
	echo "$out/scmi_transport_virtio.ko"
}
