/// The devices to list and the records to clean up, from what the kernel
/// says and the records: no kernel access here, so every decision is
/// testable with made-up observations.
public struct Listing: Equatable, Sendable {
    /// ublk devices by id, then VDUSE devices by name.
    public var devices: [ListedDevice]
    /// Records that belong to no device: the device is gone, or its id now
    /// belongs to another server. `list` removes them.
    public var staleRecords: [DeviceRecord]

    /// `isAlive(pid)`: whether a process with that pid exists.
    public init(ublk: [UblkObservation], vduse: [VduseObservation], records: [DeviceRecord],
                isAlive: (Int32) -> Bool) {
        var unclaimed = records
        devices = ublk.sorted { $0.id < $1.id }.map { device in
            let record = Self.claim(&unclaimed) { $0.transport == .ublk && $0.id == device.id }
            // A record of another server's pid is stale: our device went
            // and the kernel gave its id to a new one. Once a server has
            // died and the kernel stopped its device, the kernel keeps no
            // pid (6.12 sets -1): the record is then the only word on it.
            let ours = record.flatMap { device.serverPID <= 0 || $0.serverPID == device.serverPID ? $0 : nil }
            if let record, ours == nil { unclaimed.append(record) }
            return Self.listed(device, record: ours, isAlive: isAlive)
        }
        devices += vduse.sorted { $0.name < $1.name }.map { device in
            let record = Self.claim(&unclaimed) { $0.transport == .vduse && $0.name == device.name }
            return Self.listed(device, record: record, isAlive: isAlive)
        }
        staleRecords = unclaimed
    }

    /// Takes the first record that matches out of `records`.
    private static func claim(_ records: inout [DeviceRecord], where matches: (DeviceRecord) -> Bool) -> DeviceRecord? {
        guard let index = records.firstIndex(where: matches) else { return nil }
        return records.remove(at: index)
    }

    private static func listed(_ device: UblkObservation, record: DeviceRecord?, isAlive: (Int32) -> Bool) -> ListedDevice {
        let pid = device.serverPID > 0 ? device.serverPID : record?.serverPID ?? 0
        let alive = pid > 0 && isAlive(pid)
        return ListedDevice(
            transport: .ublk, path: device.hasDisk ? "/dev/ublkb\(device.id)" : nil, id: device.id, name: nil,
            ours: record != nil, driver: record?.driver, backingFile: record?.backingFile,
            bytes: device.bytes, blockSize: device.blockSize, queues: device.queues, depth: device.depth,
            serverPID: pid > 0 ? pid : nil,
            state: .ublk(state: device.state, userRecovery: device.userRecovery, serverAlive: alive))
    }

    private static func listed(_ device: VduseObservation, record: DeviceRecord?, isAlive: (Int32) -> Bool) -> ListedDevice {
        ListedDevice(
            transport: .vduse, path: device.disk, id: nil, name: device.name,
            ours: record != nil, driver: record?.driver, backingFile: record?.backingFile,
            bytes: device.bytes, blockSize: device.blockSize, queues: device.queues, depth: device.depth,
            serverPID: record?.serverPID,
            state: .vduse(attached: device.attached, serverAlive: record.map { $0.serverPID > 0 && isAlive($0.serverPID) }))
    }
}
