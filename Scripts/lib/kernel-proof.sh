# shellcheck shell=bash
# shellcheck disable=SC2154 # the wrapper sets repo, tree and the series' data (below)
# The kernel proofs, once (Scripts/kernel-proof for 6.12 and
# Scripts/kernel-proof-7.3 say what differs): the generated Rust blk-mq
# abstractions proven in a real kernel tree.
#   1. the series' source unpacked into a scratch tree (kernel_unpack),
#   2. tinyconfig plus kernel_options (RUST, rnull, C null_blk and what the
#      guest's fio and busybox need), each of kernel_required_options =y,
#   3. `mqgen --kernel-tree` twice (the second run must change nothing) and
#      `--check`, every exit status checked; --upstream, where the series
#      offers it, skips this and proves the tree's own abstractions,
#   4. `make LLVM=1` with no rustc warning in rust/kernel/block,
#      rustfmtcheck, CLIPPY=1 (which must have checked each of
#      clippy_objects) with no warning there, checkpatch on
#      rust/helpers/blk.c (no ERROR; checkpatch itself must have run),
#   5. a qemu (TCG) boot with a busybox initramfs and
#      Scripts/guest/<proof>-init: rnull checked and compared with null_blk.
#
#   kernel_proof [--jobs N] [--reuse] [the series' own options]
#   --reuse   keep an already unpacked and built tree (for iterating).
#
# The wrapper sets, before calling it:
#   proof, series            kernel-proof-7.3, 7.3
#   tree                     the scratch tree (absolute)
#   host_packages=()         Debian packages of the host besides the common ones
#   kernel_options+=(...)    options on top of kernel_base_options
#   kernel_required_options+=(...)
#   prepare_target           what makes include/generated for mqgen (prepare, prepare0)
#   clippy_objects=()        the Rust objects CLIPPY=1 rebuilds (relative to the tree)
#   boot_timeout, boot_cmdline   the qemu boot's limit in seconds, and null_blk's parameters
# and defines
#   kernel_toolchain         the series' compilers (and whatever they need) ready
#   kmake ARGS...            make in the tree with that toolchain, LLVM=1, -j"$jobs"
#   kernel_unpack            a fresh $tree of the series (a step of its own)
# and may define proof_option (Scripts/lib/proof.sh). Everything lands in
# .build/<proof> (logs, console-<time>.log). The heavy steps hold the heavy
# lock (Scripts/lib/proof.sh).
. Scripts/lib/proof.sh

# The options the issue lists on top of tinyconfig, plus what glibc's fio and
# busybox need in the guest (futex, epoll, SysV shm for fio, ...).
kernel_base_options=(
    64BIT PRINTK TTY SERIAL_8250 SERIAL_8250_CONSOLE BLK_DEV_INITRD RD_GZIP DEVTMPFS DEVTMPFS_MOUNT
    PROC_FS SYSFS BINFMT_ELF BINFMT_SCRIPT BLOCK BLK_DEV RUST BLK_DEV_RUST_NULL BLK_DEV_NULL_BLK
    MULTIUSER FUTEX EPOLL SIGNALFD TIMERFD EVENTFD SHMEM AIO IO_URING POSIX_TIMERS FILE_LOCKING
    UNIX98_PTYS TMPFS SYSVIPC
)
kernel_options=("${kernel_base_options[@]}")
# Options drop silently when a dependency is missing (RUST needs a working
# rustc, bindgen and rust-src): these must be =y after olddefconfig.
kernel_required_options=(RUST BLK_DEV_RUST_NULL BLK_DEV_NULL_BLK SERIAL_8250_CONSOLE BLK_DEV_INITRD)
jobs=$(nproc) reuse=0 upstream=0

library_option() {
    case $1 in
    --jobs) jobs=$2 proof_shift=2 ;;
    --reuse) reuse=1 proof_shift=1 ;;
    *) return 1 ;;
    esac
}

kernel_configure() {
    local option
    kmake tinyconfig >/dev/null || fail "make tinyconfig"
    for option in "${kernel_options[@]}"; do
        "$tree/scripts/config" --file "$tree/.config" --enable "$option" || fail "scripts/config --enable $option"
    done
    kmake olddefconfig >/dev/null || fail "make olddefconfig"
    for option in "${kernel_required_options[@]}"; do
        grep -q "^CONFIG_$option=y" "$tree/.config" ||
            fail "CONFIG_$option is not =y after olddefconfig; make rustavailable says: $(kmake rustavailable 2>&1 | tail -3)"
    done
}

kernel_mqgen() {
    local mqgen second
    step "building mqgen"
    proof_swift_build mqgen
    mqgen=$proof_binary
    step "mqgen --kernel-tree (first run)"
    "$mqgen" --kernel-tree "$tree" --templates "$repo/Templates" || fail "mqgen --kernel-tree"
    step "mqgen --kernel-tree (second run: must change nothing)"
    second=$("$mqgen" --kernel-tree "$tree" --templates "$repo/Templates" 2>&1) ||
        { echo "$second"; fail "second mqgen --kernel-tree"; }
    echo "$second"
    [[ $second == *" 0 written, "*" 0 removed"* ]] || fail "second in-tree run changed the tree"
    "$mqgen" --kernel-tree "$tree" --templates "$repo/Templates" --check >/dev/null || fail "--check after in-tree run"
}

