# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# package suite: builds the .deb and .rpm from the working tree (outside the
# clone), runs lintian and rpmlint, and checks what they ship: the same files
# under /usr/src in both, no executable bits, no extra license file, every
# dkms.conf field, no modprobe.d alias, the maintainer scripts; runs dkms
# 3.0.10 (this host's) on the shipped dkms.conf for the skip rules, the field
# checks of tests/install/field.sh (every skip reason with bookworm's and
# trixie's dkms, in-tree, the postinst's live load), and the virtio-scmi-diag
# fake-root tests against the packaged binary.  Logs in $RESULTS/package/.
# Kernel-independent: the kernel arguments are ignored.

# shellcheck source=tests/install/build-packages.sh
. "$TESTS/install/build-packages.sh"
# shellcheck source=tests/install/field.sh
. "$TESTS/install/field.sh"

# pk_usr_src_deb DEB: "mode path" lines for the files below usr/src.
pk_usr_src_deb() {
	dpkg-deb -c "$1" | awk '$6 ~ /^\.\/usr\/src\/./ { p = substr($6, 2); sub(/\/$/, "", p); print $1, p }' | sort -k2
}

pk_usr_src_rpm() {
	rpm -qp --qf '[%{FILEMODES:perms} %{FILENAMES}\n]' "$1" 2>/dev/null | awk '$2 ~ /^\/usr\/src\// { print }' | sort -k2
}

# pk_dkms_field CONF EXPR: evaluate EXPR after sourcing CONF in a subshell.
pk_dkms_field() {
	(set +u; kernelver=; arch=; . "$1" >/dev/null 2>&1; eval "printf '%s' \"$2\"")
}

pk_check_dkms_conf() {
	local conf=$1 v=$2 f k bad=""
	[ "$(pk_dkms_field "$conf" '$PACKAGE_NAME')" = virtio-scmi ] || bad+=" PACKAGE_NAME"
	[ "$(pk_dkms_field "$conf" '$PACKAGE_VERSION')" = "$v" ] || bad+=" PACKAGE_VERSION"
	[ "$(pk_dkms_field "$conf" '${BUILT_MODULE_NAME[0]}')" = virtio_scmi ] || bad+=" BUILT_MODULE_NAME"
	case $(pk_dkms_field "$conf" '${DEST_MODULE_LOCATION[0]}') in
	/kernel*|/updates*|/extra*) ;;
	*) bad+=" DEST_MODULE_LOCATION" ;;
	esac
	[ "$(pk_dkms_field "$conf" '$AUTOINSTALL')" = yes ] || bad+=" AUTOINSTALL"
	[ "$(pk_dkms_field "$conf" '$NO_WEAK_MODULES')" = yes ] || bad+=" NO_WEAK_MODULES"
	f=$(pk_dkms_field "$conf" '$BUILD_EXCLUSIVE_ARCH')
	[[ aarch64 =~ $f ]] && [[ ! x86_64 =~ $f ]] && [[ ! armv7l =~ $f ]] || bad+=" BUILD_EXCLUSIVE_ARCH"
	f=$(pk_dkms_field "$conf" '$BUILD_EXCLUSIVE_KERNEL')
	for k in 6.12.57+deb13-arm64 6.12.57+deb13-cloud-arm64 6.12.95+deb12-arm64 7.2.13+deb14-arm64 \
		 7.3.4+bpo-arm64 6.13.0 6.19.1 10.0.0; do
		[[ $k =~ $f ]] || bad+=" BUILD_EXCLUSIVE_KERNEL(rejects $k)"
	done
	for k in 6.1.0-41-arm64 6.11.9 5.14.0-503.el9.aarch64 6.1 4.19.0; do
		[[ $k =~ $f ]] && bad+=" BUILD_EXCLUSIVE_KERNEL(accepts $k)"
	done
	f=" $(pk_dkms_field "$conf" '$BUILD_EXCLUSIVE_CONFIG') "
	for k in CONFIG_ARM_SCMI_PROTOCOL CONFIG_VIRTIO '!CONFIG_ARM_SCMI_TRANSPORT_VIRTIO'; do
		[[ $f == *" $k "* ]] || bad+=" BUILD_EXCLUSIVE_CONFIG($k)"
	done
	# deprecated or system-editing fields must not be there
	for k in CLEAN REMAKE_INITRD MODULES_CONF MODULES_CONF_ALIAS_TYPE MODULES_CONF_OBSOLETES \
		 OBSOLETE_BY BUILD_EXCLUSIVE_KERNEL_MIN BUILD_EXCLUSIVE_KERNEL_MAX PRE_BUILD POST_BUILD \
		 PRE_INSTALL POST_INSTALL POST_ADD POST_REMOVE MAKE; do
		grep -Eq "^[[:space:]]*$k(\[[0-9]+\])?=" "$conf" && bad+=" $k(present)"
	done
	[ -z "$bad" ] || { echo "bad dkms.conf fields:$bad"; return 1; }
}

