/// What the kernel says of one ublk device: GET_DEV_INFO, GET_PARAMS and
/// whether the disk is in sysfs.
public struct UblkObservation: Equatable, Sendable {
    public var id: UInt32
    /// `ublksrv_ctrl_dev_info.state`, raw (`UBLK_S_DEV_*`).
    public var state: UInt16
    public var userRecovery: Bool
    public var serverPID: Int32
    public var queues: Int
    public var depth: Int
    /// From GET_PARAMS; nil when the kernel has none (no SET_PARAMS yet).
    public var bytes: UInt64?
    public var blockSize: UInt32?
    /// `/sys/block/ublkbN` exists (the device was started and not stopped).
    public var hasDisk: Bool

    public init(id: UInt32, state: UInt16, userRecovery: Bool, serverPID: Int32, queues: Int, depth: Int,
                bytes: UInt64?, blockSize: UInt32?, hasDisk: Bool) {
        self.id = id
        self.state = state
        self.userRecovery = userRecovery
        self.serverPID = serverPID
        self.queues = queues
        self.depth = depth
        self.bytes = bytes
        self.blockSize = blockSize
        self.hasDisk = hasDisk
    }
}

/// What the kernel says of one VDUSE device: `/sys/class/vduse/NAME`, the
/// vdpa `DEV_GET` answer and the disk virtio_vdpa made of it.
public struct VduseObservation: Equatable, Sendable {
    public var name: String
    /// On the vDPA bus: `DEV_GET` answered.
    public var attached: Bool
    /// `VDPA_ATTR_DEV_MAX_VQS` and `_MAX_VQ_SIZE`, when attached.
    public var queues: Int?
    public var depth: Int?
    /// `/dev/vdX`, when virtio_vdpa made one.
    public var disk: String?
    public var bytes: UInt64?
    public var blockSize: UInt32?

    public init(name: String, attached: Bool, queues: Int? = nil, depth: Int? = nil, disk: String? = nil,
                bytes: UInt64? = nil, blockSize: UInt32? = nil) {
        self.name = name
        self.attached = attached
        self.queues = queues
        self.depth = depth
        self.disk = disk
        self.bytes = bytes
        self.blockSize = blockSize
    }
}
