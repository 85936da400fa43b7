# shellcheck shell=bash
# shellcheck disable=SC2154 # the wrapper sets repo and the proof's data (below)
# The ublk and VDUSE proofs, once (Scripts/ublk-proof and Scripts/vduse-proof
# say what differs): boots Debian's 6.12 kernel under qemu (TCG) with a
# busybox initramfs holding mqgen-serve (static Swift stdlib, no libclang),
# fio, mke2fs, losetup, blkdiscard, dmsetup and the proof's modules, with a
# 2 GiB virtio disk for the file driver's backing files, and runs the checks
# of Scripts/guest/<proof>-init, one verdict line each.
#
#   transport_proof [--timeout SECONDS] [--only CHECK,CHECK...] [the proof's own options]
#
# The wrapper sets, before calling it:
#   proof                 its name (ublk-proof): messages, VERDICT, .build/<proof>, the guest script
#   proof_timeout         --timeout's default, in seconds
#   proof_packages=()     Debian packages besides the common ones
#   proof_modules=()      the kernel modules the guest loads, their dependencies found by modprobe
# and may define proof_option (Scripts/lib/proof.sh), and
#   proof_add_files ROOT  what else goes into the initramfs
#   proof_cmdline         words of its own for the kernel command line
. Scripts/lib/proof.sh

proof_add_files() { :; }
proof_cmdline() { :; }

seconds="" only=""
library_option() {
    case $1 in
    --timeout) seconds=$2 proof_shift=2 ;;
    --only) only=$2 proof_shift=2 ;;
    *) return 1 ;;
    esac
}

transport_proof() {
    local kernel release image links root log disk extra booted=0
    seconds=$proof_timeout
    proof_read_options "$@"
    proof_start

    require_packages liburing-dev busybox-static qemu-system-x86 fio e2fsprogs cpio xz-utils kmod mount util-linux \
        dmsetup "${proof_packages[@]}"
    if ! compgen -G '/boot/vmlinuz-6.12.*-amd64' >/dev/null; then
        image=$(apt-cache search --names-only '^linux-image-6\.12\..*-amd64-unsigned$' | awk '{ print $1 }' | sort -V | tail -1)
        [ -n "$image" ] || fail "no linux-image-6.12.*-amd64-unsigned package in the apt sources"
        require_packages "$image"
    fi
    kernel=$(compgen -G '/boot/vmlinuz-6.12.*-amd64' | sort -V | tail -1)
    release=${kernel#/boot/vmlinuz-}

    step "building mqgen-serve (release, static Swift stdlib)"
    proof_swift_build mqgen-serve --static-swift-stdlib
    links=$(ldd "$proof_binary") || fail "ldd $proof_binary"
    ! grep -qiE 'clang|LLVM' <<<"$links" || fail "mqgen-serve links libclang/LLVM"

    step "initramfs for $release"
    root=$work/initramfs
    initramfs_new "$root" fio
    initramfs_add_binary "$root" "$proof_binary" /bin/mqgen-serve
    initramfs_add_mke2fs "$root"
    # The backing checks, and losetup for the loop device the benchmark compares with.
    initramfs_add_backing_checks "$root"
    initramfs_add_list_checks "$root"
    mkdir -p "$root/run"
    proof_add_files "$root"
    initramfs_add_modules "$root" "$release" "${proof_modules[@]}"
    initramfs_add_init "$root" "Scripts/guest/$proof-init"
    initramfs_pack "$root" "$work/initramfs.cpio"
    step "initramfs: $(du -h "$work/initramfs.cpio" | cut -f1)"

    step "booting $kernel under qemu (TCG), timeout ${seconds}s"
    log=$work/console-$(date -u +%Y%m%dT%H%M%SZ).log
    # The guest's real disk, for the file driver's backing files (ext4 there).
    disk=$work/disk.img
    rm -f "$disk"
    truncate -s 2G "$disk"
    extra=$(proof_cmdline)
    qemu_boot "$kernel" "$work/initramfs.cpio" "$log" "$seconds" "quiet loglevel=4${extra:+ $extra}${only:+ mqgen.only=$only}" \
        -m 2G -smp 2 -drive "file=$disk,if=virtio,format=raw,cache=writeback,aio=threads" || booted=$?
    proof_boot_result "$log" "$booted"
    rm -f "$disk"
    proof_pass "$log"
}