# dkms 3.0.10 (this Debian 12 host) on the shipped dkms.conf: kernels and
# architectures outside the rules end with exit 77 (skipped) and the message.
pk_dkms_skip() {
	local srcdir=$1 v=$2 d rc out
	d=$(mktemp -d)
	mkdir -p "$d/tree" "$d/src" "$d/install"
	cp -a "$srcdir" "$d/src/virtio-scmi-$v"
	dkms add -m virtio-scmi -v "$v" --dkmstree "$d/tree" --sourcetree "$d/src" \
		--installtree "$d/install" >/dev/null 2>&1 || { echo "dkms add failed"; rm -rf "$d"; return 1; }
	for ka in 6.1.0-41-arm64:aarch64 6.12.57+deb13-arm64:x86_64; do
		rc=0
		out=$(dkms build -m virtio-scmi -v "$v" -k "${ka%%:*}" -a "${ka##*:}" --dkmstree "$d/tree" \
			--sourcetree "$d/src" --installtree "$d/install" 2>&1) || rc=$?
		if [ "$rc" != 77 ] || ! grep -q 'BUILD_EXCLUSIVE' <<<"$out"; then
			echo "kernel ${ka%%:*} arch ${ka##*:}: exit $rc, not 77/skipped: $(tail -n 1 <<<"$out")"
			rm -rf "$d"
			return 1
		fi
	done
	# a qualifying kernel with headers is not skipped: fld_skips checks it
	rm -rf "$d"
}

