import BlockModel
import CURing
import SystemCall
import SystemPackage
import URing
#if canImport(Glibc)
import Glibc
#endif

/// What the kernel knows of a ublk device (`struct ublksrv_ctrl_dev_info`).
public struct UblkDeviceInfo: Sendable, Equatable {
    public var id: UInt32
    public var queues: Int
    public var depth: Int
    public var maxIOBytes: UInt32
    /// `UBLK_S_DEV_DEAD`, `_LIVE` or `_QUIESCED`.
    public var state: UInt16
    public var flags: UInt64
    public var serverPID: Int32

    public static let dead: UInt16 = 0
    public static let live: UInt16 = 1
    public static let quiesced: UInt16 = 2

    public var blockDevice: String { "/dev/ublkb\(id)" }
    /// `UBLK_F_USER_RECOVERY`: the kernel keeps the device for a new server.
    public var userRecovery: Bool { UblkFeatures(rawValue: flags).contains(.userRecovery) }
    public var charDevice: String { "/dev/ublkc\(id)" }
}

/// A device's size and logical block size, as GET_PARAMS answers.
public struct UblkGeometry: Sendable, Equatable {
    public var bytes: UInt64
    public var logicalBlockSize: UInt32
}

/// Flags of a new device.
public struct UblkFeatures: OptionSet, Sendable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// A new server may take over the device after this one dies.
    public static let userRecovery = UblkFeatures(rawValue: UInt64(UBLK_F_USER_RECOVERY))
    /// The kernel copies no data at FETCH/COMMIT; the server would move it
    /// with pread/pwrite on /dev/ublkcN. Used for drivers that move none.
    public static let userCopy = UblkFeatures(rawValue: UBLK_F_USER_COPY)
    /// Commands are ioctl-encoded (`UBLK_U_CMD_*`); always set.
    public static let ioctlEncode = UblkFeatures(rawValue: UBLK_F_CMD_IOCTL_ENCODE)
}

/// Geometry and limits the kernel gets in SET_PARAMS.
public struct UblkParameters: Sendable {
    public var sectors: UInt64
    public var logicalBlockShift: UInt8 = 9
    public var physicalBlockShift: UInt8 = 12
    public var maxSectors: UInt32
    /// What the disk offers: discard and write-zeroes, a volatile cache (the
    /// kernel sends flushes), forced unit access (the kernel marks writes that
    /// must be durable when they end, instead of following them with a
    /// flush). `UblkServer` sets it from its driver's `deviceFeatures`.
    public var deviceFeatures: DeviceFeatures = []

    public init(sectors: UInt64, maxSectors: UInt32) {
        self.sectors = sectors
        self.maxSectors = maxSectors
    }
}

/// `/dev/ublk-control` and its ring: the device lifecycle commands.
public final class UblkControl {
    private let fd: FileDescriptor
    private let ring: Ring

    public init() throws(SystemCallError) {
        do {
            fd = try FileDescriptor.open("/dev/ublk-control", flags: O_RDWR)
        } catch {
            throw error.hinting(Self.remedy(forOpen: error.errno))
        }
        do {
            // The control command (32 bytes) needs the 80-byte SQE command area.
            ring = try Ring(entries: 4, flags: IORING_SETUP_SQE128)
        } catch {
            fd.closeReleasing()
            throw error
        }
    }

    deinit {
        fd.closeReleasing()
    }

    /// What to do when /dev/ublk-control cannot be opened.
    static func remedy(forOpen errno: Errno) -> String? {
        switch errno {
        case .noSuchFileOrDirectory: "load the ublk driver first: modprobe ublk_drv"
        case .permissionDenied, .notPermitted: "ublk devices need root (CAP_SYS_ADMIN)"
        default: nil
        }
    }

    /// Sends one control command and returns its non-negative result.
    @discardableResult
    private func send(_ name: String, _ nr: Int32, device: UInt32, buffer: UnsafeMutableRawBufferPointer? = nil,
                      data: UInt64 = 0) throws(SystemCallError) -> Int32 {
        var command = ublksrv_ctrl_cmd()
        command.dev_id = device
        command.queue_id = UInt16.max
        command.len = UInt16(buffer?.count ?? 0)
        command.addr = UInt64(UInt(bitPattern: buffer?.baseAddress))
        command.data.0 = data
        ring.prepareCommand(fd: fd, op: mqgen_ublk_ctrl_op(UInt32(nr)), command, userData: UserData(.control, tag: Int(nr)))
        try ring.submitAndWait(1)
        var result: Int32?
        ring.drain { userData, res in
            precondition(userData == UserData(.control, tag: Int(nr)), "\(userData) on the ublk control ring, waiting for \(name)")
            result = res
        }
        guard let result else { throw SystemCallError("\(name): no completion", errno: EIO) }
        guard result >= 0 else { throw SystemCallError(name, errno: result) }
        return result
    }

