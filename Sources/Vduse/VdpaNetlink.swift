import CVduse
import SystemCall
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// The `vdpa` generic-netlink family, spoken directly: what iproute2's
/// `vdpa dev add name N mgmtdev vduse` and `vdpa dev del N` send. Direct, so
/// the server needs no iproute2 and gets the kernel's errno, not a message.
public struct VdpaNetlink {
    /// VDPA_CMD_DEV_NEW on management device "vduse": puts the VDUSE device
    /// on the vDPA bus. Returns after the bound driver (virtio_vdpa) probed
    /// it, which exchanges messages with the device: serve them meanwhile.
    public static func addDevice(name: String) throws(SystemCallError) {
        try request(command: UInt8(VDPA_CMD_DEV_NEW.rawValue), "vdpa dev add name \(name) mgmtdev vduse",
                    attributes: [(UInt16(VDPA_ATTR_DEV_NAME.rawValue), name), (UInt16(VDPA_ATTR_MGMTDEV_DEV_NAME.rawValue), "vduse")])
    }

    /// VDPA_CMD_DEV_DEL: takes the device off the bus (its block device goes).
    public static func deleteDevice(name: String) throws(SystemCallError) {
        try request(command: UInt8(VDPA_CMD_DEV_DEL.rawValue), "vdpa dev del \(name)",
                    attributes: [(UInt16(VDPA_ATTR_DEV_NAME.rawValue), name)])
    }

    /// VDPA_CMD_DEV_GET: the device on the vDPA bus named `name`, or nil
    /// when there is none (`ENODEV`: not attached, or no such device).
    public static func device(name: String) throws(SystemCallError) -> VdpaDeviceInfo? {
        let socket = try NetlinkSocket()
        let family = try socket.resolveFamily(VDPA_GENL_NAME)
        let reply: [UInt8]
        do {
            reply = try socket.get(type: family, command: UInt8(VDPA_CMD_DEV_GET.rawValue), version: UInt8(VDPA_GENL_VERSION),
                                   attributes: [(UInt16(VDPA_ATTR_DEV_NAME.rawValue), name)], what: "vdpa dev show \(name)")
        } catch where error.errno == .operationNotSupportedByDevice {
            return nil
        }
        return VdpaDeviceInfo(reply: reply)
    }

    private static func request(command: UInt8, _ what: String, attributes: [(UInt16, String)]) throws(SystemCallError) {
        let socket = try NetlinkSocket()
        let family = try socket.resolveFamily(VDPA_GENL_NAME)
        try socket.send(type: family, command: command, version: UInt8(VDPA_GENL_VERSION), attributes: attributes, what: what)
    }
}

/// What `VDPA_CMD_DEV_GET` says of a device on the vDPA bus.
public struct VdpaDeviceInfo: Sendable, Equatable {
    /// `VDPA_ATTR_DEV_MAX_VQS`: for VDUSE, the virtqueues it was created with.
    public var virtqueues: Int?
    /// `VDPA_ATTR_DEV_MAX_VQ_SIZE`: the largest virtqueue size (VDUSE_VQ_SETUP's).
    public var maxVirtqueueSize: Int?

    init(reply: [UInt8]) {
        virtqueues = NetlinkSocket.attribute(UInt16(VDPA_ATTR_DEV_MAX_VQS.rawValue), in: reply).flatMap(Self.integer)
        maxVirtqueueSize = NetlinkSocket.attribute(UInt16(VDPA_ATTR_DEV_MAX_VQ_SIZE.rawValue), in: reply).flatMap(Self.integer)
    }

    /// A u16 or u32 attribute's payload, little-endian (netlink is host order; x86).
    static func integer(_ payload: [UInt8]) -> Int? {
        guard payload.count == 2 || payload.count == 4 else { return nil }
        return payload.reversed().reduce(0) { $0 << 8 | Int($1) }
    }
}

/// A NETLINK_GENERIC socket with one request in flight at a time.
final class NetlinkSocket {
    private let fd: FileDescriptor
    private var sequence: UInt32 = 1

