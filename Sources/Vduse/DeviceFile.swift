import CVduse
import SystemCall
import SystemPackage
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
///
/// `@unchecked Sendable`: the message thread and the queue threads call its
/// ioctls and reads at once, which the kernel serializes; `fd` changes only
/// in `close`, which the server calls after those threads have stopped.
final class VduseDeviceFile: @unchecked Sendable {
    private(set) var fd: FileDescriptor?
    let name: String

    init(name: String) throws(SystemCallError) {
        self.name = name
        let path = "/dev/vduse/\(name)"
        // udev (or devtmpfs) makes the node a moment after CREATE_DEV.
        for _ in 0..<99 {
            do {
                fd = try FileDescriptor.open(path, flags: O_RDWR | O_NONBLOCK)
                return
            } catch where error.errno == .noSuchFileOrDirectory {
                usleep(20_000)
            }
        }
        fd = try FileDescriptor.open(path, flags: O_RDWR | O_NONBLOCK)
    }

    deinit {
        close()
    }

    /// Closes the char device: VDUSE_DESTROY_DEV refuses while it is open.
    func close() {
        fd?.closeReleasing()
        fd = nil
    }

    /// The open descriptor; using the device after `close` is a bug.
    private var open: FileDescriptor {
        guard let fd else { preconditionFailure("/dev/vduse/\(name) used after close") }
        return fd
    }

    private func ioctl(_ name: String, _ request: UInt, _ argument: UnsafeMutableRawPointer) throws(SystemCallError) {
        _ = try checked(name) { mqgen_vduse_ioctl(open.rawValue, request, argument) }
    }

    /// VDUSE_VQ_SETUP: the largest ring the driver may make for queue `index`.
    func setUpVirtqueue(_ index: Int, maxSize: UInt16) throws(SystemCallError) {
        var config = vduse_vq_config()
        config.index = UInt32(index)
        config.max_size = maxSize
        try ioctl("VDUSE_VQ_SETUP \(index)", mqgen_vduse_vq_setup(), &config)
    }

    func virtqueueInfo(_ index: Int) throws(SystemCallError) -> VirtqueueInfo {
        var info = vduse_vq_info()
        info.index = UInt32(index)
        try ioctl("VDUSE_VQ_GET_INFO \(index)", mqgen_vduse_vq_get_info(), &info)
        return VirtqueueInfo(size: UInt16(truncatingIfNeeded: info.num), descriptors: info.desc_addr, avail: info.driver_addr,
                             used: info.device_addr, availIndex: info.split.avail_index, ready: info.ready != 0)
    }

    /// The features the driver accepted.
    func negotiatedFeatures() throws(SystemCallError) -> UInt64 {
        var features: UInt64 = 0
        try ioctl("VDUSE_DEV_GET_FEATURES", mqgen_vduse_dev_get_features(), &features)
        return features
    }

    /// VDUSE_VQ_SETUP_KICKFD: the kernel signals `eventfd` when the driver
    /// kicks the queue (-1 detaches it).
    func setKickEvent(_ index: Int, eventfd: FileDescriptor?) throws(SystemCallError) {
        var event = vduse_vq_eventfd()
        event.index = UInt32(index)
        event.fd = eventfd?.rawValue ?? VDUSE_EVENTFD_DEASSIGN
        try ioctl("VDUSE_VQ_SETUP_KICKFD \(index)", mqgen_vduse_vq_setup_kickfd(), &event)
    }

    /// VDUSE_VQ_INJECT_IRQ: the driver's virtqueue callback runs.
    func injectInterrupt(_ index: Int) throws(SystemCallError) {
        var queue = UInt32(index)
        try ioctl("VDUSE_VQ_INJECT_IRQ \(index)", mqgen_vduse_vq_inject_irq(), &queue)
    }

    /// VDUSE_IOTLB_GET_FD: the mapping covering `address` (fd to mmap, and
    /// where the IOVA range starts in it), or nil when nothing is mapped.
    func iotlbEntry(_ address: UInt64) throws(SystemCallError) -> (fd: FileDescriptor, entry: vduse_iotlb_entry) {
        var entry = vduse_iotlb_entry()
        entry.start = address
        entry.last = address
        let fd = try checked("VDUSE_IOTLB_GET_FD 0x\(String(address, radix: 16))") {
            mqgen_vduse_ioctl(open.rawValue, mqgen_vduse_iotlb_get_fd(), &entry)
        }
        return (FileDescriptor(rawValue: fd), entry)
    }

    /// The next message, nil when none is waiting (EAGAIN).
    func readMessage() throws(SystemCallError) -> (id: UInt32, message: VduseMessage)? {
        var request = vduse_dev_request()
        let count: Int
        do {
            count = try checked("read /dev/vduse/\(name)") { read(open.rawValue, &request, MemoryLayout<vduse_dev_request>.size) }
        } catch where error.errno == .wouldBlock {
            return nil
        }
        guard count == MemoryLayout<vduse_dev_request>.size else { throw SystemCallError("read /dev/vduse/\(name)", errno: EIO) }
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
    func respond(to id: UInt32, ok: Bool, queue: UInt32 = 0, availIndex: UInt16? = nil) throws(SystemCallError) {
        var response = vduse_dev_response()
        response.request_id = id
        response.result = UInt32(ok ? VDUSE_REQ_RESULT_OK : VDUSE_REQ_RESULT_FAILED)
        if let availIndex {
            response.vq_state.index = queue
            response.vq_state.split.avail_index = availIndex
        }
        let written = try checked("write /dev/vduse/\(name)") { write(open.rawValue, &response, MemoryLayout<vduse_dev_response>.size) }
        guard written == MemoryLayout<vduse_dev_response>.size else {
            throw SystemCallError("write /dev/vduse/\(name): \(written) bytes", errno: EIO)
        }
    }
}
