# shellcheck shell=bash
# Packages from other Debian suites and architectures, downloaded and
# unpacked without installing them: an apt configuration of mqgen's own
# (sources list, lists and cache under .build/apt), on the mirror this
# machine's apt already uses. The archive keeps only the newest package of
# a series, so callers ask for a series (7.3) and take what is there.
#
#   archive_newest 'linux-headers-7.3.*-common'  -> linux-headers-7.3.4+deb13-common
#   archive_unpack linux-source-7.3 DIR [ARCH]    -> DIR holds the package's files

archive_dir=${MQGEN_ARCHIVE_DIR:-$PWD/.build/apt}
archive_suites=(trixie trixie-backports sid)

# The mirror of this machine's bookworm sources, so that nothing else is named.
archive_mirror() {
    local uri
    uri=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null)
    [ -n "$uri" ] || uri=$(awk '$1 == "deb" && $0 !~ /security/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' /etc/apt/sources.list 2>/dev/null)
    [ -n "$uri" ] || { echo "archive: error: no Debian mirror in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list" >&2; return 1; }
    echo "$uri"
}

archive_apt_options() {
    printf '%s\n' -o "Dir::Etc::SourceList=$archive_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null \
        -o "Dir::State::Lists=$archive_dir/lists" -o "Dir::Cache=$archive_dir/cache" \
        -o Dir::State::status=/dev/null -o APT::Architectures::=amd64 -o APT::Architectures::=arm64 \
        -o APT::Architectures::=riscv64 -o Debug::NoLocking=1
}

# Refreshes the package lists once a day (the archive moves; a stale list
# names packages that are gone).
archive_update() {
    local mirror suite options
    mirror=$(archive_mirror) || return 1
    mkdir -p "$archive_dir/lists/partial" "$archive_dir/cache/archives/partial" "$archive_dir/debs"
    : >"$archive_dir/sources.list.new"
    for suite in "${archive_suites[@]}"; do
        echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" >>"$archive_dir/sources.list.new"
    done
    mv "$archive_dir/sources.list.new" "$archive_dir/sources.list"
    if [ -n "$(find "$archive_dir/lists" -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null | head -1)" ]; then
        return 0
    fi
    mapfile -t options < <(archive_apt_options)
    echo "archive: updating package lists of ${archive_suites[*]}" >&2
    apt-get "${options[@]}" update -q >"$archive_dir/update.log" 2>&1 ||
        { tail -5 "$archive_dir/update.log" >&2; echo "archive: error: apt-get update failed ($archive_dir/update.log)" >&2; return 1; }
}

# archive_newest GLOB: the newest package name matching GLOB (a shell
# pattern, version-sorted), or an error naming the series that is gone.
archive_newest() {
    local glob=$1 options name
    archive_update || return 1
    mapfile -t options < <(archive_apt_options)
    name=$(apt-cache "${options[@]}" pkgnames 2>/dev/null | while read -r name; do
        # shellcheck disable=SC2053
        [[ $name == $glob ]] && echo "$name"
    done | sort -V | tail -1)
    [ -n "$name" ] || { echo "archive: error: no package matches '$glob' in ${archive_suites[*]}: the series is gone from the archive" >&2; return 1; }
    echo "$name"
}

# archive_cached_deb PACKAGE ARCH: the newest downloaded .deb of PACKAGE
# (of ARCH or architecture-independent), or nothing.
archive_cached_deb() {
    local package=$1 arch=$2 debs
    debs=$(shopt -s nullglob && cd "$archive_dir/debs" && printf '%s\n' "${package}"_*_{"$arch",all}.deb) || return 1
    [ -z "$debs" ] || sort -V <<<"$debs" | tail -1
}

# archive_unpack PACKAGE DIR [ARCH]: downloads PACKAGE (of ARCH, default
# amd64) into the cache and unpacks it into DIR, once.
archive_unpack() {
    local package=$1 dest=$2 arch=${3:-amd64} options deb
    archive_update || return 1
    mapfile -t options < <(archive_apt_options)
    mkdir -p "$dest"
    if [ -f "$dest/.unpacked-$package-$arch" ]; then return 0; fi
    deb=$(archive_cached_deb "$package" "$arch")
    if [ -z "$deb" ]; then
        (cd "$archive_dir/debs" && apt-get "${options[@]}" download -q "$package:$arch" >"$archive_dir/download.log" 2>&1) ||
            { tail -5 "$archive_dir/download.log" >&2; echo "archive: error: cannot download $package:$arch" >&2; return 1; }
        deb=$(archive_cached_deb "$package" "$arch")
    fi
    dpkg -x "$archive_dir/debs/$deb" "$dest"
    touch "$dest/.unpacked-$package-$arch"
}
