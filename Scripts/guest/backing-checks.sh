# shellcheck shell=sh
# Checks of the file driver's backing I/O, the same through either
# transport: sourced by ublk-proof-init and vduse-proof-init, after /lib.sh
# (Scripts/guest/lib.sh: start_server, which sets DEV and PID, passed,
# stop_server and fio_verify). The guest's real disk is /dev/vda, ext4 on
# /disk.

# A counter of the block device NAME: field N of /sys/block/NAME/stat
# (Documentation/block/stat.rst: 5 writes, 7 sectors written, 12 discards, 16 flushes).
stat_field() {
    awk -v n="$2" '{ print $n }' "/sys/block/$1/stat"
}

# zeros DEV FROM COUNT: whether COUNT MiB from FROM MiB all read as zero.
zeros() {
    [ "$(dd if="$1" bs=1M skip="$2" count="$3" iflag=direct 2>/dev/null | tr -d '\000' | wc -c)" = 0 ]
}

# backing_full MESSAGE: a backing file on a file system that fills up. The
# writes past what fits fail in the application with MESSAGE (ublk passes
# BLK_STS_NOSPC on as ENOSPC; virtio-blk has only an I/O error), and the
# device goes on serving.
backing_full() {
    mkdir -p /small && mount -t tmpfs -o size=16M small /small || return 1
    start_server full --driver file --file /small/full.img --size 64M --queues 1 --depth 32 || return 1
    if dd if=/dev/urandom of="$DEV" bs=1M count=32 oflag=direct 2>/tmp/dd-full.err; then
        echo "32 MiB fit on a 16 MiB file system"
        stop_server
        return 1
    fi
    grep -q "$1" /tmp/dd-full.err || { cat /tmp/dd-full.err; stop_server; return 1; }
    passed sh -c "dd if=$DEV of=/dev/null bs=1M count=8 iflag=direct 2>/dev/null && echo '$1 reached dd, then served'"
    umount /small
}

# Discard punches a hole: the backing file's blocks are freed and read as
# zeros. Write-zeroes zeroes a range without writing the zeros to the disk
# under the file (fallocate ZERO_RANGE), which the kernel's fallback would.
discard_and_zeroes() {
    rm -f /disk/hole.img
    start_server hole --driver file --file /disk/hole.img --size 64M --queues 1 --depth 32 || return 1
    passed holes_in_backing_file "${DEV#/dev/}"
}

holes_in_backing_file() {
    dd if=/dev/urandom of="$DEV" bs=1M count=32 oflag=direct 2>/dev/null || return 1
    written=$(stat -c %b /disk/hole.img)
    discards=$(stat_field "$1" 12)
    /usr/sbin/blkdiscard -o 0 -l 16M "$DEV" || return 1
    discards=$(($(stat_field "$1" 12) - discards)) holed=$(stat -c %b /disk/hole.img)
    [ "$discards" -gt 0 ] || { echo "no discard reached $1"; return 1; }
    # 16 MiB is 32768 blocks of 512 bytes.
    [ $((written - holed)) -ge 32768 ] || { echo "discarding 16 MiB left the file at $holed of $written blocks"; return 1; }
    zeros "$DEV" 0 16 || { echo "the discarded range does not read as zeros"; return 1; }
    [ "$(cat "/sys/block/$1/queue/write_zeroes_max_bytes")" -gt 0 ] || { echo "$1 has no write-zeroes"; return 1; }
    sectors=$(stat_field vda 7)
    /usr/sbin/blkdiscard -z -o 16M -l 8M "$DEV" || return 1
    sectors=$(($(stat_field vda 7) - sectors))
    zeros "$DEV" 16 8 || { echo "the write-zeroes range does not read as zeros"; return 1; }
    [ "$sectors" -lt 4096 ] || { echo "zeroing 8 MiB wrote $sectors sectors to the backing disk"; return 1; }
    ! zeros "$DEV" 24 8 || { echo "the range after them reads as zeros"; return 1; }
    echo "discard freed $(((written - holed) / 2048)) MiB of the backing file; write-zeroes wrote $sectors sectors for 8 MiB"
}

# An error of the disk under the backing file: ext4 on a device-mapper
# device whose table turns to `error` (every I/O fails with EIO) and back.
# The application sees EIO on the served device, the server keeps serving,
# and once the disk heals the data reads back as written.
backing_eio() {
    dd if=/dev/zero of=/disk/eio-lower.img bs=1M count=64 2>/dev/null || return 1
    lower=$(/usr/sbin/losetup -f --show /disk/eio-lower.img) || return 1
    sectors=$(blockdev --getsz "$lower")
    dmsetup create mqgen-eio --noudevsync --table "0 $sectors linear $lower 0" || return 1
    dm=$(dm_device mqgen-eio) || return 1
    # lazytime: the timestamps of the failing writes stay in memory, so ext4
    # has no metadata to write while its disk fails.
    mkfs.ext4 -q -F "$dm" && mkdir -p /eio && mount -t ext4 -o noatime,lazytime "$dm" /eio || return 1
    outcome=0
    if start_server eio --driver file --file /eio/backing.img --size 16M --direct-io on --queues 1 --depth 16; then
        passed eio_then_healed || outcome=1
    else
        outcome=1
    fi
    umount /eio && dmsetup remove --noudevsync mqgen-eio && /usr/sbin/losetup -d "$lower" || outcome=1
    return $outcome
}

# dm_device NAME: the device node of the device-mapper device NAME, from
# sysfs (with no udev, /dev/mapper has only the control node).
dm_device() {
    for block in /sys/block/dm-*; do
        [ "$(cat "$block/dm/name" 2>/dev/null)" = "$1" ] && { echo "/dev/${block##*/}"; return 0; }
    done
    echo "no device-mapper device $1"
    return 1
}

# dm_table TABLE: swaps the table of mqgen-eio. No freeze (--nolockfs): the
# file system on it must not write while its disk fails.
dm_table() {
    dmsetup suspend --noudevsync --nolockfs mqgen-eio && dmsetup load mqgen-eio --table "$1" &&
        dmsetup resume --noudevsync mqgen-eio
}

eio_then_healed() {
    dd if=/dev/urandom of="$DEV" bs=1M count=16 oflag=direct 2>/dev/null || return 1
    sum=$(dd if="$DEV" bs=1M iflag=direct 2>/dev/null | md5sum)
    dm_table "0 $sectors error" || return 1
    dd if="$DEV" of=/dev/null bs=4k count=1 skip=1000 iflag=direct 2>/tmp/eio-read.err && echo "a read of a failed disk succeeded"
    dd if=/dev/zero of="$DEV" bs=4k count=1 seek=1000 oflag=direct 2>/tmp/eio-write.err && echo "a write to a failed disk succeeded"
    dm_table "0 $sectors linear $lower 0" || return 1
    grep -q 'Input/output error' /tmp/eio-read.err && grep -q 'Input/output error' /tmp/eio-write.err ||
        { cat /tmp/eio-read.err /tmp/eio-write.err; return 1; }
    [ "$(dd if="$DEV" bs=1M iflag=direct 2>/dev/null | md5sum)" = "$sum" ] || { echo "the data changed"; return 1; }
    echo "EIO reached a read and a write; healed, the data read back as written"
}

# Completions on the driver's own thread: every end is handed over to the
# queue thread (the path a request ended off the queue thread takes).
verify_file_thread() {
    start_server thread --driver file --file /disk/thread.img --size 320M --queues 2 --depth 128 --completions thread || return 1
    fio_verify "$DEV" | tee /tmp/fio-thread.txt
    passed grep -q 'err= 0' /tmp/fio-thread.txt
}
