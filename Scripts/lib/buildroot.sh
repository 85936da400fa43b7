# shellcheck shell=bash
# A Debian build root of another suite (trixie), made with debootstrap on the
# mirror archive.sh uses, for toolchains bookworm does not have (a 7.x kernel
# wants LLVM >= 17 and a newer bindgen and rustc than bookworm's). Cached: a
# stamp file names the suite and the package list, and a root whose stamp
# matches is reused as it is.
#
#   buildroot_make DIR SUITE PKG...   -> DIR is a chroot with PKG installed
#   buildroot_ready DIR SUITE PKG...  -> whether it is already
#   buildroot_mount DIR               -> /proc, /sys and /dev inside it (undone by buildroot_umount)
#   buildroot_run DIR CMD...          -> CMD inside it, with a clean environment
#
# Needs archive.sh (archive_mirror) and root.

buildroot_mounted=()

buildroot_mount() {
    local root=$1 fs
    for fs in proc sys dev; do
        mountpoint -q "$root/$fs" && continue
        mkdir -p "$root/$fs"
        case $fs in
        proc) mount -t proc proc "$root/proc" ;;
        sys) mount -t sysfs sys "$root/sys" ;;
        dev) mount --bind /dev "$root/dev" ;;
        esac
        buildroot_mounted+=("$root/$fs")
    done
}

# Unmounts what buildroot_mount mounted, newest first; lazily, so that a
# process still holding a file does not leave the mount behind. Meant for
# an EXIT trap.
buildroot_umount() {
    local i
    for ((i = ${#buildroot_mounted[@]} - 1; i >= 0; i--)); do
        ! mountpoint -q "${buildroot_mounted[i]}" || umount -l "${buildroot_mounted[i]}" ||
            echo "buildroot: warning: could not unmount ${buildroot_mounted[i]}" >&2
    done
    buildroot_mounted=()
}

buildroot_run() {
    local root=$1
    shift
    env -i HOME=/root TERM=dumb LANG=C.UTF-8 PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
        chroot "$root" "$@"
}

# buildroot_ready DIR SUITE PKG...: DIR was made for SUITE with exactly PKG.
buildroot_ready() {
    local root=$1 suite=$2
    shift 2
    [ -f "$root/.mqgen-buildroot" ] && [ "$(cat "$root/.mqgen-buildroot")" = "$suite $*" ]
}

buildroot_make() {
    local root=$1 suite=$2 stamp mirror t fs
    shift 2
    stamp="$suite $*"
    ! buildroot_ready "$root" "$suite" "$@" || return 0
    # A root of another suite, or from an interrupted debootstrap (which
    # does not resume), is made anew; one that only lacks packages gets them.
    if [ "$(cat "$root/.mqgen-debootstrap" 2>/dev/null)" != "$suite" ]; then
        mirror=$(archive_mirror) || return 1
        buildroot_umount
        for fs in proc sys dev; do
            ! mountpoint -q "$root/$fs" || umount -l "$root/$fs"
        done
        # --one-file-system: never into a /dev or /proc still mounted inside.
        rm -rf --one-file-system "$root"
        mkdir -p "$(dirname "$root")"
        echo "buildroot: debootstrap --variant=minbase $suite $root $mirror"
        t=$SECONDS
        debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$root.debootstrap.log" 2>&1 ||
            { tail -20 "$root.debootstrap.log" >&2; echo "buildroot: error: debootstrap failed ($root.debootstrap.log)" >&2; return 1; }
        echo "$suite" >"$root/.mqgen-debootstrap"
        echo "buildroot: debootstrap took $((SECONDS - t))s"
    fi
    t=$SECONDS
    buildroot_mount "$root"
    # Name resolution for apt inside the root, where the host has it.
    [ ! -e /etc/resolv.conf ] || cp -L /etc/resolv.conf "$root/etc/resolv.conf" ||
        { echo "buildroot: error: cannot copy /etc/resolv.conf into $root" >&2; return 1; }
    echo "buildroot: apt-get install $*"
    { buildroot_run "$root" apt-get update -q &&
        buildroot_run "$root" apt-get install -y -q --no-install-recommends "$@"; } >"$root.apt.log" 2>&1 ||
        { tail -20 "$root.apt.log" >&2; echo "buildroot: error: apt-get install in $root failed ($root.apt.log)" >&2; return 1; }
    buildroot_run "$root" apt-get clean
    echo "buildroot: packages took $((SECONDS - t))s"
    echo "$stamp" >"$root/.mqgen-buildroot"
}