    /// ADD_DEV: a new device (id chosen by the kernel) served by this process.
    public func addDevice(queues: Int, depth: Int, maxIOBytes: UInt32, features: UblkFeatures) throws(SystemCallError) -> UblkDeviceInfo {
        var info = ublksrv_ctrl_dev_info()
        info.nr_hw_queues = UInt16(queues)
        info.queue_depth = UInt16(depth)
        info.max_io_buf_bytes = maxIOBytes
        info.dev_id = UInt32.max
        info.ublksrv_pid = getpid()
        info.flags = features.union(.ioctlEncode).rawValue
        _ = try withUnsafeMutableBytes(of: &info) { bytes throws(SystemCallError) in
            try send("ADD_DEV", UBLK_CMD_ADD_DEV, device: UInt32.max, buffer: bytes)
        }
        return UblkDeviceInfo(info)
    }

    public func deviceInfo(_ id: UInt32) throws(SystemCallError) -> UblkDeviceInfo {
        var info = ublksrv_ctrl_dev_info()
        _ = try withUnsafeMutableBytes(of: &info) { bytes throws(SystemCallError) in
            try send("GET_DEV_INFO", UBLK_CMD_GET_DEV_INFO, device: id, buffer: bytes)
        }
        return UblkDeviceInfo(info)
    }

    /// GET_PARAMS: the size and logical block size set by SET_PARAMS.
    public func geometry(_ id: UInt32) throws(SystemCallError) -> UblkGeometry {
        var params = ublk_params()
        params.len = UInt32(MemoryLayout<ublk_params>.size)
        _ = try withUnsafeMutableBytes(of: &params) { bytes throws(SystemCallError) in
            try send("GET_PARAMS", UBLK_CMD_GET_PARAMS, device: id, buffer: bytes)
        }
        return UblkGeometry(bytes: params.basic.dev_sectors << 9, logicalBlockSize: 1 << UInt32(params.basic.logical_bs_shift))
    }

    public func setParameters(_ id: UInt32, _ parameters: UblkParameters) throws(SystemCallError) {
        var params = ublk_params()
        params.len = UInt32(MemoryLayout<ublk_params>.size)
        params.types = UInt32(UBLK_PARAM_TYPE_BASIC)
        params.basic.logical_bs_shift = parameters.logicalBlockShift
        params.basic.physical_bs_shift = max(parameters.physicalBlockShift, parameters.logicalBlockShift)
        params.basic.io_min_shift = parameters.logicalBlockShift
        params.basic.io_opt_shift = params.basic.physical_bs_shift
        params.basic.max_sectors = parameters.maxSectors
        params.basic.dev_sectors = parameters.sectors
        if parameters.deviceFeatures.contains(.volatileWriteCache) { params.basic.attrs |= UInt32(UBLK_ATTR_VOLATILE_CACHE) }
        if parameters.deviceFeatures.contains(.forceUnitAccess) { params.basic.attrs |= UInt32(UBLK_ATTR_FUA) }
        if parameters.deviceFeatures.contains(.discard) {
            params.types |= UInt32(UBLK_PARAM_TYPE_DISCARD)
            params.discard.discard_granularity = 1 << parameters.logicalBlockShift
            params.discard.max_discard_sectors = UInt32.max >> 9
            params.discard.max_write_zeroes_sectors = UInt32.max >> 9
            params.discard.max_discard_segments = 1
        }
        _ = try withUnsafeMutableBytes(of: &params) { bytes throws(SystemCallError) in
            try send("SET_PARAMS", UBLK_CMD_SET_PARAMS, device: id, buffer: bytes)
        }
    }

    /// START_DEV: returns once every tag has a FETCH_REQ and /dev/ublkbN exists.
    public func startDevice(_ id: UInt32) throws(SystemCallError) {
        try send("START_DEV", UBLK_CMD_START_DEV, device: id, data: UInt64(getpid()))
    }

    public func stopDevice(_ id: UInt32) throws(SystemCallError) {
        try send("STOP_DEV", UBLK_CMD_STOP_DEV, device: id)
    }

    public func deleteDevice(_ id: UInt32) throws(SystemCallError) {
        try send("DEL_DEV", UBLK_CMD_DEL_DEV, device: id)
    }

    public func startUserRecovery(_ id: UInt32) throws(SystemCallError) {
        try send("START_USER_RECOVERY", UBLK_CMD_START_USER_RECOVERY, device: id)
    }

    public func endUserRecovery(_ id: UInt32) throws(SystemCallError) {
        try send("END_USER_RECOVERY", UBLK_CMD_END_USER_RECOVERY, device: id, data: UInt64(getpid()))
    }
}

extension UblkDeviceInfo {
    init(_ info: ublksrv_ctrl_dev_info) {
        self.init(id: info.dev_id, queues: Int(info.nr_hw_queues), depth: Int(info.queue_depth),
                  maxIOBytes: info.max_io_buf_bytes, state: info.state, flags: info.flags, serverPID: info.ublksrv_pid)
    }
}
