/// What a mqgen server keeps of its device under `/run/mqgen/` for
/// `mqgen-serve list`: only what the kernel cannot say (the driver, its
/// backing file) and whose process served it. Everything else, liveness
/// included, is read from the kernel at each listing.
public struct DeviceRecord: Codable, Equatable, Sendable {
    public enum Transport: String, Codable, Sendable, CaseIterable {
        case ublk, vduse
    }

    public var transport: Transport
    /// The ublk device number (`/dev/ublkbN`), for ublk.
    public var id: UInt32?
    /// The VDUSE device's name (`/dev/vduse/NAME`), for VDUSE.
    public var name: String?
    public var driver: String
    public var backingFile: String?
    public var serverPID: Int32

    public static func ublk(id: UInt32, driver: String, backingFile: String?, serverPID: Int32) -> DeviceRecord {
        DeviceRecord(transport: .ublk, id: id, name: nil, driver: driver, backingFile: backingFile, serverPID: serverPID)
    }

    public static func vduse(name: String, driver: String, backingFile: String?, serverPID: Int32) -> DeviceRecord {
        DeviceRecord(transport: .vduse, id: nil, name: name, driver: driver, backingFile: backingFile, serverPID: serverPID)
    }

    public var key: DeviceKey {
        transport == .ublk ? .ublk(id ?? .max) : .vduse(name ?? "")
    }
}

/// Which device a record is of: a ublk number or a VDUSE name.
public enum DeviceKey: Hashable, Sendable {
    case ublk(UInt32)
    case vduse(String)

    /// The record's file: `ublk-N.json` or `vduse-NAME.json` (a VDUSE name has no '/').
    public var fileName: String {
        switch self {
        case let .ublk(id): "ublk-\(id).json"
        case let .vduse(name): "vduse-\(name).json"
        }
    }
}
