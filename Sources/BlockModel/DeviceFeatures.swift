/// What a driver's disk offers beyond reads and writes: the kernel's
/// `BLK_FEAT_WRITE_CACHE` and `BLK_FEAT_FUA` flags and its discard limits
/// (`queue_limits` since 6.11, the queue setters before).
///
/// A driver declares them (`Operations.deviceFeatures`) and the transports
/// advertise exactly that set: ublk as `UBLK_ATTR_*` and discard parameters,
/// VDUSE as virtio-blk feature bits. Nothing decides them from a driver's name.
public struct DeviceFeatures: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8

    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// Discard and write-zeroes (`REQ_OP_DISCARD`, `REQ_OP_WRITE_ZEROES`):
    /// the driver reads a discarded or zeroed range back as zeros.
    public static let discard = DeviceFeatures(rawValue: 1 << 0)
    /// A volatile write cache: the block layer sends flushes
    /// (`REQ_OP_FLUSH`, `REQ_PREFLUSH`), and a write ends before it is durable.
    public static let volatileWriteCache = DeviceFeatures(rawValue: 1 << 1)
    /// Forced unit access (`REQ_FUA`): a write so marked is durable when it
    /// ends. The block layer honours it only with a volatile write cache.
    public static let forceUnitAccess = DeviceFeatures(rawValue: 1 << 2)
}