    init() throws(SystemCallError) {
        fd = FileDescriptor(rawValue: try checked("socket(AF_NETLINK, NETLINK_GENERIC)") {
            socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), NETLINK_GENERIC)
        })
    }

    deinit {
        fd.closeReleasing()
    }

    /// CTRL_CMD_GETFAMILY: the message type of a family.
    func resolveFamily(_ name: String) throws(SystemCallError) -> UInt16 {
        let reply = try exchange(type: UInt16(GENL_ID_CTRL), command: UInt8(CTRL_CMD_GETFAMILY), version: 1,
                                 attributes: [(UInt16(CTRL_ATTR_FAMILY_NAME), name)], acknowledge: false,
                                 what: "resolve generic netlink family '\(name)'",
                                 hint: "load the vDPA bus: modprobe vdpa")
        guard let id = Self.attribute(UInt16(CTRL_ATTR_FAMILY_ID), in: reply), id.count >= 2 else {
            throw SystemCallError("resolve generic netlink family '\(name)'", errno: EPROTO)
        }
        return UInt16(id[0]) | UInt16(id[1]) << 8
    }

    func send(type: UInt16, command: UInt8, version: UInt8, attributes: [(UInt16, String)], what: String) throws(SystemCallError) {
        _ = try exchange(type: type, command: command, version: version, attributes: attributes, acknowledge: true,
                         what: what, hint: nil)
    }

    /// A request answered by one message of the family: its body.
    func get(type: UInt16, command: UInt8, version: UInt8, attributes: [(UInt16, String)], what: String) throws(SystemCallError) -> [UInt8] {
        try exchange(type: type, command: command, version: version, attributes: attributes, acknowledge: false,
                     what: what, hint: nil)
    }

    /// Sends one request and reads until its answer: the first message of
    /// the family (returned), or the acknowledgement (an empty answer).
    private func exchange(type: UInt16, command: UInt8, version: UInt8, attributes: [(UInt16, String)],
                          acknowledge: Bool, what: String, hint: String?) throws(SystemCallError) -> [UInt8] {
        sequence += 1
        let message = Self.encode(type: type, flags: UInt16(NLM_F_REQUEST) | (acknowledge ? UInt16(NLM_F_ACK) : 0),
                                  sequence: sequence, command: command, version: version, attributes: attributes)
        // Unconnected and unbound: the kernel autobinds on the first send and
        // addresses it to itself (pid 0).
        let sent = try checked(what) { message.withUnsafeBytes { Glibc.send(fd.rawValue, $0.baseAddress, $0.count, 0) } }
        guard sent == message.count else { throw SystemCallError("\(what): sent \(sent) of \(message.count) bytes", errno: EIO) }
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = try checked(what) { buffer.withUnsafeMutableBytes { recv(fd.rawValue, $0.baseAddress, $0.count, 0) } }
            guard count > 0 else { throw SystemCallError(what, errno: EPROTO) }
            if let answer = try Self.answer(in: Array(buffer[0..<count]), sequence: sequence, what: what, hint: hint) {
                return answer
            }
        }
    }

    /// The answer to `sequence` among the messages of one datagram, if it is there.
    private static func answer(in datagram: [UInt8], sequence: UInt32, what: String, hint: String?) throws(SystemCallError) -> [UInt8]? {
        var offset = 0
        while offset + 16 <= datagram.count {
            let length = Int(load(UInt32.self, datagram, offset))
            let type = load(UInt16.self, datagram, offset + 4)
            guard length >= 16, offset + length <= datagram.count else { throw SystemCallError(what, errno: EPROTO) }
            if load(UInt32.self, datagram, offset + 8) == sequence {
                if type == UInt16(NLMSG_ERROR) {
                    let error = Int32(bitPattern: load(UInt32.self, datagram, offset + 16))
                    if error == 0 { return [] }
                    throw SystemCallError(what, errno: -error, hint: -error == ENOENT ? hint : nil)
                }
                return Array(datagram[(offset + 16)..<(offset + length)])
            }
            offset += (length + 3) & ~3
        }
        return nil
    }

    /// The payload of attribute `type` in a generic netlink message body.
    static func attribute(_ type: UInt16, in body: [UInt8]) -> [UInt8]? {
        var offset = 4 // struct genlmsghdr
        while offset + 4 <= body.count {
            let length = Int(load(UInt16.self, body, offset))
            guard length >= 4, offset + length <= body.count else { return nil }
            if load(UInt16.self, body, offset + 2) & 0x3fff == type { return Array(body[(offset + 4)..<(offset + length)]) }
            offset += (length + 3) & ~3
        }
        return nil
    }

    /// nlmsghdr, genlmsghdr, then each attribute as a NUL-terminated string.
    static func encode(type: UInt16, flags: UInt16, sequence: UInt32, command: UInt8, version: UInt8,
                       attributes: [(UInt16, String)]) -> [UInt8] {
        var body: [UInt8] = [command, version, 0, 0]
        for (kind, value) in attributes {
            let payload = Array(value.utf8) + [0]
            append(UInt16(4 + payload.count), to: &body)
            append(kind, to: &body)
            body += payload
            while body.count % 4 != 0 { body.append(0) }
        }
        var message: [UInt8] = []
        append(UInt32(16 + body.count), to: &message)
        append(type, to: &message)
        append(flags, to: &message)
        append(sequence, to: &message)
        append(UInt32(0), to: &message)
        return message + body
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    private static func load<T: FixedWidthInteger>(_: T.Type, _ bytes: [UInt8], _ offset: Int) -> T {
        bytes.withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }
}
