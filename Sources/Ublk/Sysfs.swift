import Foundation

/// The ublk devices sysfs shows, whoever made them.
public enum UblkSysfs {
    /// Every device's number, from its char device `/sys/class/ublk-char/ublkcN`
    /// (a device has one from ADD_DEV to DEL_DEV, started or not).
    public static func deviceIDs(in directory: String = "/sys/class/ublk-char") -> [UInt32] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap { name in name.hasPrefix("ublkc") ? UInt32(name.dropFirst(5)) : nil }.sorted()
    }

    /// Whether `/dev/ublkbN` exists as a disk: from START_DEV until STOP_DEV.
    public static func hasDisk(_ id: UInt32) -> Bool {
        FileManager.default.fileExists(atPath: "/sys/block/ublkb\(id)")
    }
}
