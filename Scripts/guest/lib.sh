# shellcheck shell=sh
# What the guests' /init scripts (Scripts/guest/*-init, busybox sh) share.
# initramfs_add_init (Scripts/lib/initramfs.sh) copies it into every
# initramfs as /lib.sh beside /init, with /median.sh (Scripts/lib/median.sh:
# median VALUE..., the middle value, or the mean of the two middle values
# for an even count), and each /init starts with `. /lib.sh`.
#
# The guests have no `set -e`: a failed check is a FAIL line, and the next
# check runs.
# shellcheck source=Scripts/lib/median.sh
. /median.sh

# mount_pseudo_filesystems: /proc, /sys and /dev (DEVTMPFS_MOUNT may have
# mounted /dev already).
mount_pseudo_filesystems() {
    mount -t proc proc /proc
    mount -t sysfs sys /sys
    mount -t devtmpfs dev /dev 2>/dev/null
    return 0
}

# cmdline_value KEY: VALUE of KEY=VALUE on the kernel command line, or nothing.
cmdline_value() {
    sed -n "s/.*$(echo "$1" | sed 's/\./\\./g')=\([^ ]*\).*/\1/p" /proc/cmdline
}

# check NAME COMMAND...: runs COMMAND and prints its verdict line,
#   MQGEN-CHECK NAME PASS|FAIL [SECONDSs] DETAIL
# DETAIL being the last three lines of what it printed, on one line; the
# host reads these lines (guest_verdicts, Scripts/lib/initramfs.sh). Where
# the init set $only (a comma-separated list: mqgen.only=, the proofs'
# --only), a check not in it is skipped.
check() {
    name=$1
    shift
    if [ -n "${only:-}" ] && ! echo ",$only," | grep -q ",$name,"; then return 0; fi
    start=$(date +%s)
    if detail=$("$@" 2>&1); then verdict=PASS; else verdict=FAIL; fi
    echo "MQGEN-CHECK $name $verdict [$(($(date +%s) - start))s] $(echo "$detail" | tail -3 | tr '\n' ' ')"
}

# The last check of every guest: no warning, BUG or oops in the kernel log.
no_kernel_splats() {
    ! dmesg | grep -E 'WARNING:|BUG:|Oops|Kernel panic|Call Trace'
}

# ---- the kernel proofs' guests (kernel-proof-init, kernel-proof-7.3-init)

# dd_roundtrip NAME: 4 MiB written to /dev/NAME and read back, direct.
dd_roundtrip() {
    dd if=/dev/zero of="/dev/$1" bs=4096 count=1024 oflag=direct 2>&1 | tail -1 &&
        dd if="/dev/$1" of=/dev/null bs=4096 count=1024 iflag=direct 2>&1 | tail -1
}

# no_scheduler DISK...: no I/O scheduler on the disks, and a line saying so.
# null_blk asks for none by default (BLK_MQ_F_NO_SCHED_BY_DEFAULT), rnull
# gets mq-deadline: the benchmarks compare the drivers, not the schedulers.
no_scheduler() {
    line=""
    for disk in "$@"; do
        echo none >"/sys/block/$disk/queue/scheduler"
        line="$line${line:+, }$disk $(cat "/sys/block/$disk/queue/scheduler")"
    done
    echo "MQGEN-INFO schedulers: $line"
}

# rnull_null_round ROUND: r and n, the IOPS of rnullb0 and nullb0 (iops),
# rnull measured first in odd rounds, null_blk in even ones (TCG drifts).
# shellcheck disable=SC2034 # r and n are for the caller
rnull_null_round() {
    if [ $(($1 % 2)) = 1 ]; then
        r=$(iops /dev/rnullb0)
        n=$(iops /dev/nullb0)
    else
        n=$(iops /dev/nullb0)
        r=$(iops /dev/rnullb0)
    fi
}

# iops DEV [SECONDS]: 4k random read IOPS of a device, fio with io_uring,
# QD32, 8 seconds unless SECONDS. (-smp 1 and one job: the ratio is per CPU.)
iops() {
    fio --name=r --filename="$1" --rw=randread --bs=4k --direct=1 --ioengine=io_uring --iodepth=32 \
        --runtime="${2:-8}" --time_based --thread --output-format=terse --terse-version=3 2>/dev/null |
        awk -F';' '{ print $8 }'
}

# ---- the serving guests (ublk-proof-init, vduse-proof-init)

# serve_guest_setup TRANSPORT: TRANSPORT (ublk or vduse) for the helpers
# below; /proc, /sys, /dev and a tmpfs /tmp; the modules of /modules/order;
# the CRNG; the guest's real disk, a virtio-blk drive backed by a file of
# the host, ext4 on /disk, where the file driver's backing files live
# (O_DIRECT, real latency); and only, from mqgen.only=a,b on the kernel
# command line (the proof's --only a,b): just those checks run.
serve_guest_setup() {
    TRANSPORT=$1
    export PATH=/bin:/sbin:/usr/bin
    mount_pseudo_filesystems
    mkdir -p /tmp /mnt /run && mount -t tmpfs -o size=900M tmpfs /tmp
    while read -r module; do insmod "/modules/$module.ko" || echo "insmod $module failed"; done </modules/order
    # Wait for the CRNG: its ready flag is a static key, and patching kernel
    # text while the other vCPU runs it can trap under multi-threaded TCG (a
    # qemu race seen here as "Oops: int3" in crng_make_state, not a ublk or
    # VDUSE problem).
    head -c 1 /dev/random >/dev/null
    sleep 1
    mkfs.ext4 -q -F /dev/vda && mkdir -p /disk && mount -t ext4 /dev/vda /disk || echo "MQGEN-INFO no /disk"
    only=$(cmdline_value mqgen.only)
}

