/// One line of `mqgen-serve list`: the kernel's view of a device, the
/// driver and backing file of its record, and the state decided from both.
public struct ListedDevice: Equatable, Sendable {
    public var transport: DeviceRecord.Transport
    /// `/dev/ublkbN` or `/dev/vdX`; nil while there is no disk.
    public var path: String?
    public var id: UInt32?
    public var name: String?
    /// Made by a mqgen server (it has a record that matches the kernel's view).
    public var ours: Bool
    public var driver: String?
    public var backingFile: String?
    public var bytes: UInt64?
    public var blockSize: UInt32?
    public var queues: Int?
    public var depth: Int?
    public var serverPID: Int32?
    public var state: DeviceState
}

extension ListedDevice: Encodable {
    enum CodingKeys: String, CodingKey {
        case transport, path, id, name, ours, driver, backingFile, bytes, blockSize, queues, depth, serverPID, state
    }

    /// Every key in every object, null where nothing is known, so that a
    /// reader of the JSON sees one shape.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(transport, forKey: .transport)
        try container.encode(path, forKey: .path)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(ours, forKey: .ours)
        try container.encode(driver, forKey: .driver)
        try container.encode(backingFile, forKey: .backingFile)
        try container.encode(bytes, forKey: .bytes)
        try container.encode(blockSize, forKey: .blockSize)
        try container.encode(queues, forKey: .queues)
        try container.encode(depth, forKey: .depth)
        try container.encode(serverPID, forKey: .serverPID)
        try container.encode(state, forKey: .state)
    }
}
