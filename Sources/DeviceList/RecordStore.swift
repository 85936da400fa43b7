import Foundation
import SystemCall
#if canImport(Glibc)
import Glibc
#endif

/// The directory of device records, `/run/mqgen` (a tmpfs: records go with
/// the boot, as the devices do). One JSON file per device, replaced whole by
/// a rename so that a reader never sees half of one.
public struct RecordStore: Sendable {
    /// `/run/mqgen`, beside VDUSE's in-flight logs; `MQGEN_RECORD_DIR`
    /// moves it, for a test that must not touch the machine's records.
    public static let standard = RecordStore(directory: ProcessInfo.processInfo.environment["MQGEN_RECORD_DIR"] ?? "/run/mqgen")

    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// Writes `record` to a temporary file and renames it over the old one.
    public func write(_ record: DeviceRecord) throws(SystemCallError) {
        try makeDirectory()
        let path = "\(directory)/\(record.key.fileName)"
        let temporary = "\(directory)/.\(record.key.fileName).\(getpid())"
        let bytes = Array(Self.encode(record).utf8)
        let fd = try checked("open \(temporary)") { open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) }
        defer { close(fd) }
        let written = try checked("write \(temporary)") { Glibc.write(fd, bytes, bytes.count) }
        guard written == bytes.count else { throw SystemCallError("write \(temporary): short", errno: EIO) }
        _ = try checked("rename \(temporary)") { rename(temporary, path) }
    }

    /// Removes the record of a device that is gone; one already gone is fine.
    public func remove(_ key: DeviceKey) throws(SystemCallError) {
        let path = "\(directory)/\(key.fileName)"
        do { _ = try checked("unlink \(path)") { unlink(path) } } catch where error.errno == .noSuchFileOrDirectory {}
    }

    /// Removes a stale record unless its file now holds another: a new
    /// server of the same number may have replaced it since it was read.
    public func removeStale(_ record: DeviceRecord) throws(SystemCallError) {
        let path = "\(directory)/\(record.key.fileName)"
        guard FileManager.default.contents(atPath: path).flatMap(Self.decode) == record else { return }
        try remove(record.key)
    }

    /// Every record that parses. A file that does not (another program's,
    /// or the in-flight logs beside them) is not a record and is left alone.
    public func records() -> [DeviceRecord] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted().compactMap { name in
            FileManager.default.contents(atPath: "\(directory)/\(name)").flatMap(Self.decode)
        }
    }

    static func encode(_ record: DeviceRecord) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding a struct of strings and integers cannot fail.
        return String(decoding: try! encoder.encode(record), as: UTF8.self) + "\n"
    }

    static func decode(_ data: Data) -> DeviceRecord? {
        try? JSONDecoder().decode(DeviceRecord.self, from: data)
    }

    /// mkdir -p of the directory (`/run` itself may be missing in an initramfs).
    private func makeDirectory() throws(SystemCallError) {
        var path = ""
        for component in directory.split(separator: "/") {
            path += "/\(component)"
            do { _ = try checked("mkdir \(path)") { mkdir(path, 0o755) } } catch where error.errno == .fileExists {}
        }
    }
}
