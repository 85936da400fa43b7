# shellcheck shell=bash
# Building a busybox initramfs for qemu guests from the host's Debian binaries.

# initramfs_new ROOT [TOOL...]: an empty root with busybox-static and its
# applet links, and each TOOL of the host's PATH (fio) with its libraries.
initramfs_new() {
    local root=$1 applets applet tool path
    shift
    rm -rf "$root"
    mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,mnt,lib,lib64,usr/bin,etc} && cp /bin/busybox "$root/bin/busybox" || return 1
    applets=$("$root/bin/busybox" --list) || return 1
    for applet in $applets; do
        [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet" || return 1
    done
    for tool in "$@"; do
        path=$(command -v "$tool") || { echo "initramfs: error: no $tool on the PATH" >&2; return 1; }
        initramfs_add_binary "$root" "$path" || return 1
    done
}

# initramfs_add_binary ROOT PATH [DEST]: copies a dynamic binary and every
# shared library ldd resolves for it, at the same paths.
initramfs_add_binary() {
    local root=$1 binary=$2 dest=${3:-$2} libraries library
    libraries=$(ldd "$binary" | grep -o '/[^ ]*' | sort -u) ||
        { echo "initramfs: error: ldd $binary names no library" >&2; return 1; }
    mkdir -p "$root$(dirname "$dest")" && cp -L "$binary" "$root$dest" || return 1
    for library in $libraries; do
        [ -e "$root$library" ] && continue
        mkdir -p "$root$(dirname "$library")" && cp -L "$library" "$root$library" || return 1
    done
}

# initramfs_add_init ROOT SCRIPT: SCRIPT (Scripts/guest/*-init) as the
# executable /init, and beside it /lib.sh (Scripts/guest/lib.sh, which each
# init sources) and /median.sh (Scripts/lib/median.sh, which lib.sh sources).
initramfs_add_init() {
    local root=$1 script=$2
    cp "$script" "$root/init" && chmod +x "$root/init" &&
        cp Scripts/guest/lib.sh "$root/lib.sh" && cp Scripts/lib/median.sh "$root/median.sh"
}

# initramfs_add_modules ROOT RELEASE MODULE...: the modules of kernel
# RELEASE and what they depend on, decompressed (for busybox insmod) into
# /modules, their names in load order in /modules/order.
initramfs_add_modules() {
    local root=$1 release=$2 module paths path name
    shift 2
    mkdir -p "$root/modules" || return 1
    : >"$root/modules/order"
    for module in "$@"; do
        paths=$(modprobe -S "$release" --show-depends "$module" | awk '$1 == "insmod" { print $2 }') || paths=""
        [ -n "$paths" ] || { echo "initramfs: error: no module $module for $release" >&2; return 1; }
        for path in $paths; do
            name=$(basename "$path" .ko.xz)
            ! grep -qxF "$name" "$root/modules/order" || continue
            xz -dc "$path" >"$root/modules/$name.ko" && echo "$name" >>"$root/modules/order" || return 1
        done
    done
}

# initramfs_pack ROOT OUT: a newc cpio archive of ROOT.
initramfs_pack() {
    local root=$1 out=$2
    (cd "$root" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet) >"$out"
}

# qemu_boot KERNEL INITRD LOG SECONDS APPEND [QEMU ARGS...]: boots under TCG
# (KVM does not work on these machines) with the console on LOG. Always under
# timeout: qemu can hang on exit. Its exit status is qemu's (124: timed
# out); what the guest says (guest_verdicts) decides.
qemu_boot() {
    local kernel=$1 initrd=$2 log=$3 seconds=$4 append=$5
    shift 5
    timeout --kill-after=10 "$seconds" qemu-system-x86_64 -accel tcg -nographic -no-reboot \
        -kernel "$kernel" -initrd "$initrd" -append "console=ttyS0 panic=-1 $append" \
        "$@" </dev/null >"$log" 2>&1
}

# guest_verdicts LOG: prints the guest's MQGEN lines; fails unless at least one
# check ran, none failed, and the guest said it finished.
guest_verdicts() {
    local log=$1
    tr -d '\r' <"$log" | sed -nE '/^MQGEN-(CHECK|RESULT|SPEED|INFO)/p'
    tr -d '\r' <"$log" | grep -q '^MQGEN-CHECK .* PASS' &&
        ! tr -d '\r' <"$log" | grep -q '^MQGEN-CHECK .* FAIL' &&
        tr -d '\r' <"$log" | grep -q '^MQGEN-DONE'
}

# initramfs_add_backing_checks ROOT: Scripts/guest/backing-checks.sh as
# /backing-checks.sh and what it runs: util-linux losetup and blkdiscard
# (busybox's have no --direct-io and no -z; the guest calls them by path,
# since busybox's shell runs its own applet for a bare name), and dmsetup for
# a backing disk that fails on demand (device-mapper's error target, in
# dm_mod, which the caller loads with loop).
initramfs_add_backing_checks() {
    local root=$1
    cp Scripts/guest/backing-checks.sh "$root/backing-checks.sh"
    initramfs_add_binary "$root" /usr/sbin/losetup /usr/sbin/losetup
    initramfs_add_binary "$root" /usr/sbin/blkdiscard /usr/sbin/blkdiscard
    initramfs_add_binary "$root" /sbin/dmsetup
}

# initramfs_add_list_checks ROOT: Scripts/guest/list-checks.sh as
# /list-checks.sh, the helpers of the `mqgen-serve list` checks.
initramfs_add_list_checks() {
    cp Scripts/guest/list-checks.sh "$1/list-checks.sh"
}

# initramfs_add_mke2fs ROOT: e2fsprogs' mke2fs as mkfs.ext4, with a
# configuration of its own (the guest has no /etc/mke2fs.conf). The ext4
# features are Debian's but metadata_csum, which needs a crc32c module the
# guests do not load: extents are what fallocate's ZERO_RANGE needs. Inode
# tables and the journal are zeroed by mke2fs, not later by ext4lazyinit,
# whose writes would run under whichever benchmark round they overlap.
initramfs_add_mke2fs() {
    local root=$1
    initramfs_add_binary "$root" /sbin/mke2fs
    ln -sf mke2fs "$root/sbin/mkfs.ext4"
    mkdir -p "$root/etc"
    cat >"$root/etc/mke2fs.conf" <<'CONF'
[defaults]
	base_features = sparse_super,large_file,filetype,resize_inode,dir_index,ext_attr
	default_mntopts = acl,user_xattr
	blocksize = 4096
	inode_size = 256
	inode_ratio = 16384
	lazy_itable_init = false
	lazy_journal_init = false

[fs_types]
	ext4 = {
		features = has_journal,extent,huge_file,flex_bg,64bit,dir_nlink,extra_isize
	}
	small = {
		inode_ratio = 4096
	}
	floppy = {
		inode_ratio = 8192
	}
CONF
}
