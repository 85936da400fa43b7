import DeviceList
import Foundation

extension DriverOptions {
    /// This server's record of `key`: what `list` cannot read from the kernel.
    func record(of key: DeviceKey) -> DeviceRecord {
        let backing = file.map { $0.hasPrefix("/") ? $0 : FileManager.default.currentDirectoryPath + "/" + $0 }
        let pid = getpid()
        switch key {
        case let .ublk(id): return .ublk(id: id, driver: driver.rawValue, backingFile: backing, serverPID: pid)
        case let .vduse(name): return .vduse(name: name, driver: driver.rawValue, backingFile: backing, serverPID: pid)
        }
    }
}

/// Writes the record of a device just added (or taken over). A failure is
/// said, not fatal: the device serves without it, and `list` shows it as
/// not ours.
func keepRecord(_ record: DeviceRecord) {
    do { try RecordStore.standard.write(record) } catch { note("no record for mqgen-serve list: \(error)") }
}

/// Removes the record of a device this process deleted.
func dropRecord(_ key: DeviceKey) {
    do { try RecordStore.standard.remove(key) } catch { note("record of the deleted device: \(error)") }
}
