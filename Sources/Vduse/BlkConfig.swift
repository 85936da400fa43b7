import BlockModel
import CVduse

/// What the device offers: the virtio feature bits and `struct
/// virtio_blk_config`, the read-only config space the virtio-blk driver reads.
public struct BlkDeviceConfig: Sendable, Equatable {
    public var sectors: UInt64
    public var logicalBlockSize: UInt32 = 512
    public var queues: Int
    /// The most data segments one request may have (`seg_max`).
    public var maxSegments: UInt32 = 128
    /// The largest data segment (`size_max`), bytes.
    public var maxSegmentBytes: UInt32 = 128 << 10
    /// What the disk offers: discard and write-zeroes, and a volatile cache
    /// (the virtio driver sends flushes, `VIRTIO_BLK_F_FLUSH`). virtio-blk has
    /// no FUA, so `.forceUnitAccess` is not offered: the virtio driver follows
    /// such a write with a flush. `VduseServer` sets it from its driver's
    /// `deviceFeatures`.
    public var deviceFeatures: DeviceFeatures = []

    public init(sectors: UInt64, queues: Int) {
        self.sectors = sectors
        self.queues = queues
    }

    /// The feature bits offered. `VIRTIO_F_ACCESS_PLATFORM` is required by
    /// VDUSE (buffers go through its IOTLB); `CONFIG_WCE` is refused by it
    /// (the config space is read-only), so the cache mode is fixed.
    public var features: UInt64 {
        var bits: [Int32] = [VIRTIO_F_VERSION_1, VIRTIO_F_ACCESS_PLATFORM, VIRTIO_RING_F_EVENT_IDX,
                             VIRTIO_RING_F_INDIRECT_DESC, VIRTIO_BLK_F_SEG_MAX, VIRTIO_BLK_F_SIZE_MAX,
                             VIRTIO_BLK_F_BLK_SIZE, VIRTIO_BLK_F_TOPOLOGY]
        if queues > 1 { bits.append(VIRTIO_BLK_F_MQ) }
        if deviceFeatures.contains(.volatileWriteCache) { bits.append(VIRTIO_BLK_F_FLUSH) }
        if deviceFeatures.contains(.discard) { bits += [VIRTIO_BLK_F_DISCARD, VIRTIO_BLK_F_WRITE_ZEROES] }
        return bits.reduce(0) { $0 | 1 << UInt64($1) }
    }

    /// The config space, as the kernel copies it to the driver.
    public var configSpace: [UInt8] {
        var config = virtio_blk_config()
        config.capacity = sectors
        config.size_max = maxSegmentBytes
        config.seg_max = maxSegments
        config.blk_size = logicalBlockSize
        config.min_io_size = UInt16(logicalBlockSize >> 9)
        config.num_queues = UInt16(queues)
        if deviceFeatures.contains(.discard) {
            config.max_discard_sectors = UInt32.max >> 9
            config.max_discard_seg = 1
            config.discard_sector_alignment = logicalBlockSize >> 9
            config.max_write_zeroes_sectors = UInt32.max >> 9
            config.max_write_zeroes_seg = 1
            config.write_zeroes_may_unmap = 1
        }
        return withUnsafeBytes(of: &config) { Array($0) }
    }
}

/// The model's status as the status byte (`VIRTIO_BLK_S_*`): the virtio
/// driver knows only OK, an I/O error and "unsupported".
public func virtioBlkStatus(ok: Bool, unsupported: Bool) -> UInt8 {
    if ok { return UInt8(VIRTIO_BLK_S_OK) }
    return UInt8(unsupported ? VIRTIO_BLK_S_UNSUPP : VIRTIO_BLK_S_IOERR)
}