suite_package() {
	local out=$RESULTS/package v rv deb diagdeb rpm srpm diagrpm x f rc
	t_plan "package: version*" "package: dpkg-buildpackage*" "package: rpmbuild*" "package: lintian*" \
		"package: rpmlint*" "package: diag: *"
	mkdir -p "$out"
	v=$(pkg_version)
	rv=$(pkg_rpm_version)
	if [ -n "$v" ] && [ "$v" = "$rv" ]; then
		t_pass "package: version $v in debian/changelog and the RPM spec"
	else
		t_fail "package: version" "debian/changelog '$v' != spec '$rv'"
	fi
	local t0=$SECONDS
	if ! pkg_build_deb "$out" 2>"$out/build.err"; then
		t_fail "package: dpkg-buildpackage -us -uc" "$(tail -n 1 "$out/build.err") (log $out/deb-build.log)"
		return 0
	fi
	t_pass "package: dpkg-buildpackage -us -uc ($((SECONDS - t0)) s)"
	t0=$SECONDS
	if pkg_build_rpm "$out" 2>"$out/build.err"; then
		t_pass "package: rpmbuild -ba ($((SECONDS - t0)) s)"
	else
		t_fail "package: rpmbuild -ba" "$(tail -n 1 "$out/build.err") (log $out/rpm-build.log)"
	fi
	deb=$(compgen -G "$out/virtio-scmi-dkms_${v}_all.deb" || true)
	diagdeb=$(compgen -G "$out/virtio-scmi-diag_${v}_*.deb" | head -n 1 || true)
	rpm=$(compgen -G "$out/virtio-scmi-dkms-${v}-*.noarch.rpm" || true)
	diagrpm=$(compgen -G "$out/virtio-scmi-diag-${v}-*.rpm" | grep -v src.rpm | head -n 1 || true)
	srpm=$(compgen -G "$out/virtio-scmi-${v}-*.src.rpm" || true)
	t_check "package: products (.deb all + any, .dsc, noarch .rpm, diag .rpm, .src.rpm)" \
		test -n "$deb" -a -n "$diagdeb" -a -n "$rpm" -a -n "$diagrpm" -a -n "$srpm" -a -s "$out/virtio-scmi_${v}.dsc"

	# lintian: no errors, no warnings (overrides carry their reasons)
	local lrc=0
	lintian --pedantic -E --fail-on error,warning "$out"/virtio-scmi_"${v}"_*.changes >"$out/lintian.txt" 2>&1 || lrc=$?
	grep -v 'running with root privileges' "$out/lintian.txt" | sed 's/^/lintian: /' | while IFS= read -r x; do t_note "$x"; done
	if [ "$lrc" = 0 ] && ! grep -q '^[EW]:' "$out/lintian.txt"; then
		t_pass "package: lintian --pedantic: no errors, no warnings"
	else
		t_fail "package: lintian" "$(grep -m1 '^[EW]:' "$out/lintian.txt" || tail -n 1 "$out/lintian.txt")"
	fi

	# rpmlint: no errors (filters in rpm/virtio-scmi.rpmlintrc carry reasons)
	if [ -n "$rpm" ]; then
		rpmlint -r "$TOP/rpm/virtio-scmi.rpmlintrc" "$rpm" "$diagrpm" "$srpm" \
			"$TOP/rpm/virtio-scmi-dkms.spec" >"$out/rpmlint.txt" 2>&1 || true
		grep -E ': [EW]: |packages and' "$out/rpmlint.txt" | sed 's/^/rpmlint: /' | while IFS= read -r x; do t_note "$x"; done
		if grep -Eq ' 0 errors' "$out/rpmlint.txt"; then
			t_pass "package: rpmlint: 0 errors ($(grep -Eo '[0-9]+ warnings' "$out/rpmlint.txt"))"
		else
			t_fail "package: rpmlint" "$(grep -m1 ': E: ' "$out/rpmlint.txt" || tail -n 1 "$out/rpmlint.txt")"
		fi
	else
		t_skip "package: rpmlint" "no .rpm was built"
	fi

	# payload: /usr/src in the .deb = in the .rpm = what the tree says
	local want=$out/usr-src.expected
	(cd "$TOP" && { echo dkms.conf; echo Kbuild; git ls-files -co --exclude-standard src; } |
		grep -v '^src/virtio-scmi-diag/' | grep -v '/\.gitignore$' | while read -r f; do
			[ -e "$f" ] && echo "$f"; done | sort -u) >"$want"
	pk_usr_src_deb "$deb" >"$out/usr-src.deb"
	awk -v p="/usr/src/virtio-scmi-$v/" '$1 !~ /^d/ { sub(p, "", $2); print $2 }' "$out/usr-src.deb" | sort >"$out/usr-src.deb.files"
	if diff -u "$want" "$out/usr-src.deb.files" >"$out/usr-src.diff"; then
		t_pass "package: .deb ships Kbuild, dkms.conf and src/ (no diag tool) under /usr/src/virtio-scmi-$v ($(wc -l <"$want") files)"
	else
		t_fail "package: .deb /usr/src payload" "differs from the tree: $(grep -m2 '^[-+][^-+]' "$out/usr-src.diff" | tr '\n' ' ')"
	fi
	if [ -n "$rpm" ]; then
		pk_usr_src_rpm "$rpm" >"$out/usr-src.rpm"
		if diff <(awk '{print $2}' "$out/usr-src.deb") <(awk '{print $2}' "$out/usr-src.rpm") >"$out/usr-src-deb-rpm.diff"; then
			t_pass "package: .rpm /usr/src payload = .deb /usr/src payload"
		else
			t_fail "package: .rpm /usr/src payload" "differs from the .deb: $(head -n 3 "$out/usr-src-deb-rpm.diff" | tr '\n' ' ')"
		fi
		t_check "package: no executable bit under /usr/src (.rpm)" \
			bash -c "! awk '\$1 !~ /^d/ && \$1 ~ /x/' '$out/usr-src.rpm' | grep ."
	fi
	t_check "package: no executable bit under /usr/src (.deb)" \
		bash -c "! awk '\$1 !~ /^d/ && \$1 ~ /x/' '$out/usr-src.deb' | grep ."
	t_check "package: no license file under /usr/src" \
		bash -c "! grep -Ei '/(LICENSE|COPYING)[^/]*$' '$out/usr-src.deb'"

	# dkms.conf as shipped
	x=$(mktemp -d)
	dpkg-deb -x "$deb" "$x/deb"
	dpkg-deb -e "$deb" "$x/deb/DEBIAN"
	local conf=$x/deb/usr/src/virtio-scmi-$v/dkms.conf
	t_check "package: dkms.conf fields (name, version $v, module, location, AUTOINSTALL, NO_WEAK_MODULES, arch, kernel >= 6.12 regex, config, nothing deprecated)" \
		pk_check_dkms_conf "$conf" "$v"
	if [ -n "$rpm" ]; then
		mkdir -p "$x/rpm"
		(cd "$x/rpm" && rpm2cpio "$rpm" | cpio -idm --quiet)
		t_check "package: the .rpm's dkms.conf is the .deb's" cmp "$conf" "$x/rpm/usr/src/virtio-scmi-$v/dkms.conf"
		t_check "package: .rpm ships no modprobe.d file (modules.alias routes the device)" \
			bash -c "! rpm -qpl '$rpm' 2>/dev/null | grep -q modprobe.d"
		f=$(rpm -qp --scripts "$rpm" 2>/dev/null)
		if grep -q 'dkms add .*--rpm_safe_upgrade' <<<"$f" && grep -q 'for d in /lib/modules/\*/build/include' <<<"$f" &&
		   grep -q 'dkms install -m virtio-scmi -v [^ ]* -k "\$k"' <<<"$f" &&
		   grep -q 'dkms remove .*--all --rpm_safe_upgrade' <<<"$f"; then
			t_pass "package: .rpm %post dkms add, dkms install for every kernel with headers, %preun dkms remove --all, --rpm_safe_upgrade"
		else
			t_fail "package: .rpm scriptlets" "$(tr '\n' ' ' <<<"$f" | cut -c1-200)"
		fi
		t_check "package: .rpm %post loads virtio_scmi for an unbound virtio SCMI device" \
			bash -c "rpm -qp --scripts '$rpm' 2>/dev/null | grep -q 'modprobe virtio_scmi'"
		f=$(rpm -qp --qf '[%{REQUIREFLAGS:deptype} %{REQUIRENAME}\n]' "$rpm" 2>/dev/null)
		if grep -Eq '^(post|.*,post)[^ ]* dkms$|^post dkms$' <<<"$f" && grep -Eq '^[^ ]*preun[^ ]* dkms$' <<<"$f"; then
			t_pass "package: .rpm Requires(post) and Requires(preun): dkms"
		else
			t_fail "package: .rpm Requires(post)/(preun): dkms" "$(grep dkms <<<"$f" | tr '\n' ';')"
		fi
		fld_in_tree "$x/rpm" ".rpm"
		t_check "package: .rpm ships %license LICENSE" bash -c "rpm -qp --qf '[%{FILENAMES} %{FILEFLAGS:fflags}\n]' '$rpm' 2>/dev/null | grep -q 'LICENSE l'"
	fi
	t_check "package: .deb ships no modprobe.d file and no conffile (modules.alias routes the device)" \
		bash -c "[ ! -e '$x/deb/etc/modprobe.d' ] && ! grep -qs modprobe '$x/deb/DEBIAN/conffiles'"
	t_check "package: .deb maintainer scripts remove 0.1.0's modprobe.d conffile (rm_conffile)" \
		bash -c "for s in preinst postinst postrm; do grep -q 'dpkg-maintscript-helper rm_conffile /etc/modprobe.d/virtio-scmi-dkms.conf 0.2.0' '$x/deb/DEBIAN/'\$s || exit 1; done"
	fld_in_tree "$x/deb" ".deb"
	fld_postinst "$x/deb/DEBIAN/postinst" "$out/postinst.log"
	fld_skips "$x/deb/usr/src/virtio-scmi-$v" "$v" "$out"
	f=$(dpkg-deb -f "$deb")
	if grep -qx 'Architecture: all' <<<"$f" && grep -Eq '^Depends:.*dkms \(>= ' <<<"$f" &&
	   grep -q '^Recommends: virtio-scmi-diag' <<<"$f"; then
		t_pass "package: virtio-scmi-dkms is Architecture: all, Depends: dkms, Recommends: virtio-scmi-diag"
	else
		t_fail "package: virtio-scmi-dkms control" "$(tr '\n' ' ' <<<"$f" | cut -c1-200)"
	fi
	# the build compiles a host program: the compiler and the C library's
	# headers (gcc alone does not bring libc6-dev on a minimal system)
	grep -Eq '^Depends:.* gcc(,|$)' <<<"$f" && grep -Eq '^Depends:.*libc6-dev \| libc-dev' <<<"$f" &&
		t_pass "package: virtio-scmi-dkms Depends: gcc, libc6-dev | libc-dev (the build's host program)" ||
		t_fail "package: virtio-scmi-dkms Depends: gcc, libc6-dev | libc-dev" "$(grep '^Depends:' <<<"$f")"
	t_check "package: .dsc has Testsuite: autopkgtest-pkg-dkms" grep -q '^Testsuite: autopkgtest-pkg-dkms' "$out/virtio-scmi_${v}.dsc"
	t_check "package: debian/control has Rules-Requires-Root: no and dh-sequence-dkms" \
		bash -c "grep -q '^Rules-Requires-Root: no' '$TOP/debian/control' && grep -q 'dh-sequence-dkms' '$TOP/debian/control'"
	t_check "package: postinst/prerm call dkms for virtio-scmi $v" \
		bash -c "grep -qx 'DKMS_NAME=virtio-scmi' '$x/deb/DEBIAN/postinst' && grep -qx 'DKMS_VERSION=$v' '$x/deb/DEBIAN/postinst' &&
			 grep -q common.postinst '$x/deb/DEBIAN/postinst' && grep -q 'dkms remove' '$x/deb/DEBIAN/prerm'"
	t_check "package: debian/rules never builds against the host kernel (dh_auto_* overridden)" \
		bash -c "! grep -Eq 'make -C .*(lib/modules|KDIR)|M=\\\$' '$out/deb-build.log' && grep -q 'override_dh_auto_build' '$TOP/debian/rules'"

	t_check "package: dkms $(dkms --version 2>/dev/null | grep -Eo '[0-9.]+$') skips 6.1 and non-aarch64 with exit 77" \
		pk_dkms_skip "$x/deb/usr/src/virtio-scmi-$v" "$v"

	# virtio-scmi-diag, as packaged
	dpkg-deb -x "$diagdeb" "$x/diag"
	t_check "package: virtio-scmi-diag .deb ships the tool and its man page" \
		test -x "$x/diag/usr/bin/virtio-scmi-diag" -a -s "$x/diag/usr/share/man/man1/virtio-scmi-diag.1.gz"
	rc=0
	"$TOP/src/virtio-scmi-diag/tests.sh" "$x/diag/usr/bin/virtio-scmi-diag" >"$out/diag-tests.log" 2>&1 || rc=$?
	t_tap "package: diag" "$out/diag-tests.log" "$rc"
	rm -rf "$x"
}