# start_server NAME ARGS...: mqgen-serve ARGS in the background (through
# VDUSE as --name NAME where TRANSPORT=vduse), its output in /tmp/NAME.out
# and /tmp/NAME.err; waits for the block device it prints (20 s, VDUSE 30 s).
# Sets DEV and PID.
start_server() {
    name=$1
    shift
    tries=100
    if [ "$TRANSPORT" = vduse ]; then
        set -- --transport vduse --name "$name" "$@"
        tries=150
    fi
    mqgen-serve "$@" >"/tmp/$name.out" 2>"/tmp/$name.err" &
    PID=$!
    for _ in $(seq "$tries"); do
        DEV=$(head -1 "/tmp/$name.out")
        [ -n "$DEV" ] && [ -b "$DEV" ] && return 0
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.2
    done
    echo "server $name did not start: $(cat "/tmp/$name.err")"
    return 1
}

# stop_server: SIGTERM, then the device must be gone (for VDUSE also the
# vDPA device and /dev/vduse/NAME).
stop_server() {
    kill -TERM "$PID" && wait "$PID" && [ ! -e "$DEV" ] || return 1
    [ "$TRANSPORT" != vduse ] || { [ ! -e "/sys/bus/vdpa/devices/$name" ] && [ ! -e "/dev/vduse/$name" ]; }
}

# passed COMMAND...: runs the command, stops the server either way; fails if either failed.
passed() {
    result=0
    "$@" || result=1
    stop_server || { echo "server did not stop cleanly: $(tail -2 "/tmp/$name.err")"; result=1; }
    return $result
}

# kill_9_under_io SECONDS: fio random reads on $DEV in the background (pid
# in fio, output in /tmp/fio-kill.txt, for at most SECONDS), and 3 s into
# them kill -9 of the server; killed is when.
# shellcheck disable=SC2034 # fio and killed are for the caller
kill_9_under_io() {
    fio --name=busy --filename="$DEV" --rw=randread --bs=4k --iodepth=16 --ioengine=io_uring --direct=1 \
        --runtime="$1" --time_based --thread >/tmp/fio-kill.txt 2>&1 &
    fio=$!
    sleep 3
    kill -9 "$PID"
    killed=$(date +%s)
}

# The server's CPU time so far (user + system), in clock ticks; 0 for no PID.
cpu_ticks() {
    if [ -n "$1" ]; then awk '{ print $14 + $15 }' "/proc/$1/stat"; else echo 0; fi
}

# fio_verify DEV [SIZE]: crc32c-verified random writes, 256M unless SIZE.
fio_verify() {
    fio --name=verify --filename="$1" --rw=randwrite --bs=16k --size="${2:-256M}" --ioengine=io_uring --iodepth=32 \
        --direct=1 --verify=crc32c --verify_fatal=1 --thread 2>&1 | grep -E 'err=|verify' | head -3
}

verify_ram() {
    start_server ram --driver ram --size 320M --queues 2 --depth 128 || return 1
    # shellcheck disable=SC2012 # sysfs names
    echo "MQGEN-INFO $DEV: $(ls "/sys/block/${DEV#/dev/}/mq" | wc -l) queues, serial '$(cat "/sys/block/${DEV#/dev/}/serial" 2>/dev/null)'" >/dev/console
    fio_verify "$DEV" | tee /tmp/fio-ram.txt
    passed grep -q 'err= 0' /tmp/fio-ram.txt
}

verify_file() {
    start_server file --driver file --file /disk/verify.img --size 320M --queues 2 --depth 128 || return 1
    fio_verify "$DEV" | tee /tmp/fio-file.txt
    passed grep -q 'err= 0' /tmp/fio-file.txt
}

# ext4 on the file driver, remounted; then a new server on the same file:
# the data outlives the device.
ext4_roundtrip() {
    rm -f /disk/ext4.img
    start_server ext4 -vv --driver file --file /disk/ext4.img --size 128M --queues 2 --depth 64 || return 1
    echo "MQGEN-INFO $DEV: logical block size $(cat "/sys/block/${DEV#/dev/}/queue/logical_block_size")" >/dev/console
    mkfs.ext4 -q -F "$DEV" || { tail -3 /tmp/ext4.err; return 1; }
    mount -t ext4 "$DEV" /mnt || return 1
    for f in a b c; do dd if=/dev/urandom of=/mnt/$f bs=1M count=8 2>/dev/null; done
    (cd /mnt && md5sum a b c) >/tmp/sums
    umount /mnt && mount -t ext4 "$DEV" /mnt && (cd /mnt && md5sum -c /tmp/sums) || return 1
    umount /mnt
    stop_server || return 1
    start_server ext4b --driver file --file /disk/ext4.img --queues 1 --depth 64 || return 1
    passed sh -c "mount -t ext4 $DEV /mnt && cd /mnt && md5sum -c /tmp/sums && cd / && umount /mnt"
}

read_past_end() {
    start_server end --driver ram --size 64M --device-size 128M --queues 1 --depth 16 || return 1
    passed past_end_then_serve
}

# At 100 MiB: inside the device the kernel sees, past the 64 MiB the driver has.
past_end_then_serve() {
    if dd if="$DEV" of=/dev/null bs=4k count=1 skip=25600 iflag=direct 2>/tmp/dd.err; then
        echo "read past the driver's end succeeded"
        return 1
    fi
    grep -q 'Input/output error' /tmp/dd.err || { cat /tmp/dd.err; return 1; }
    dd if="$DEV" of=/dev/null bs=4k count=16 iflag=direct 2>/dev/null && echo "EIO past the end, then served"
}
