import CVduse
#if canImport(Glibc)
import Glibc
#endif

/// A control message of the kernel (`struct vduse_dev_request`), decoded.
enum VduseMessage: Equatable {
    case getVirtqueueState(index: UInt32)
    case setStatus(UInt8)
    case updateIOTLB(first: UInt64, last: UInt64)
    case unknown(type: UInt32)
}

/// What `VDUSE_VQ_GET_INFO` says of a virtqueue once the driver set it up.
struct VirtqueueInfo {
    var size: UInt16
    var descriptors: UInt64
    var avail: UInt64
    var used: UInt64
    var availIndex: UInt16
    var ready: Bool
}

/// `/dev/vduse/<name>`: the device's ioctls and its message channel. Opened
/// non-blocking, so the message thread can also wait for its stop event.
final class VduseDeviceFile: @unchecked Sendable {
    private(set) var fd: Int32
    let name: String

    init(name: String) throws(VduseError) {
        self.name = name
        let path = "/dev/vduse/\(name)"
        var fd: Int32 = -1
        // udev (or devtmpfs) makes the node a moment after CREATE_DEV.
        for _ in 0..<100 {
            fd = open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK)
            if fd >= 0 || errno != ENOENT { break }
            usleep(20_000)
        }
        guard fd >= 0 else { throw VduseError("open \(path)", errno: errno) }
        self.fd = fd
    }

    deinit {
        try? close()
    }

    /// Closes the char device: VDUSE_DESTROY_DEV refuses while it is open.
    func close() throws(VduseError) {
        guard fd >= 0 else { return }
        let result = Glibc.close(fd)
        fd = -1
        if result != 0 { throw VduseError("close /dev/vduse/\(name)", errno: errno) }
    }

    private func ioctl(_ name: String, _ request: UInt, _ argument: UnsafeMutableRawPointer) throws(VduseError) {
        guard mqgen_vduse_ioctl(fd, request, argument) >= 0 else { throw VduseError(name, errno: errno) }
    }

    /// VDUSE_VQ_SETUP: the largest ring the driver may make for queue `index`.
    func setUpVirtqueue(_ index: Int, maxSize: UInt16) throws(VduseError) {
        var config = vduse_vq_config()
        config.index = UInt32(index)
        config.max_size = maxSize
        try ioctl("VDUSE_VQ_SETUP \(index)", mqgen_vduse_vq_setup(), &config)
    }

    func virtqueueInfo(_ index: Int) throws(VduseError) -> VirtqueueInfo {
        var info = vduse_vq_info()
        info.index = UInt32(index)
        try ioctl("VDUSE_VQ_GET_INFO \(index)", mqgen_vduse_vq_get_info(), &info)
        return VirtqueueInfo(size: UInt16(truncatingIfNeeded: info.num), descriptors: info.desc_addr, avail: info.driver_addr,
                             used: info.device_addr, availIndex: info.split.avail_index, ready: info.ready != 0)
    }

    /// The features the driver accepted.
    func negotiatedFeatures() throws(VduseError) -> UInt64 {
        var features: UInt64 = 0
        try ioctl("VDUSE_DEV_GET_FEATURES", mqgen_vduse_dev_get_features(), &features)
        return features
    }

    /// VDUSE_VQ_SETUP_KICKFD: the kernel signals `eventfd` when the driver
    /// kicks the queue (-1 detaches it).
    func setKickEvent(_ index: Int, eventfd: Int32) throws(VduseError) {
        var event = vduse_vq_eventfd()
        event.index = UInt32(index)
        event.fd = eventfd
        try ioctl("VDUSE_VQ_SETUP_KICKFD \(index)", mqgen_vduse_vq_setup_kickfd(), &event)
    }

    /// VDUSE_VQ_INJECT_IRQ: the driver's virtqueue callback runs.
    func injectInterrupt(_ index: Int) -> Int32 {
        var queue = UInt32(index)
        return mqgen_vduse_ioctl(fd, mqgen_vduse_vq_inject_irq(), &queue) >= 0 ? 0 : errno
    }

    /// VDUSE_IOTLB_GET_FD: the mapping covering `address` (fd to mmap, and
    /// where the IOVA range starts in it), or nil when nothing is mapped.
    func iotlbEntry(_ address: UInt64) throws(VduseError) -> (fd: Int32, entry: vduse_iotlb_entry) {
        var entry = vduse_iotlb_entry()
        entry.start = address
        entry.last = address
        let fd = mqgen_vduse_ioctl(self.fd, mqgen_vduse_iotlb_get_fd(), &entry)
        guard fd >= 0 else { throw VduseError("VDUSE_IOTLB_GET_FD 0x\(String(address, radix: 16))", errno: errno) }
        return (fd, entry)
    }

    /// The next message, nil when none is waiting (EAGAIN).
    func readMessage() throws(VduseError) -> (id: UInt32, message: VduseMessage)? {
        var request = vduse_dev_request()
        let count = read(fd, &request, MemoryLayout<vduse_dev_request>.size)
        if count < 0 {
            if errno == EAGAIN || errno == EINTR { return nil }
            throw VduseError("read /dev/vduse/\(name)", errno: errno)
        }
        guard count == MemoryLayout<vduse_dev_request>.size else { throw VduseError("read /dev/vduse/\(name)", errno: EIO) }
        return (request.request_id, Self.decode(request))
    }

    static func decode(_ request: vduse_dev_request) -> VduseMessage {
        switch request.type {
        case VDUSE_GET_VQ_STATE.rawValue: .getVirtqueueState(index: request.vq_state.index)
        case VDUSE_SET_STATUS.rawValue: .setStatus(request.s.status)
        case VDUSE_UPDATE_IOTLB.rawValue: .updateIOTLB(first: request.iova.start, last: request.iova.last)
        default: .unknown(type: request.type)
        }
    }

    /// Answers message `id`; `availIndex` goes with GET_VQ_STATE's answer.
    func respond(to id: UInt32, ok: Bool, queue: UInt32 = 0, availIndex: UInt16? = nil) throws(VduseError) {
        var response = vduse_dev_response()
        response.request_id = id
        response.result = UInt32(ok ? VDUSE_REQ_RESULT_OK : VDUSE_REQ_RESULT_FAILED)
        if let availIndex {
            response.vq_state.index = queue
            response.vq_state.split.avail_index = availIndex
        }
        guard write(fd, &response, MemoryLayout<vduse_dev_response>.size) == MemoryLayout<vduse_dev_response>.size else {
            throw VduseError("write /dev/vduse/\(name)", errno: errno)
        }
    }
}
