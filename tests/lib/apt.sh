# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# A private apt configuration for downloading other suites' and arm64
# packages into the test cache, without touching the host's apt state.  The
# mirror is the one in the host's own sources, read at run time.
#
#   vapt update                 refresh the private package lists (once a day)
#   vapt download PKG...        into the current directory
#   vapt_newest PKG [SUITE]     newest version of PKG (optionally in SUITE)
#   vapt_fetch PKG[=VER] DIR    download once into DIR (cached), print path

APT_DIR=$CACHE/apt
APT_SUITES=(trixie trixie-backports sid bookworm bookworm-backports)

apt_mirror() {
	local uri=""
	[ -r /etc/apt/sources.list.d/debian.sources ] &&
		uri=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)
	[ -n "$uri" ] || [ ! -r /etc/apt/sources.list ] ||
		uri=$(awk '$1=="deb"{for(i=2;i<=NF;i++) if ($i ~ /^(https?|file):/) {print $i; exit}}' /etc/apt/sources.list)
	[ -n "$uri" ] || { echo "apt.sh: no Debian mirror in the host's apt sources" >&2; return 1; }
	echo "$uri"
}

apt_setup() {
	local uri s
	[ -s "$APT_DIR/sources.list" ] && return 0
	uri=$(apt_mirror) || return 1
	mkdir -p "$APT_DIR/lists/partial" "$APT_DIR/cache/archives/partial" "$APT_DIR/etc/preferences.d"
	: >"$APT_DIR/sources.list.new"
	for s in "${APT_SUITES[@]}"; do
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $s main" >>"$APT_DIR/sources.list.new"
	done
	mv "$APT_DIR/sources.list.new" "$APT_DIR/sources.list"
}

vapt() {
	apt_setup || return 1
	local cmd=$1; shift
	apt-get -q -oAPT::Architecture=arm64 -oAPT::Architectures::=arm64 -oAPT::Architectures::=amd64 \
		-oDir::State::Lists="$APT_DIR/lists" -oDir::State::status=/dev/null \
		-oDir::Etc::SourceList="$APT_DIR/sources.list" -oDir::Etc::SourceParts=/dev/null \
		-oDir::Etc::Preferences=/dev/null -oDir::Etc::PreferencesParts="$APT_DIR/etc/preferences.d" \
		-oDir::Cache="$APT_DIR/cache" -oAcquire::Check-Valid-Until=false \
		-oDebug::NoLocking=1 "$cmd" "$@"
}

vapt_cache() {
	apt_setup || return 1
	apt-cache -oAPT::Architecture=arm64 -oAPT::Architectures::=arm64 -oAPT::Architectures::=amd64 \
		-oDir::State::Lists="$APT_DIR/lists" -oDir::State::status=/dev/null \
		-oDir::Etc::SourceList="$APT_DIR/sources.list" -oDir::Etc::SourceParts=/dev/null \
		-oDir::Etc::Preferences=/dev/null -oDir::Etc::PreferencesParts="$APT_DIR/etc/preferences.d" \
		-oDir::Cache="$APT_DIR/cache" "$@"
}

# Refresh the lists when missing or older than a day.
vapt_update() {
	apt_setup || return 1
	local stamp=$APT_DIR/updated
	if [ -z "$(find "$stamp" -mmin -1440 2>/dev/null)" ]; then
		vapt update >/dev/null 2>&1 || vapt update >&2 || return 1
		touch "$stamp"
	fi
}

# vapt_newest PKG [SUITE]: newest version available (in SUITE if given).
vapt_newest() {
	local pkg=$1 suite=${2:-}
	vapt_update || return 1
	if [ -n "$suite" ]; then
		vapt_cache madison "$pkg" | awk -F'|' -v s="$suite" '
			{ gsub(/ /, "", $2); split($3, a, " "); if (a[2] ~ "^" s "/" || a[2] == s) print $2 }' |
			sort -V | tail -n 1
	else
		vapt_cache madison "$pkg" | awk -F'|' '{ gsub(/ /, "", $2); print $2 }' | sort -V | tail -n 1
	fi
}

# vapt_fetch PKG[:ARCH][=VER] DIR: download once, print the .deb path.
vapt_fetch() {
	local spec=$1 dir=$2 name ver f
	name=${spec%%=*}; name=${name%%:*}
	mkdir -p "$dir"
	if [ "$spec" != "${spec#*=}" ]; then
		ver=${spec#*=}
		f=$(compgen -G "$dir/${name}_${ver//:/%3a}_*.deb" | head -n 1)
		[ -n "$f" ] && { echo "$f"; return 0; }
	fi
	vapt_update || return 1
	(cd "$dir" && vapt download "$spec" >/dev/null 2>&1 || vapt download "$spec" >&2) || return 1
	ver=${ver:-$(vapt_newest "$name")}
	f=$(compgen -G "$dir/${name}_${ver//:/%3a}_*.deb" | head -n 1)
	[ -n "$f" ] || f=$(ls -t "$dir/${name}"_*.deb 2>/dev/null | head -n 1)
	[ -n "$f" ] || { echo "apt.sh: download of $spec left no .deb" >&2; return 1; }
	echo "$f"
}