# no_block_warnings LOG CONTEXT WHAT: fails if a warning or error in LOG
# names rust/kernel/block within CONTEXT lines, showing them. (grep without
# -q: it reads all of its input, so pipefail never sees grep -A die of SIGPIPE.)
no_block_warnings() {
    local log=$1 context=$2 what=$3
    if grep -E '^(warning|error)' -A"$context" "$log" | grep 'rust/kernel/block' >/dev/null; then
        grep -E '^(warning|error)' -A$((context * 2)) "$log" | head -80
        fail "$what in rust/kernel/block"
    fi
}

# checkpatch.pl --terse on rust/helpers/blk.c: no ERROR. With --terse a
# clean file prints nothing, a file with findings one line each and a
# total line (exit 1); so anything else, or another exit status, is
# checkpatch not having checked the file (it exits 0 on a file it cannot read).
kernel_checkpatch() {
    local file=rust/helpers/blk.c log=$work/checkpatch.log status=0
    [ -s "$tree/$file" ] || fail "no $file in the tree"
    (cd "$tree" && perl scripts/checkpatch.pl --no-tree --terse -f "$file") >"$log" 2>&1 || status=$?
    cat "$log"
    case $status in
    0) [ ! -s "$log" ] || fail "checkpatch.pl exited 0 but printed what is not a finding (see $log)" ;;
    1) grep -q '^total: ' "$log" || fail "checkpatch.pl exited 1 with no total line (see $log)" ;;
    *) fail "checkpatch.pl exited $status (see $log)" ;;
    esac
    ! grep -vqE "^($file:[0-9]+: (ERROR|WARNING|CHECK): |total: )" "$log" ||
        fail "checkpatch.pl printed what is not a finding (see $log)"
    ! grep -q 'ERROR' "$log" || fail "checkpatch errors in $file"
}

kernel_proof() {
    local object initramfs log booted=0
    proof_read_options "$@"
    proof_start

    require_packages busybox-static qemu-system-x86 fio cpio xz-utils "${host_packages[@]}"
    kernel_toolchain

    # --upstream proves the tree as Debian ships it: a tree mqgen wrote into is
    # unpacked anew.
    if ((!reuse)) || [ ! -f "$tree/Makefile" ] || { ((upstream)) && [ -e "$tree/.mqgen-manifest" ]; }; then
        kernel_unpack
    fi
    # Configured on every run: with --reuse, kbuild then rebuilds only what changed.
    step "configuring: tinyconfig + ${#kernel_options[@]} options"
    kernel_configure
    # The headers mqgen parses need include/generated (autoconf.h, asm/, ...).
    heavy kmake "$prepare_target" >"$work/prepare.log" 2>&1 || { tail -30 "$work/prepare.log"; fail "make $prepare_target"; }

    if ((upstream)); then
        echo "$proof: --upstream: the tree's own rust/kernel/block, no mqgen"
    else
        kernel_mqgen
    fi

    step "building bzImage with LLVM=1 (-j$jobs)"
    heavy kmake bzImage >"$work/build.log" 2>&1 ||
        { grep -E 'error|warning' "$work/build.log" | head -40; tail -20 "$work/build.log"; fail "kernel build"; }
    no_block_warnings "$work/build.log" 3 "rustc warnings"

    step "make rustfmtcheck"
    kmake rustfmtcheck >"$work/rustfmt.log" 2>&1 || { head -60 "$work/rustfmt.log"; fail "rustfmtcheck"; }

    step "make CLIPPY=1 (kernel crate and rnull)"
    for object in "${clippy_objects[@]}"; do rm -f "${tree:?}/$object"; done
    heavy kmake CLIPPY=1 bzImage >"$work/clippy.log" 2>&1 || { tail -40 "$work/clippy.log"; fail "CLIPPY=1 build"; }
    # kbuild says CLIPPY for each object clippy-driver checked: a build that
    # checked nothing must not pass for a clean one.
    for object in "${clippy_objects[@]}"; do
        grep -q "CLIPPY.* $object" "$work/clippy.log" || fail "CLIPPY=1 did not check $object (see $work/clippy.log)"
    done
    no_block_warnings "$work/clippy.log" 4 "clippy warnings"

    step "checkpatch.pl on rust/helpers/blk.c"
    kernel_checkpatch

    step "initramfs and qemu boot"
    initramfs=$work/initramfs
    initramfs_new "$initramfs" fio
    initramfs_add_init "$initramfs" "Scripts/guest/$proof-init"
    initramfs_pack "$initramfs" "$work/initramfs.cpio"
    log=$work/console-$(date -u +%Y%m%dT%H%M%SZ).log
    heavy qemu_boot "$tree/arch/x86/boot/bzImage" "$work/initramfs.cpio" "$log" "$boot_timeout" "$boot_cmdline" \
        -m 1G -smp 1 || booted=$?
    proof_boot_result "$log" "$booted"
    proof_pass "$log" "$( ((upstream)) && echo "upstream abstractions" || echo "mqgen's abstractions")"
}
